/**
 * Worker threads and the persistent cache change nothing in the report: the fixtures, the
 * examples and the corpus give byte-identical output parsed on the main thread, in workers, with
 * a cold and a warm cache, with a cache of another version and with a corrupted cache. Hostile
 * files (an alias bomb, deep nesting, a large file, invalid UTF-8) are handled the same way in a
 * worker as on the main thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint, type LintOptions } from '../../src/api.js';
import { FileCache } from '../../src/load/cache.js';
import { workerCount } from '../../src/load/workers.js';
import { formatFindingLines } from '../../src/format/text.js';
import { VERSION } from '../../src/version.js';
import { rmRepo, tmpRepo } from '../config/tmp.js';
import { ROOT } from '../helpers.js';

const SHARED = path.resolve(ROOT, '..', 'shared');
const TREES: { name: string; cwd: string; paths: string[] }[] = [
  { name: 'fixtures', cwd: ROOT, paths: ['fixtures'] },
  { name: 'examples', cwd: ROOT, paths: ['examples'] },
  ...(fs.existsSync(path.join(SHARED, 'corpus')) ? [{ name: 'corpus', cwd: SHARED, paths: ['corpus'] }] : []),
];

async function report(t: (typeof TREES)[number], opts: LintOptions): Promise<string> {
  const r = await lint(t.paths, { cwd: t.cwd, ...opts });
  return `${r.files.length} files\n${formatFindingLines(r.findings, false, true)}`;
}

for (const t of TREES) {
  test(`${t.name}: the same report on the main thread, in workers, and through every state of the cache`, async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-cache-'));
    try {
      const plain = await report(t, { concurrency: 'off' });
      assert.ok(plain.split('\n').length > 3, 'the tree has findings to compare');
      assert.fixture(await report(t, { concurrency: 2, workerThreshold: 0 }), plain, 'worker threads');
      assert.fixture(await report(t, { concurrency: 'off', cache: cacheDir }), plain, 'cold cache');
      assert.is(FileCache.open(cacheDir, VERSION, `node${process.versions.node.split('.')[0]}`).rejected, undefined, 'the cache was written');
      assert.fixture(await report(t, { concurrency: 'off', cache: cacheDir }), plain, 'warm cache');
      assert.fixture(await report(t, { concurrency: 2, workerThreshold: 0, cache: cacheDir }), plain, 'warm cache with workers');
      const file = path.join(cacheDir, fs.readdirSync(cacheDir).find((f) => f.endsWith('.bin'))!);
      const good = fs.readFileSync(file);
      // Another version wrote it: ignored, then rewritten.
      fs.writeFileSync(file, Buffer.from(good.toString('latin1').replace(VERSION, VERSION.replace(/\d/, 'x')), 'latin1'));
      assert.fixture(await report(t, { concurrency: 'off', cache: cacheDir }), plain, 'cache of another version');
      // Corrupted: a byte of the payload flipped.
      const bad = fs.readFileSync(file);
      bad[bad.length - 100] ^= 0x55;
      fs.writeFileSync(file, bad);
      assert.fixture(await report(t, { concurrency: 'off', cache: cacheDir }), plain, 'corrupted cache');
      // Truncated.
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 200));
      assert.fixture(await report(t, { concurrency: 'off', cache: cacheDir }), plain, 'truncated cache');
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
}

test('a changed file is parsed again; the others come from the cache', async () => {
  const dir = tmpRepo({
    'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: a\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n',
    'role.json': JSON.stringify({ Role: { RoleName: 'app', Arn: 'arn:aws:iam::111122223333:role/app', AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:a:app' } } }] } } }, null, 2),
  });
  const cache = path.join(dir, '.cache');
  try {
    const first = await lint(['.'], { cwd: dir, cache });
    assert.is(first.findings.length, 0);
    fs.writeFileSync(path.join(dir, 'sa.yaml'), fs.readFileSync(path.join(dir, 'sa.yaml'), 'utf8').replace('name: app\n', 'name: api\n'));
    const second = await lint(['.'], { cwd: dir, cache });
    // The role (read from the cache) now names a ServiceAccount that the changed file no longer defines.
    assert.equal(second.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`), ['irsa/trust-subject-exists role.json:16', 'irsa/role-trusts-service-account sa.yaml:7']);
  } finally {
    rmRepo(dir);
  }
});

test('hostile files: the same located findings in a worker as on the main thread, in bounded time', async () => {
  let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]';
  let prev = 'a';
  for (const n of 'bcdefghi') {
    bomb += `\n  ${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`;
    prev = n;
  }
  const sa = (i: number) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-${i}\n  namespace: ns\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/r-${i}\n`;
  const dir = tmpRepo({
    'bomb.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: bomb\nstringData:\n  ${bomb}\n`,
    'deep.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deep\n  labels: ${'['.repeat(20000)}${']'.repeat(20000)}\n`,
    'deep.json': `{"Statement": ${'['.repeat(20000)}${']'.repeat(20000)}}\n`,
    'large.yaml': Array.from({ length: 20000 }, (_, i) => sa(i)).join('---\n'),
  });
  fs.writeFileSync(path.join(dir, 'bad-utf8.yaml'), Buffer.from([...Buffer.from('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: '), 0xff, 0xfe, 0xc3, 0x28, 0x0a]));
  try {
    const started = Date.now();
    const main = await lint(['.'], { cwd: dir, concurrency: 'off' });
    const workers = await lint(['.'], { cwd: dir, concurrency: 2, workerThreshold: 0 });
    assert.ok(Date.now() - started < 120_000, 'bounded time');
    const lines = formatFindingLines(main.findings, false, true);
    assert.is(formatFindingLines(workers.findings, false, true), lines);
    assert.match(lines, /^deep\.json:1:\d+-1:\d+  error  document is nested too deeply  parse\/syntax$/m);
    assert.match(lines, /^deep\.yaml:5:1011-5:1012  error  document is nested too deeply  parse\/syntax$/m);
    assert.is(main.files.length, 5);
  } finally {
    rmRepo(dir);
  }
});

test('workerCount: auto and off start none (the main thread parses faster than it deserializes a worker\'s result); numbers as given', () => {
  assert.equal([workerCount('auto'), workerCount(undefined), workerCount('off'), workerCount(0)], [0, 0, 0, 0]);
  assert.equal([workerCount(1), workerCount(2), workerCount(2.5), workerCount(-1)], [1, 2, 2, 0]);
});

test.run();
