/**
 * The npm package: `npm pack` of the staged package, `npm install <tgz>` into an empty project
 * (production dependencies only, offline first: the npm cache holds them), then the installed
 * `irsa-lint` binary (the bundle) and the `import('irsa-lint')` API (the tsc build).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VERSION } from '../../src/version.js';
import { FIXTURES } from '../helpers.js';
import { buildPackage, SA_YAML, scratch, TRUST_JSON } from './build.js';

const NPM_ENV: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' };

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env: NPM_ENV, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('npm pack, npm install the tarball, run the binary and the API', () => {
  const pkg = buildPackage();
  const tmp = scratch('npm');
  const stage = path.join(tmp, 'stage');
  // The staged package without its node_modules link.
  fs.cpSync(pkg.dir, stage, { recursive: true, filter: (src) => path.basename(src) !== 'node_modules' });
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], stage);
  assert.is(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = info.files.map((f) => f.path);
  const bundle = ['cli.cjs', 'action.cjs', 'parse-worker.cjs', 'irsa-lint.cjs', 'typescript-estree.cjs', 'web-tree-sitter.cjs', 'web-tree-sitter.wasm', 'tree-sitter-terraform.wasm', 'licenses.txt'].map((f) => `dist/bundle/${f}`);
  for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/examples.json', 'dist/src/cli.js', 'dist/src/api.js', 'dist/src/api.d.ts', 'dist/src/action/main.js', 'schemas/config.schema.json', ...bundle]) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  assert.ok(files.some((f) => f.startsWith('dist/rules/')), 'rules are in the package');
  assert.not.ok(files.some((f) => /^(src|test|fixtures|examples|scripts)\//.test(f) || f.endsWith('.test.js')), 'no sources, tests or fixtures');

  const app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  let inst = run('npm', ['install', path.join(tmp, info.filename), '--omit=dev', '--no-audit', '--no-fund', '--offline'], app);
  if (inst.code !== 0) inst = run('npm', ['install', path.join(tmp, info.filename), '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], app);
  assert.is(inst.code, 0, inst.stderr);
  assert.ok(fs.existsSync(path.join(app, 'node_modules', 'irsa-lint', 'dist', 'src', 'api.d.ts')));
  // The binary is the bundle's CLI.
  assert.is(fs.realpathSync(path.join(app, 'node_modules', '.bin', 'irsa-lint')), fs.realpathSync(path.join(app, 'node_modules', 'irsa-lint', 'dist', 'bundle', 'cli.cjs')));

  const version = run('npx', ['--no-install', 'irsa-lint', '--version'], app);
  assert.equal([version.code, version.stdout], [0, `${VERSION}\n`]);

  // explain shows the fixture examples, recorded at build time (fixtures are not in the package).
  assert.not.ok(fs.existsSync(path.join(app, 'node_modules', 'irsa-lint', 'fixtures')));
  const explain = run('npx', ['--no-install', 'irsa-lint', 'explain', 'k8s/token-expiration-minimum'], app);
  assert.is(explain.code, 0, explain.stderr);
  assert.ok(explain.stdout.includes('Reported (fixtures/k8s/token-expiration-minimum/'), explain.stdout);
  assert.ok(explain.stdout.includes('expirationSeconds: 300'), 'the bad example');
  assert.ok(explain.stdout.includes('Not reported ('), 'the good example');

  // A small repository with a configuration file (its JSON schema ships in the package).
  const repo = path.join(tmp, 'repo');
  fs.mkdirSync(path.join(repo, 'k8s'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'iam'));
  fs.mkdirSync(path.join(repo, '.git'));
  fs.writeFileSync(path.join(repo, '.irsa-lint.yaml'), 'failOn: error\n');
  fs.writeFileSync(path.join(repo, 'k8s', 'sa.yaml'), SA_YAML.replace('name: app\n', 'name: app-v2\n'));
  fs.writeFileSync(path.join(repo, 'iam', 'team-a-app.json'), TRUST_JSON);
  const bin = path.join(app, 'node_modules', '.bin', 'irsa-lint');
  const lint = run(bin, ['lint', '--no-color'], repo);
  assert.is(lint.stderr, '');
  assert.is(
    lint.stdout,
    'iam/team-a-app.json:13:87  error  trust policy admits ServiceAccount "app" in namespace "team-a", which is not among the ServiceAccounts defined in that namespace  irsa/trust-subject-exists\n' +
      '    related: k8s/sa.yaml:4:9  ServiceAccounts of namespace "team-a" are defined here\n\n' +
      '1 problem (1 error, 0 warnings, 0 notes) in 2 files\n',
  );
  assert.is(lint.code, 1);
  const context = run(bin, ['lint', '--no-color', '--context', '.', 'k8s/sa.yaml'], repo);
  assert.is(context.code, 1, 'the rename is reported from the trust policy side');

  // Terraform: the HCL parser and its WebAssembly files are found next to the bundle.
  const tf = path.join(tmp, 'tf');
  fs.mkdirSync(tf);
  fs.cpSync(path.join(FIXTURES, '_iac', 'terraform'), tf, { recursive: true });
  const tfLint = run(bin, ['lint', '--no-color'], tf);
  assert.is(tfLint.stderr, '');
  assert.is(
    tfLint.stdout,
    'iam.tf:11:88  error  trust policy admits ServiceAccount "web" in namespace "team-a", which is not among the ServiceAccounts defined in that namespace  irsa/trust-subject-exists\n' +
      '    related: serviceaccount.yaml:4:9  ServiceAccounts of namespace "team-a" are defined here\n' +
      'serviceaccount.yaml:7:33  error  trust policy of role "arn:aws:iam::111122223333:role/team-a-app" does not admit "system:serviceaccount:team-a:app"  irsa/role-trusts-service-account\n' +
      '    related: iam.tf:11:88  trust policy "sub" condition\n\n' +
      '2 problems (2 errors, 0 warnings, 0 notes) in 2 files\n',
  );
  assert.is(tfLint.code, 1);

  const script = `import('irsa-lint').then(async (m) => { const r = await m.lint(['.'], { cwd: ${JSON.stringify(repo)}, configFile: '.irsa-lint.yaml' }); console.log(JSON.stringify([r.files.length, r.findings.map((f) => f.ruleId), m.RULES.length > 0])); })`;
  const api = run(process.execPath, ['--input-type=module', '-e', script], app);
  assert.is(api.stderr, '');
  assert.is(api.stdout, '[2,["irsa/trust-subject-exists"],true]\n');
});

test.run();
