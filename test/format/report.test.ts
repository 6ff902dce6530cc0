/**
 * Exact output of the text and JSON formats for one repository with findings in two files,
 * related locations and all three levels, and byte-identical output whatever the order in
 * which paths are given and however often the run is repeated.
 * `UPDATE_FIXTURES=1` rewrites test/format/expected/*; review that diff like code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.js';
import { ROOT } from '../helpers.js';

const CASE = 'test/format/repo';
const EXPECTED = path.join(ROOT, 'test/format/expected');

async function cli(argv: string[], env: Record<string, string> = {}, isTTY = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd: path.join(ROOT, CASE), env, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY });
  return { code, out, err };
}

function expectFile(name: string, actual: string): void {
  const p = path.join(EXPECTED, name);
  if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) fs.writeFileSync(p, actual);
  assert.fixture(actual, fs.readFileSync(p, 'utf8'));
}

test('text: finding lines, related locations, summary; no colour off a terminal', async () => {
  const r = await cli(['lint', '--no-config']);
  assert.is(r.code, 1);
  assert.is(r.err, '');
  expectFile('report.txt', r.out);
  assert.not.match(r.out, /\x1b\[/, 'no escape codes');
});

test('text: colours on a terminal or with FORCE_COLOR; none with NO_COLOR or --no-color', async () => {
  const forced = await cli(['lint', '--no-config'], { FORCE_COLOR: '1' });
  assert.match(forced.out, /\x1b\[31merror\x1b\[39m/);
  assert.is(forced.out.replace(/\x1b\[[0-9;]*m/g, ''), (await cli(['lint', '--no-config'])).out, 'same text without the escapes');
  assert.match((await cli(['lint', '--no-config'], {}, true)).out, /\x1b\[/, 'a terminal');
  assert.not.match((await cli(['lint', '--no-config'], { NO_COLOR: '1' }, true)).out, /\x1b\[/, 'NO_COLOR on a terminal');
  assert.not.match((await cli(['lint', '--no-config', '--no-color'], {}, true)).out, /\x1b\[/, '--no-color on a terminal');
});

test('json: the documented version 1 shape', async () => {
  const r = await cli(['lint', '--no-config', '--format', 'json']);
  assert.is(r.code, 1);
  expectFile('report.json', r.out);
  const j = JSON.parse(r.out) as { version: number; summary: Record<string, number>; findings: { ruleId: string; related: unknown[] }[] };
  assert.is(j.version, 1);
  assert.equal(j.summary, { errors: j.findings.length - 2, warnings: 1, notes: 1, files: 3 });
});

test('every format is byte-identical across runs and path orders', async () => {
  for (const format of ['text', 'json', 'sarif', 'github']) {
    const a = (await cli(['lint', '--no-config', '--format', format])).out;
    const b = (await cli(['lint', '--no-config', '--format', format, 'sa.yaml', 'trust.json', 'pod.yaml'])).out;
    const c = (await cli(['lint', '--no-config', '--format', format, 'pod.yaml', 'trust.json', 'sa.yaml'])).out;
    assert.ok(a.length > 0);
    assert.is(b, a, `${format}: explicit paths`);
    assert.is(c, a, `${format}: reversed paths`);
  }
});

test.run();
