/**
 * The GitHub Action: action.yml's shape, and the entry it names (the bundle's
 * dist/bundle/action.cjs) run with node the way the runner runs it, with INPUT_* variables in the
 * runner's spelling and temporary GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. Outputs,
 * annotations, summary and SARIF are checked exactly.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { baseRevision, booleanInput, getInput, outputEntry, splitArgs } from '../../src/action/main.js';
import { VERSION } from '../../src/version.js';
import { ROOT } from '../helpers.js';
import { buildPackage, SA_YAML, scratch, TRUST_JSON } from './build.js';
import { git, twoCommitRepo } from '../map/repo.js';

interface ActionYml {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs?: { using?: string; steps?: unknown[]; main?: string; image?: string };
}

test('action.yml: required keys, documented inputs and outputs, every input read by the bundled entry', () => {
  const a = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
  assert.ok(a.name && a.description, 'name and description');
  assert.equal(Object.keys(a.inputs ?? {}), ['path', 'format', 'output-file', 'fail-on', 'config', 'args', 'access-diff']);
  assert.equal(Object.keys(a.outputs ?? {}), ['sarif-file', 'errors', 'warnings', 'notes']);
  for (const [name, i] of Object.entries(a.inputs ?? {})) assert.ok(i.description, `input ${name} has a description`);
  for (const [name, o] of Object.entries(a.outputs ?? {})) {
    assert.ok(o.description, `output ${name} has a description`);
    assert.is(o.value, undefined, `output ${name}: a JavaScript action's outputs come from $GITHUB_OUTPUT`);
  }
  // A JavaScript action on the committed bundle: no install or build step on the runner.
  assert.equal([a.runs?.using, a.runs?.main, a.runs?.steps], ['node24', 'dist/bundle/action.cjs', undefined]);
  assert.ok(fs.existsSync(path.join(ROOT, a.runs!.main!)), 'the entry is committed');
  // The entry reads each input under the name the runner gives it (INPUT_ + upper case, hyphens kept).
  const source = fs.readFileSync(path.join(ROOT, 'src', 'action', 'main.ts'), 'utf8');
  for (const name of Object.keys(a.inputs ?? {})) {
    assert.ok(source.includes(`getInput(env, '${name}')`), `input ${name} is read`);
    assert.is(getInput({ [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]: ' x ' }, name), 'x', `input ${name} in the runner's spelling`);
  }
});

test('inputs as the runner names them; args splitting; output entries', () => {
  assert.is(getInput({ 'INPUT_FAIL-ON': ' warning ' }, 'fail-on'), 'warning');
  assert.is(getInput({ INPUT_FAIL_ON: 'note' }, 'fail-on'), 'note');
  assert.is(getInput({}, 'config'), '');
  assert.equal(splitArgs(` --baseline "my base.json"\n--max-warnings 0 'a b' c\\ d ""`), ['--baseline', 'my base.json', '--max-warnings', '0', 'a b', 'c d', '']);
  assert.throws(() => splitArgs('"open'), /unterminated/);
  assert.is(outputEntry('errors', '3'), 'errors=3\n');
  assert.is(outputEntry('list', 'a\nb', 'EOF_1'), 'list<<EOF_1\na\nb\nEOF_1\n');
});

function runEntry(cwd: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const { bundleAction: action } = buildPackage();
  const out = path.join(cwd, '..', 'github_output');
  const summary = path.join(cwd, '..', 'step_summary');
  fs.writeFileSync(out, '');
  fs.writeFileSync(summary, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary, ...extraEnv };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [action], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, output: fs.readFileSync(out, 'utf8'), summary: fs.readFileSync(summary, 'utf8') };
}

function workspace(): string {
  const tmp = scratch('action');
  const ws = path.join(tmp, 'ws');
  fs.mkdirSync(path.join(ws, 'k8s'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'iam'));
  fs.writeFileSync(path.join(ws, 'k8s', 'sa.yaml'), SA_YAML.replace('name: app\n', 'name: app-v2\n'));
  fs.writeFileSync(path.join(ws, 'iam', 'team-a-app.json'), TRUST_JSON);
  return ws;
}

const MESSAGE = 'trust policy admits ServiceAccount "app" in namespace "team-a", which is not among the ServiceAccounts defined in that namespace';

test('a failing run: annotations, outputs, summary, SARIF, exit 1', () => {
  const ws = workspace();
  const r = runEntry(ws, { path: 'k8s iam', 'fail-on': 'error', 'output-file': 'reports/irsa.sarif' });
  assert.is(r.stderr, '');
  assert.is(r.stdout, `::error file=iam/team-a-app.json,line=13,col=87,endLine=13,endColumn=121,title=irsa/trust-subject-exists::${MESSAGE}%0Arelated: k8s/sa.yaml:4:9 ServiceAccounts of namespace "team-a" are defined here\n`);
  assert.is(r.code, 1);
  assert.is(r.output, 'sarif-file=reports/irsa.sarif\nerrors=1\nwarnings=0\nnotes=0\n');
  assert.is(
    r.summary,
    `## irsa-lint ${VERSION}\n\n` +
      '| Errors | Warnings | Notes | Suppressed | Files |\n| ---: | ---: | ---: | ---: | ---: |\n| 1 | 0 | 0 | 0 | 2 |\n\n' +
      '### Findings\n\n| Level | Rule | Location | Message |\n| --- | --- | --- | --- |\n' +
      `| error | \`irsa/trust-subject-exists\` | \`iam/team-a-app.json:13:87\` | ${MESSAGE} |\n\n` +
      'SARIF report: `reports/irsa.sarif` — the step fails at the configured `fail-on` level.\n',
  );
  const sarif = JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'irsa.sarif'), 'utf8'));
  assert.equal(
    sarif.runs[0].results.map((x: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [x.ruleId, x.locations[0].physicalLocation.artifactLocation.uri]),
    [['irsa/trust-subject-exists', 'iam/team-a-app.json']],
  );
});

test('fail-on never, text format, extra args; defaults for path and output-file', () => {
  const ws = workspace();
  const r = runEntry(ws, { 'fail-on': 'never', format: 'text', args: '--max-warnings=-1 --no-config' });
  assert.is(r.code, 0);
  assert.match(r.stdout, /^iam\/team-a-app\.json:13:87 {2}error {2}trust policy admits/);
  assert.match(r.stdout, /1 problem \(1 error, 0 warnings, 0 notes\) in 2 files\n$/);
  assert.is(r.output, 'sarif-file=irsa-lint.sarif\nerrors=1\nwarnings=0\nnotes=0\n');
  assert.ok(fs.existsSync(path.join(ws, 'irsa-lint.sarif')));
  assert.ok(!r.summary.includes('the step fails'));
});

test('a clean run and a usage error', () => {
  const ws = workspace();
  fs.writeFileSync(path.join(ws, 'k8s', 'sa.yaml'), SA_YAML);
  const ok = runEntry(ws, {});
  assert.equal([ok.code, ok.stdout, ok.stderr], [0, '', '']);
  assert.is(ok.output, 'sarif-file=irsa-lint.sarif\nerrors=0\nwarnings=0\nnotes=0\n');
  assert.ok(ok.summary.includes('| 0 | 0 | 0 | 0 | 2 |\n\nNo problems found.\n'), ok.summary);
  const bad = runEntry(ws, { 'fail-on': 'sometimes' });
  assert.is(bad.code, 2);
  assert.is(bad.stdout, '::error title=irsa-lint::irsa-lint: invalid input fail-on "sometimes" (expected error, warning, note, never)\n');
  assert.is(bad.output, '');
  const missing = runEntry(ws, { path: 'nope' });
  assert.is(missing.code, 2);
  assert.is(missing.stdout, '::error title=irsa-lint::irsa-lint: no such file or directory: nope\n');
});

test('access-diff on a pull request: the diff against the base commit in the summary and the log; the exit status is the lint run\'s', () => {
  const repo = twoCommitRepo();
  const base = git(repo, 'rev-parse', 'HEAD~1').trim();
  const event = path.join(repo, '..', `event-${path.basename(repo)}.json`);
  fs.writeFileSync(event, JSON.stringify({ pull_request: { base: { ref: 'main', sha: base } } }));
  const env = { GITHUB_EVENT_PATH: event, GITHUB_BASE_REF: 'main', HOME: repo, GIT_CONFIG_NOSYSTEM: '1' };
  const r = runEntry(repo, { 'access-diff': 'true', 'fail-on': 'never', args: '--no-config' }, env);
  assert.is(r.code, 0, r.stderr);
  const expected = fs
    .readFileSync(path.join(ROOT, 'test/map/expected/diff.md'), 'utf8')
    .replace('## Access changes against `HEAD~1`', `### Access changes against \`main (${base.slice(0, 7)})\``);
  assert.ok(r.summary.endsWith(`\n${expected}`), r.summary);
  assert.ok(r.summary.startsWith(`## irsa-lint ${VERSION}`), 'after the lint summary');
  const text = fs.readFileSync(path.join(ROOT, 'test/map/expected/diff.txt'), 'utf8').replace('against HEAD~1:', `against main (${base.slice(0, 7)}):`);
  assert.ok(r.stdout.includes(`::group::Access changes\n${text}::endgroup::\n`), r.stdout);
  // Without the base commit in the clone: a warning and a note, the same exit status.
  fs.writeFileSync(event, JSON.stringify({ pull_request: { base: { ref: 'gone', sha: 'f'.repeat(40) } } }));
  const missing = runEntry(repo, { 'access-diff': 'true', 'fail-on': 'never', args: '--no-config' }, { ...env, GITHUB_BASE_REF: 'gone' });
  assert.is(missing.code, 0);
  assert.ok(missing.summary.endsWith(`### Access changes\n\nNot compared: the base revision (${'f'.repeat(40)}) is not in the clone: check out with fetch-depth: 0.\n`), missing.summary);
  assert.ok(missing.stdout.includes(`::warning title=irsa-lint::access diff not computed: the base revision (${'f'.repeat(40)}) is not in the clone: check out with fetch-depth: 0\n`), missing.stdout);
  const off = runEntry(repo, { 'fail-on': 'never', args: '--no-config' }, env);
  assert.not.ok(off.summary.includes('Access changes'), 'off by default');
});

test('access-diff input values and the base revision of a pull request', () => {
  assert.is(booleanInput('', 'access-diff'), false);
  assert.is(booleanInput('TRUE', 'access-diff'), true);
  assert.is(booleanInput('false', 'access-diff'), false);
  assert.throws(() => booleanInput('yes', 'access-diff'), /invalid input access-diff "yes" \(expected true or false\)/);
  const repo = twoCommitRepo();
  const head = git(repo, 'rev-parse', 'HEAD').trim();
  git(repo, 'update-ref', 'refs/remotes/origin/release', head);
  assert.equal(baseRevision({}, repo), { why: 'not a pull request (no base revision in the event or GITHUB_BASE_REF)' });
  assert.equal(baseRevision({ GITHUB_BASE_REF: 'release' }, repo), { rev: head, label: `release (${head.slice(0, 7)})` });
});

test.run();
