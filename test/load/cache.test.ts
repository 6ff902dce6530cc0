/** The persistent cache file: round trip, and every kind of bad file ignored (never trusted). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contentHash, defaultCacheDir, FileCache } from '../../src/load/cache.js';
import { rmRepo, tmpRepo } from '../config/tmp.js';
import { ROOT } from '../helpers.js';

const DATA = { docs: [{ node: { type: 'scalar', value: 'x', span: { file: 'a.yaml', line: 1, column: 1, endLine: 1, endColumn: 2 } }, index: 0 }], shared: new Map([['k', 1]]) };

function filled(dir: string): FileCache {
  const c = FileCache.open(dir, '1.0.0', 'opts');
  c.set('a.yaml', contentHash('a'), DATA);
  c.set('b.yaml', contentHash('b'), { n: 2 });
  assert.ok(c.save(() => true));
  return c;
}

const file = (dir: string) => path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.bin'))!);

test('entries come back by file and content hash; another content is a miss', () => {
  const dir = tmpRepo({});
  try {
    filled(dir);
    const c = FileCache.open(dir, '1.0.0', 'opts');
    assert.is(c.rejected, undefined);
    assert.equal(c.get('a.yaml', contentHash('a')), DATA);
    assert.is(c.get('a.yaml', contentHash('changed')), undefined);
    assert.is(c.get('c.yaml', contentHash('a')), undefined);
  } finally {
    rmRepo(dir);
  }
});

test('values JSON cannot hold come back as they were: Maps, Sets, undefined, NaN, Infinity, -0, nested arrays and nulls', () => {
  const dir = tmpRepo({});
  try {
    const values: Record<string, unknown> = {
      plain: { a: [1, 'two', null, true, { b: [] }], s: 'é\u2028"\\' },
      map: { m: new Map([['k', { v: 1 }]]) },
      set: [new Set(['x'])],
      undef: { a: undefined },
      nan: { v: Number.NaN },
      inf: [Number.POSITIVE_INFINITY],
      negzero: { v: -0 },
      buffer: { b: Buffer.from('x') },
      date: [new Date(0)],
      nothing: null,
    };
    const c = FileCache.open(dir, '1.0.0', 'opts');
    for (const [k, v] of Object.entries(values)) c.set(k, contentHash(k), v);
    assert.ok(c.save(() => true));
    const back = FileCache.open(dir, '1.0.0', 'opts');
    for (const [k, v] of Object.entries(values)) {
      const got = back.get(k, contentHash(k));
      assert.equal(got, v, k);
      if (k === 'undef') assert.ok('a' in (got as object), 'undefined property kept');
      if (k === 'negzero') assert.ok(Object.is((got as { v: number }).v, -0), '-0 kept');
    }
  } finally {
    rmRepo(dir);
  }
});

test('a missing, foreign, truncated, corrupt, other-version or other-options file is ignored', () => {
  const dir = tmpRepo({});
  try {
    assert.is(FileCache.open(dir, '1.0.0', 'opts').rejected, 'missing');
    filled(dir);
    const f = file(dir);
    const good = fs.readFileSync(f);
    assert.is(FileCache.open(dir, '2.0.0', 'opts').rejected, 'version');
    assert.is(FileCache.open(dir, '1.0.0', 'other').rejected, 'options');
    fs.writeFileSync(f, good.subarray(0, good.length - 7));
    assert.is(FileCache.open(dir, '1.0.0', 'opts').rejected, 'truncated');
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0xff;
    fs.writeFileSync(f, flipped);
    assert.is(FileCache.open(dir, '1.0.0', 'opts').rejected, 'corrupt');
    fs.writeFileSync(f, '{"not": "a cache"}');
    assert.is(FileCache.open(dir, '1.0.0', 'opts').rejected, 'foreign');
    const empty = FileCache.open(dir, '1.0.0', 'opts');
    assert.is(empty.size, 0);
    assert.ok(empty.save(() => true), 'a rejected file is rewritten');
    assert.is(FileCache.open(dir, '1.0.0', 'opts').rejected, undefined);
  } finally {
    rmRepo(dir);
  }
});

test('entries of files that are gone are dropped; others survive a run that did not read them', () => {
  const dir = tmpRepo({});
  try {
    filled(dir);
    const c = FileCache.open(dir, '1.0.0', 'opts');
    c.set('c.yaml', contentHash('c'), 3);
    c.save((f) => f !== 'b.yaml');
    const d = FileCache.open(dir, '1.0.0', 'opts');
    assert.equal([d.get('a.yaml', contentHash('a')) !== undefined, d.get('b.yaml', contentHash('b')), d.get('c.yaml', contentHash('c'))], [true, undefined, 3]);
  } finally {
    rmRepo(dir);
  }
});

test('concurrent writers never leave a torn file', () => {
  const dir = tmpRepo({});
  try {
    const script = `
      const { FileCache, contentHash } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/load/cache.ts')).href)});
      for (let i = 0; i < 20; i++) {
        const c = FileCache.open(${JSON.stringify(dir)}, '1.0.0', 'opts');
        c.set('f' + process.pid + '-' + i + '.yaml', contentHash(String(i)), { big: 'x'.repeat(200000) });
        c.save(() => true);
      }`;
    const procs = Array.from({ length: 3 }, () => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }));
    for (const p of procs) assert.is(p.status, 0, p.stderr);
    const c = FileCache.open(dir, '1.0.0', 'opts');
    assert.is(c.rejected, undefined, 'the last rename wins with a whole file');
    assert.ok(c.size >= 20);
    assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
  } finally {
    rmRepo(dir);
  }
});

test('the default location: node_modules/.cache when the directory has node_modules, else the user cache', () => {
  const dir = tmpRepo({ 'node_modules/.keep': '' });
  const bare = tmpRepo({});
  try {
    assert.is(defaultCacheDir(dir, {}), path.join(dir, 'node_modules', '.cache', 'irsa-lint'));
    const other = defaultCacheDir(bare, { XDG_CACHE_HOME: '/x/cache' });
    assert.match(other, /^\/x\/cache\/irsa-lint\/[0-9a-f]{16}$/);
    assert.is(defaultCacheDir(bare, { XDG_CACHE_HOME: '/x/cache' }), other, 'stable for one directory');
  } finally {
    rmRepo(dir);
    rmRepo(bare);
  }
});

test.run();
