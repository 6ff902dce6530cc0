/** The cache and concurrency options of `irsa-lint lint`. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.js';
import { deployment, rmRepo, tmpRepo } from '../config/tmp.js';

async function cli(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, env, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY: false });
  return { code, out, err };
}

const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.bin')) : []);

test('--cache-location writes the cache there; a second run gives the same report', async () => {
  const dir = tmpRepo({ 'a.yaml': deployment('a', 300), 'b.yaml': deployment('b', 900) });
  try {
    const first = await cli(['lint', '--no-config', '--cache-location', '.c', '.'], dir);
    assert.equal(cacheFiles(path.join(dir, '.c')), ['cache-v5.bin']);
    const second = await cli(['lint', '--no-config', '--cache-location', '.c', '.'], dir);
    assert.is(second.out, first.out);
    assert.is(second.code, 1);
  } finally {
    rmRepo(dir);
  }
});

test('--debug says whether a cached run continued from the previous one, and what it read again', async () => {
  const dir = tmpRepo({ 'a.yaml': deployment('a', 300), 'b.yaml': deployment('b', 900) });
  try {
    const argv = ['lint', '--no-config', '--debug', '--cache-location', '.c', '.'];
    assert.is((await cli(argv, dir)).err, 'irsa-lint: full run (the cache had no run to continue from)\n');
    fs.writeFileSync(path.join(dir, 'b.yaml'), deployment('b', 300));
    const second = await cli(argv, dir);
    assert.is(second.err, 'irsa-lint: continued from the cache: 1 changed, 1 checked again, 1 built\n');
    assert.is(second.out, (await cli(['lint', '--no-config', '--no-cache', '.'], dir)).out, 'the report of a run without the cache');
    assert.is((await cli(['lint', '--no-config', '--no-cache', '--debug', '.'], dir)).err, '', 'nothing without a cache');
  } finally {
    rmRepo(dir);
  }
});

test('--context caches by default (in node_modules/.cache/irsa-lint when there is node_modules); --no-cache does not', async () => {
  const dir = tmpRepo({ 'a.yaml': deployment('a', 300), 'node_modules/.keep': '' });
  const cacheDir = path.join(dir, 'node_modules', '.cache', 'irsa-lint');
  try {
    await cli(['lint', '--no-config', '--no-cache', '--context', '.', 'a.yaml'], dir);
    assert.equal(cacheFiles(cacheDir), [], '--no-cache');
    await cli(['lint', '--no-config', '.'], dir);
    assert.equal(cacheFiles(cacheDir), [], 'no cache without --context or --cache');
    await cli(['lint', '--no-config', '--context', '.', 'a.yaml'], dir);
    assert.equal(cacheFiles(cacheDir), ['cache-v5.bin']);
  } finally {
    rmRepo(dir);
  }
});

test('--concurrency takes auto, off or a number; contradictory cache options are usage errors', async () => {
  const dir = tmpRepo({ 'a.yaml': deployment('a', 300) });
  try {
    const base = await cli(['lint', '--no-config', '.'], dir);
    for (const c of ['auto', 'off', '0', '2']) assert.is((await cli(['lint', '--no-config', '--concurrency', c, '.'], dir)).out, base.out, c);
    const bad = await cli(['lint', '--concurrency', 'lots', '.'], dir);
    assert.is(bad.code, 2);
    assert.match(bad.err, /invalid --concurrency "lots"/);
    assert.is((await cli(['lint', '--cache', '--no-cache', '.'], dir)).code, 2);
    assert.is((await cli(['lint', '--no-cache', '--cache-location', 'x', '.'], dir)).code, 2);
  } finally {
    rmRepo(dir);
  }
});

test.run();
