/**
 * The glob and gitignore matchers (`picomatch`, `ignore`) are loaded only when there is a pattern
 * to match: a run without configuration globs does not load picomatch, and one without ignore
 * rules (no .gitignore in a work tree, no .irsa-lintignore, no --ignore-pattern) does not load
 * ignore. Each case runs in a fresh process and inspects Node's CommonJS module cache, where both
 * packages (CommonJS) land however they are reached.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers.js';
import { deployment, rmRepo, tmpRepo } from '../config/tmp.js';

function probe(dir: string, options: string): { files: number; picomatch: boolean; ignore: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    const { lint } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/api.ts')).href)});
    const r = await lint(['.'], { cwd: ${JSON.stringify(dir)}, ...${options} });
    const loaded = Object.keys(createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))}).cache);
    console.log(JSON.stringify({
      files: r.files.length,
      picomatch: loaded.some((k) => k.includes(${JSON.stringify(`${path.sep}node_modules${path.sep}picomatch${path.sep}`)})),
      ignore: loaded.some((k) => k.includes(${JSON.stringify(`${path.sep}node_modules${path.sep}ignore${path.sep}`)})),
    }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { files: number; picomatch: boolean; ignore: boolean };
}

test('no patterns: neither matcher is loaded', () => {
  const dir = tmpRepo({ 'd.yaml': deployment('app', 300), '.gitignore': 'x.yaml\n' });
  try {
    assert.equal(probe(dir, '{}'), { files: 1, picomatch: false, ignore: false }, 'a .gitignore outside a work tree is not read');
  } finally {
    rmRepo(dir);
  }
});

test('a .gitignore in a work tree loads ignore; a configuration glob loads picomatch (the probe sees them)', () => {
  const dir = tmpRepo({ 'd.yaml': deployment('app', 300), 'x.yaml': deployment('x', 300), '.gitignore': 'x.yaml\n' }, { git: true });
  try {
    assert.equal(probe(dir, '{}'), { files: 1, picomatch: false, ignore: true });
    assert.equal(probe(dir, "{ ignore: false, config: { dir: " + JSON.stringify(dir) + ", rules: {}, ruleOptions: {}, ignore: [], exclude: ['x.yaml'] } }"), { files: 1, picomatch: true, ignore: false });
  } finally {
    rmRepo(dir);
  }
});

test.run();
