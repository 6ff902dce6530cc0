/**
 * `lint --context DIR FILE...`: the whole of DIR is read for cross-references, and a finding is
 * reported when its primary location or any of its related locations is in one of the FILEs.
 */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../../src/api.js';
import { main } from '../../src/cli.js';
import { deployment, rmRepo, tmpRepo } from '../config/tmp.js';
import { SA_YAML, TRUST_JSON } from './build.js';

async function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY: false });
  return { code, out, err };
}

const TRUST_FINDING =
  'iam/team-a-app.json:13:87  error  trust policy admits ServiceAccount "app" in namespace "team-a", which is not among the ServiceAccounts defined in that namespace  irsa/trust-subject-exists\n' +
  '    related: k8s/sa.yaml:4:9  ServiceAccounts of namespace "team-a" are defined here\n';

function repo(): string {
  return tmpRepo(
    {
      'k8s/sa.yaml': SA_YAML.replace('name: app\n', 'name: app-v2\n'),
      'k8s/other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
      'iam/team-a-app.json': TRUST_JSON,
      // An old problem in a file nobody touches.
      'legacy/deploy.yaml': deployment('legacy', 300),
    },
    { git: true },
  );
}

test('a finding is reported from either end of the cross-reference', async () => {
  const dir = repo();
  try {
    const all = await cli(['lint', '--no-color'], dir);
    assert.is(all.code, 1);
    assert.match(all.out, /legacy\/deploy\.yaml:\d+:\d+ {2}error/);
    // The staged ServiceAccount is only the related location of the finding.
    const sa = await cli(['lint', '--no-color', '--context', '.', 'k8s/sa.yaml'], dir);
    assert.equal([sa.code, sa.err], [1, '']);
    assert.is(sa.out, `${TRUST_FINDING}\n1 problem (1 error, 0 warnings, 0 notes) in 4 files\n`);
    // The trust policy holds the primary location.
    assert.is((await cli(['lint', '--no-color', '--context', '.', 'iam/team-a-app.json'], dir)).out, sa.out);
    // A directory stands for the files in it; a file that no finding touches is clean.
    assert.is((await cli(['lint', '--no-color', '--context', '.', 'k8s'], dir)).out, sa.out);
    const other = await cli(['lint', '--no-color', '--context', '.', 'k8s/other.yaml'], dir);
    assert.equal([other.code, other.out], [0, 'no problems found in 4 files\n']);
    // Without the context the rename goes unnoticed: the trust policy is not read.
    assert.equal((await cli(['lint', '--no-color', 'k8s/sa.yaml'], dir)).code, 0);
  } finally {
    rmRepo(dir);
  }
});

test('paths are relative to the working directory, also with a context above it', async () => {
  const dir = repo();
  try {
    const r = await cli(['lint', '--no-color', '--context', '..', 'sa.yaml'], path.join(dir, 'k8s'));
    assert.is(r.code, 1);
    assert.ok(r.out.startsWith('../iam/team-a-app.json:13:87  error  trust policy admits ServiceAccount "app"'), r.out);
    assert.ok(r.out.includes('    related: sa.yaml:4:9  ServiceAccounts of namespace "team-a" are defined here\n'), r.out);
  } finally {
    rmRepo(dir);
  }
});

test('the API option', async () => {
  const dir = repo();
  try {
    const r = await lint(['k8s/sa.yaml'], { cwd: dir, context: '.' });
    assert.equal(r.findings.map((f) => `${f.ruleId} ${f.location.file}`), ['irsa/trust-subject-exists iam/team-a-app.json']);
    assert.is(r.files.length, 4);
  } finally {
    rmRepo(dir);
  }
});

test('usage errors', async () => {
  const dir = repo();
  try {
    const none = await cli(['lint', '--context', '.'], dir);
    assert.equal([none.code, none.err], [2, "irsa-lint: --context needs the files to report on (pre-commit passes them)\nTry 'irsa-lint --help'.\n"]);
    // "-" is standard input, one of the files reported on (test/integration/stdin.test.ts): an empty stream touches nothing.
    assert.equal(await cli(['lint', '--no-color', '--context', '.', '-'], dir), { code: 0, out: 'no problems found in 5 files\n', err: '' });
    const notDir = await cli(['lint', '--context', 'k8s/sa.yaml', 'k8s/sa.yaml'], dir);
    assert.equal([notDir.code, notDir.err], [2, `irsa-lint: --context "k8s/sa.yaml" is not a directory\nTry 'irsa-lint --help'.\n`]);
    const missing = await cli(['lint', '--context', '.', 'k8s/gone.yaml'], dir);
    assert.equal([missing.code, missing.err], [2, "irsa-lint: no such file or directory: k8s/gone.yaml\nTry 'irsa-lint --help'.\n"]);
  } finally {
    rmRepo(dir);
  }
});

test.run();
