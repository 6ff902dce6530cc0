/**
 * Standard input beside paths: `-` is read as one more file and cross-referenced with the files on
 * disk; `--stdin-filename` names it; with `--context DIR`, it is one of the files reported on.
 */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../../src/api.js';
import { main } from '../../src/cli.js';
import { deployment, rmRepo, tmpRepo } from '../config/tmp.js';
import { SA_YAML, TRUST_JSON } from './build.js';

async function cli(argv: string[], cwd: string, stdin = '') {
  let out = '';
  let err = '';
  let reads = 0;
  const code = await main(argv, { cwd, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => (reads++, stdin), isTTY: false });
  return { code, out, err, reads };
}

const RENAMED = SA_YAML.replace('name: app\n', 'name: app-v2\n');
const finding = (related: string) =>
  'iam/team-a-app.json:13:87  error  trust policy admits ServiceAccount "app" in namespace "team-a", which is not among the ServiceAccounts defined in that namespace  irsa/trust-subject-exists\n' +
  `    related: ${related}:4:9  ServiceAccounts of namespace "team-a" are defined here\n`;

function repo(): string {
  return tmpRepo({ 'iam/team-a-app.json': TRUST_JSON, 'legacy/deploy.yaml': deployment('legacy', 300) }, { git: true });
}

test('"-" beside a directory: the stream is one more file, cross-referenced with the files on disk', async () => {
  const dir = repo();
  try {
    const r = await cli(['lint', '--no-color', '-', 'iam'], dir, RENAMED);
    assert.equal([r.code, r.err, r.reads], [1, '', 1]);
    assert.is(r.out, `${finding('<stdin>')}\n1 problem (1 error, 0 warnings, 0 notes) in 2 files\n`);
    // The consistent stream: nothing to report.
    const ok = await cli(['lint', '--no-color', 'iam', '-'], dir, SA_YAML);
    assert.equal([ok.code, ok.out], [0, 'no problems found in 2 files\n']);
  } finally {
    rmRepo(dir);
  }
});

test('--stdin-filename names the stream in every finding; a file of that name on disk is replaced by it', async () => {
  const dir = repo();
  try {
    const r = await cli(['lint', '--no-color', '-', '--stdin-filename', 'charts/app/rendered.yaml', 'iam'], dir, RENAMED);
    assert.is(r.out, `${finding('charts/app/rendered.yaml')}\n1 problem (1 error, 0 warnings, 0 notes) in 2 files\n`);
    const abs = await cli(['lint', '--no-color', '-', '--stdin-filename', path.join(dir, 'k8s', 'sa.yaml'), '.'], path.join(dir, 'iam'), RENAMED);
    assert.ok(abs.out.includes('    related: ../k8s/sa.yaml:4:9  '), 'relative to the current directory, like every path');
    // k8s/sa.yaml on disk is consistent; the stream (an edited buffer) is read instead of it.
    const withFile = tmpRepo({ 'iam/team-a-app.json': TRUST_JSON, 'k8s/sa.yaml': SA_YAML });
    try {
      assert.is((await cli(['lint', '--no-color', '.'], withFile)).code, 0);
      const edited = await cli(['lint', '--no-color', '.', '-', '--stdin-filename', 'k8s/sa.yaml'], withFile, RENAMED);
      assert.is(edited.out, `${finding('k8s/sa.yaml')}\n1 problem (1 error, 0 warnings, 0 notes) in 2 files\n`);
    } finally {
      rmRepo(withFile);
    }
  } finally {
    rmRepo(dir);
  }
});

test('--context DIR with "-": the stream is one of the files reported on', async () => {
  const dir = repo();
  try {
    const all = await cli(['lint', '--no-color', '.', '-', '--stdin-filename', 'rendered.yaml'], dir, RENAMED);
    assert.match(all.out, /^legacy\/deploy\.yaml:17:38 {2}error/m, 'without a context every finding is shown');
    const r = await cli(['lint', '--no-color', '--context', '.', '-', '--stdin-filename', 'rendered.yaml'], dir, RENAMED);
    assert.equal([r.code, r.out], [1, `${finding('rendered.yaml')}\n1 problem (1 error, 0 warnings, 0 notes) in 3 files\n`]);
    const clean = await cli(['lint', '--no-color', '--context', '.', '-'], dir, SA_YAML);
    assert.equal([clean.code, clean.out], [0, 'no problems found in 3 files\n'], 'the old problem in legacy/ is not the stream\'s');
  } finally {
    rmRepo(dir);
  }
});

test('usage errors: --stdin-filename without "-", or empty', async () => {
  const dir = repo();
  try {
    const a = await cli(['lint', '--stdin-filename', 'x.yaml', 'iam'], dir);
    assert.equal([a.code, a.reads, a.err], [2, 0, 'irsa-lint: --stdin-filename names standard input, which is read only when "-" is among the paths\nTry \'irsa-lint --help\'.\n']);
    const b = await cli(['lint', '-', '--stdin-filename', ' '], dir);
    assert.equal([b.code, b.err], [2, "irsa-lint: --stdin-filename needs a file name\nTry 'irsa-lint --help'.\n"]);
  } finally {
    rmRepo(dir);
  }
});

test('the API options: stdin, stdinFilename, and context with "-"', async () => {
  const dir = repo();
  try {
    const r = await lint(['-', 'iam'], { cwd: dir, stdin: RENAMED, stdinFilename: 'charts/app/rendered.yaml' });
    assert.equal(r.findings.map((f) => `${f.ruleId} ${f.location.file} ${f.related.map((x) => x.location.file).join(',')}`), ['irsa/trust-subject-exists iam/team-a-app.json charts/app/rendered.yaml']);
    assert.equal(r.files.map((f) => f.path), ['charts/app/rendered.yaml', 'iam/team-a-app.json']);
    const c = await lint(['-'], { cwd: dir, stdin: RENAMED, context: '.' });
    assert.equal(c.findings.map((f) => f.ruleId), ['irsa/trust-subject-exists']);
    assert.is((await lint(['-'], { cwd: dir })).files[0].text, '', 'no stdin text: an empty stream');
  } finally {
    rmRepo(dir);
  }
});

test.run();
