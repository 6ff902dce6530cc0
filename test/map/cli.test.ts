/**
 * `irsa-lint map` on the command line: exit statuses (governed by findings, as for lint),
 * usage errors, --context, --filter, --output-file, --width, --orphans and colours.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from './helpers.js';

const MIXED = 'fixtures/_map/mixed';

test('exit status: 0 without findings at the failing level, 1 with them; --fail-on and --max-warnings as for lint', async () => {
  assert.is((await cli(['map', '--no-config', 'examples/eks-webhook'])).code, 0);
  const mixed = await cli(['map', '--no-config', MIXED]);
  assert.is(mixed.code, 1);
  assert.is(mixed.err, 'irsa-lint: the files have findings at the failing level (error; 7 errors): irsa-lint lint lists them\n');
  assert.is((await cli(['map', '--no-config', '--fail-on', 'never', MIXED])).code, 0);
  const warnings = await cli(['map', '--no-config', '--fail-on', 'never', '--max-warnings', '0', MIXED]);
  assert.is(warnings.code, 1);
  assert.is(warnings.err, 'irsa-lint: 1 warnings, more than the 0 allowed (--max-warnings)\n');
  const lint = await cli(['lint', '--no-config', MIXED]);
  assert.is(lint.code, mixed.code, 'the same files give lint the same exit status');
});

test('usage errors: exit status 2 with one line', async () => {
  for (const [args, message] of [
    [['--format', 'sarif'], 'invalid format "sarif" (expected text, json, mermaid, dot, markdown)'],
    [['-'], 'map reads files, not standard input'],
    [['--width', '10'], 'invalid --width "10" (expected a number of at least 40)'],
    [['--filter', 'owner=me'], 'invalid --filter "owner=me" (expected role=VALUE, namespace=VALUE or sa=VALUE)'],
    [['--context', MIXED], '--context needs the files to show rows for'],
    [['--fail-on', 'sometimes'], 'invalid --fail-on "sometimes" (expected error, warning, note, never)'],
    [['no/such/dir'], 'no such file or directory: no/such/dir'],
  ] as const) {
    const r = await cli(['map', '--no-config', ...args]);
    assert.is(r.code, 2, args.join(' '));
    assert.is(r.err, `irsa-lint: ${message}\nTry 'irsa-lint --help'.\n`);
    assert.is(r.out, '');
  }
});

test('--context: rows with a location in the given files; the rest of the directory still links them', async () => {
  const r = await cli(['map', '--no-config', '--format', 'json', '--context', MIXED, `${MIXED}/iam/payments-batch.json`]);
  const j = JSON.parse(r.out) as { rows: { id: string }[]; wideTrust: { role: string }[] };
  assert.equal(j.rows.map((x) => x.id), ['payments/CronJob/nightly/job|projected-token-manual|arn:aws:iam::111122223333:role/payments-batch']);
  assert.equal(j.wideTrust.map((w) => w.role), ['arn:aws:iam::111122223333:role/payments-batch']);
  assert.is(r.code, 0, 'only findings that touch the given file count (a warning here)');
});

test('--filter narrows rows; several filters narrow further', async () => {
  const ids = async (...f: string[]) => (JSON.parse((await cli(['map', '--no-config', '-f', 'json', ...f.flatMap((x) => ['--filter', x]), MIXED])).out) as { rows: { id: string }[] }).rows.map((r) => r.id);
  assert.equal(await ids('namespace=ops'), ['ops/Deployment/exporter/exporter|ccoctl-secret|arn:aws:iam::111122223333:role/ocp-ops-exporter-aws|profile=default']);
  assert.equal(await ids('role=tools-*', 'sa=cli'), ['tools/Deployment/cli/cli|profile|arn:aws:iam::111122223333:role/tools-deploy|profile=deploy']);
  assert.equal(await ids('role=arn:aws:iam::444455556666:*'), ['tools/Deployment/sync/sync|webhook|arn:aws:iam::444455556666:role/cross-account-sync']);
  assert.equal(await ids('namespace=nowhere'), []);
});

test('--output-file writes the map and nothing to standard output; --orphans adds its section', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-map-out-'));
  try {
    const r = await cli(['map', '--no-config', '--orphans', '-f', 'markdown', '-o', path.join(dir, 'sub', 'map.md'), MIXED], undefined, { FORCE_COLOR: '1' });
    assert.is(r.out, '');
    const md = fs.readFileSync(path.join(dir, 'sub', 'map.md'), 'utf8');
    assert.ok(md.includes('**Unused roles and ServiceAccounts**'));
    assert.not.ok((await cli(['map', '--no-config', '-f', 'markdown', MIXED])).out.includes('Unused roles'), 'not without --orphans');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('colours on a terminal or with FORCE_COLOR, never with --no-color or NO_COLOR; the terminal width on a terminal', async () => {
  const plain = (await cli(['map', '--no-config', MIXED])).out;
  const forced = (await cli(['map', '--no-config', MIXED], undefined, { FORCE_COLOR: '1' })).out;
  assert.match(forced, /\x1b\[31mnot trusted/);
  assert.is(forced.replace(/\x1b\[[0-9;]*m/g, ''), plain);
  assert.not.match((await cli(['map', '--no-config', '--no-color', MIXED], undefined, {}, true)).out, /\x1b\[/);
  assert.not.match((await cli(['map', '--no-config', MIXED], undefined, { NO_COLOR: '1' }, true)).out, /\x1b\[/);
  const narrow = (await cli(['map', '--no-config', MIXED], undefined, { NO_COLOR: '1' }, true, 100)).out;
  const table = narrow.split('\n\n')[1].split('\n');
  assert.ok(table.every((l) => l.length <= 100), 'the table fits the terminal');
  assert.is((await cli(['map', '--no-config', '--width', '100', MIXED])).out, narrow, '--width gives the same layout');
});

test('map --help', async () => {
  const r = await cli(['map', '--help']);
  assert.is(r.code, 0);
  assert.match(r.out, /^Usage: irsa-lint map \[options\] \[PATH\.\.\.\]/);
  assert.match((await cli(['--help'])).out, /irsa-lint map \[PATH\.\.\.\]/);
});

test.run();
