/** The command line: configuration discovery and errors, exit status, suppressions, baselines, explain, init, rules. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../../src/api.js';
import { main } from '../../src/cli.js';
import { helmPreCommitSnippet, helmWorkflowSnippet } from '../../src/config/commands.js';
import { loadConfigFile } from '../../src/config/load.js';
import { deployment, rmRepo, tmpRepo, writeFiles } from './tmp.js';

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY: false });
  return { code, out, err };
}

const TOKEN = 'k8s/token-expiration-minimum';

test('the configuration is found from the working directory up to the git top level', async () => {
  const dir = tmpRepo({ '.irsa-lint.yaml': `rules:\n  ${TOKEN}: off\n`, 'deploy/d.yaml': deployment('app', 300) }, { git: true });
  try {
    assert.is((await cli(['lint'], dir)).code, 0);
    assert.is((await cli(['lint', '.'], path.join(dir, 'deploy'))).code, 0, 'found in a parent directory');
    const r = await cli(['lint', '--no-config'], dir);
    assert.is(r.code, 1, '--no-config ignores it');
    assert.match(r.out, /d\.yaml:17:38 {2}error {2}projected token/);
    writeFiles(dir, { 'other.yaml': 'failOn: never\n' });
    assert.is((await cli(['lint', '--no-config', 'deploy'], dir)).code, 1);
    assert.is((await cli(['lint', '--config', 'other.yaml', 'deploy'], dir)).code, 0, '--config replaces the found file');
  } finally {
    rmRepo(dir);
  }
});

test('a bad configuration is exit 2 with file:line:column: message', async () => {
  const dir = tmpRepo({ '.irsa-lint.yaml': 'rules:\n  k8s/token-expiration-minimum: warn\nfailOn: sometimes\n', 'd.yaml': deployment('app', 300) }, { git: true });
  try {
    const r = await cli(['lint'], dir);
    assert.is(r.code, 2);
    assert.is(r.out, '');
    assert.is(
      r.err,
      '.irsa-lint.yaml:2:33: rules["k8s/token-expiration-minimum"]: must be off, note, warning or error, or [level, {options}]\n.irsa-lint.yaml:3:9: failOn: "sometimes" is not one of "error", "warning", "note", "never"\n',
    );
    const missing = await cli(['lint', '--config', 'nope.yml'], dir);
    assert.equal([missing.code, missing.err], [2, 'nope.yml:1:1: cannot read configuration file (ENOENT)\n']);
    const both = await cli(['lint', '--config', 'x.yaml', '--no-config'], dir);
    assert.is(both.code, 2);
    assert.match(both.err, /--config and --no-config cannot be used together/);
  } finally {
    rmRepo(dir);
  }
});

test('failOn from the configuration; --fail-on wins', async () => {
  const dir = tmpRepo({ '.irsa-lint.yaml': `rules:\n  ${TOKEN}: note\nfailOn: note\n`, 'd.yaml': deployment('app', 300) }, { git: true });
  try {
    assert.is((await cli(['lint'], dir)).code, 1);
    assert.is((await cli(['lint', '--fail-on', 'warning'], dir)).code, 0);
    writeFiles(dir, { '.irsa-lint.yaml': `extends: strict\nrules:\n  ${TOKEN}: warning\n` });
    assert.is((await cli(['lint'], dir)).code, 1, 'strict fails on warnings');
    assert.is((await cli(['lint', '--fail-on', 'error'], dir)).code, 0);
  } finally {
    rmRepo(dir);
  }
});

test('maxWarnings from the configuration; --max-warnings wins', async () => {
  const dir = tmpRepo({ '.irsa-lint.yaml': `rules:\n  ${TOKEN}: warning\nmaxWarnings: 1\n`, 'a.yaml': deployment('a', 300), 'b.yaml': deployment('b', 300) }, { git: true });
  try {
    const r = await cli(['lint'], dir);
    assert.equal([r.code, r.err], [1, 'irsa-lint: 2 warnings, more than the 1 allowed (--max-warnings)\n']);
    assert.is((await cli(['lint', '--max-warnings', '2'], dir)).code, 0);
    assert.is((await cli(['lint', '--max-warnings=-1'], dir)).code, 0);
    assert.is((await cli(['lint', '--max-warnings', '0', 'a.yaml'], dir)).code, 1);
    assert.is((await cli(['lint', '--max-warnings', 'lots'], dir)).code, 2);
    // Suppressed warnings do not count.
    writeFiles(dir, { 'b.yaml': deployment('b', 300, { comment: '# irsa-lint-disable-next-line k8s/token-expiration-minimum -- test' }) });
    assert.is((await cli(['lint'], dir)).code, 0);
  } finally {
    rmRepo(dir);
  }
});

test('suppressed findings: hidden from text with a count, listed with --show-suppressed, kept in SARIF', async () => {
  const dir = tmpRepo({ 'd.yaml': deployment('app', 300, { comment: '# irsa-lint-disable-next-line k8s/token-expiration-minimum -- short on purpose' }) }, { git: true });
  try {
    const r = await cli(['lint'], dir);
    assert.is(r.code, 0);
    assert.is(r.out, 'no problems found in 1 file\n1 suppressed finding not shown (--show-suppressed lists them)\n');
    const s = await cli(['lint', '--show-suppressed'], dir);
    assert.is(
      s.out,
      'no problems found in 1 file\n\nsuppressed (1):\nd.yaml:18:38  error  projected token expirationSeconds 300 is below the minimum of 600  k8s/token-expiration-minimum\n    suppressed (inSource) at d.yaml:17:19: short on purpose\n',
    );
    const sarif = JSON.parse((await cli(['lint', '-f', 'sarif'], dir)).out) as { runs: { results: { suppressions?: { kind: string; justification: string }[] }[] }[] };
    assert.equal(sarif.runs[0].results[0].suppressions?.map((x) => [x.kind, x.justification]), [['inSource', 'short on purpose']]);
  } finally {
    rmRepo(dir);
  }
});

test('baseline: write, then report only new findings; a fixed finding leaves the next baseline', async () => {
  const dir = tmpRepo({ 'a.yaml': deployment('a', 300), 'b.yaml': deployment('b', 120) }, { git: true });
  try {
    const w = await cli(['lint', '--write-baseline', '.irsa-lint-baseline.json'], dir);
    assert.equal([w.code, w.out], [0, 'no problems found in 2 files\nwrote 2 findings to baseline .irsa-lint-baseline.json\n']);
    const same = await cli(['lint', '--baseline', '.irsa-lint-baseline.json'], dir);
    assert.equal([same.code, same.out], [0, 'no problems found in 3 files\n2 known findings in baseline .irsa-lint-baseline.json not shown\n']);
    // Lines above, a new finding, a fixed one.
    writeFiles(dir, { 'a.yaml': `# moved\n\n${deployment('a', 300)}`, 'b.yaml': deployment('b', 3600), 'c.yaml': deployment('c', 60) });
    const next = await cli(['lint', '--baseline', '.irsa-lint-baseline.json'], dir);
    assert.is(next.code, 1);
    assert.is(
      next.out,
      [
        'c.yaml:17:38  error  projected token expirationSeconds 60 is below the minimum of 600  k8s/token-expiration-minimum',
        '',
        '1 problem (1 error, 0 warnings, 0 notes) in 4 files',
        '1 known finding in baseline .irsa-lint-baseline.json not shown',
        '1 baseline entry no longer found: rewrite it with --write-baseline .irsa-lint-baseline.json',
        '',
      ].join('\n'),
    );
    const sarif = await cli(['lint', '--baseline', '.irsa-lint-baseline.json', '-f', 'sarif'], dir);
    assert.is((JSON.parse(sarif.out) as { runs: { results: unknown[] }[] }).runs[0].results.length, 1);
    assert.match(sarif.err, /irsa-lint: 1 known finding in baseline/);
    await cli(['lint', '--write-baseline', '.irsa-lint-baseline.json'], dir);
    const entries = (JSON.parse(fs.readFileSync(path.join(dir, '.irsa-lint-baseline.json'), 'utf8')) as { findings: { file: string }[] }).findings.map((e) => e.file);
    assert.equal(entries, ['a.yaml', 'c.yaml']);
    const bad = await cli(['lint', '--baseline', 'a.yaml'], dir);
    assert.is(bad.code, 2);
    assert.match(bad.err, /^irsa-lint: baseline a\.yaml is not JSON: /);
  } finally {
    rmRepo(dir);
  }
});

test('explain: full help with examples; an unknown rule is exit 2 with a suggestion', async () => {
  const dir = tmpRepo({});
  try {
    const r = await cli(['explain', TOKEN], dir);
    assert.is(r.code, 0);
    assert.match(r.out, /^k8s\/token-expiration-minimum {2}\(default level: error; problem\)/);
    assert.match(r.out, /Reported \(fixtures\/k8s\/token-expiration-minimum\/invalid-/);
    assert.match(r.out, /Not reported \(fixtures\/k8s\/token-expiration-minimum\/valid-/);
    const u = await cli(['explain', 'k8s/token-expiry'], dir);
    assert.equal([u.code, u.out], [2, '']);
    assert.match(u.err, /^irsa-lint: unknown rule "k8s\/token-expiry" \(did you mean "k8s\/token-expiration-minimum"\?\)/);
    assert.is((await cli(['explain'], dir)).code, 2);
  } finally {
    rmRepo(dir);
  }
});

test('init: writes a valid commented configuration, refuses to overwrite, prints the snippets', async () => {
  const dir = tmpRepo({});
  try {
    const r = await cli(['init'], dir);
    assert.is(r.code, 0);
    assert.match(r.out, /^wrote \.irsa-lint\.yaml/);
    assert.match(r.out, /repo: https:\/\/github\.com\/irsa-lint\/irsa-lint/);
    assert.match(r.out, /github\/codeql-action\/upload-sarif@v4/);
    const c = loadConfigFile(path.join(dir, '.irsa-lint.yaml'), dir, RULES);
    assert.is(c.extends, 'recommended');
    const before = fs.readFileSync(path.join(dir, '.irsa-lint.yaml'), 'utf8');
    const again = await cli(['init'], dir);
    assert.is(again.code, 2);
    assert.match(again.err, /\.irsa-lint\.yaml already exists; not overwriting it/);
    assert.is(fs.readFileSync(path.join(dir, '.irsa-lint.yaml'), 'utf8'), before);
    fs.rmSync(path.join(dir, '.irsa-lint.yaml'));
    fs.writeFileSync(path.join(dir, '.irsa-lint.json'), '{}');
    assert.is((await cli(['init'], dir)).code, 2, 'any configuration file blocks it');
  } finally {
    rmRepo(dir);
  }
});

test('init: in a repository with Helm charts, prints how to lint the first one rendered', async () => {
  const dir = tmpRepo({
    'charts/demo/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 1.0.0\n',
    'charts/demo/templates/sa.yaml': 'kind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}-sa\n',
    'charts/other/Chart.yaml': 'apiVersion: v2\nname: other\nversion: 1.0.0\n',
    'charts/other/templates/job.yaml': 'kind: Job\n',
    'lib/Chart.yaml': 'apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n',
  });
  try {
    const r = await cli(['init'], dir);
    assert.is(r.code, 0);
    const indented = (s: string) => s.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
    assert.ok(r.out.includes('Helm charts: their templates are not linted as written; lint the rendered chart (the same for charts/other).\n'), r.out);
    assert.ok(r.out.includes(indented(helmPreCommitSnippet('demo', 'charts/demo'))), r.out);
    assert.ok(r.out.includes(indented(helmWorkflowSnippet('demo', 'charts/demo'))), r.out);
    const plain = tmpRepo({});
    try {
      assert.not.match((await cli(['init'], plain)).out, /Helm/);
    } finally {
      rmRepo(plain);
    }
  } finally {
    rmRepo(dir);
  }
});

test('rules honours --format', async () => {
  const dir = tmpRepo({});
  try {
    const j = JSON.parse((await cli(['rules', '--format', 'json'], dir)).out) as { id: string }[];
    assert.is(j.length, RULES.length);
    assert.match((await cli(['rules', '--format', 'markdown'], dir)).out, /^\| rule \| default \| what it catches \|/);
    assert.match((await cli(['rules'], dir)).out, /^k8s\/token-expiration-minimum +error +Require/m);
    assert.is((await cli(['rules', '--format', 'sarif'], dir)).code, 2);
  } finally {
    rmRepo(dir);
  }
});

test.run();
