/**
 * The pre-commit hook end to end: a temporary git repository whose .pre-commit-config.yaml uses the
 * hook defined in .pre-commit-hooks.yaml (as a `repo: local` hook running the package's binary, the
 * bundled CLI, with `language: system`, so that nothing is downloaded). A staged ServiceAccount
 * rename that breaks the trust policy in an unchanged file blocks the commit; a consistent change
 * goes through. The Helm chart hook of docs/integrations.md runs the same way, with a stand-in for
 * `helm` on PATH.
 * Requires pre-commit on PATH (.ci/run installs it): the test fails, not skips, without it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { ROOT } from '../helpers.js';
import { helmPreCommitSnippet } from '../../src/config/commands.js';
import { buildPackage, SA_YAML, scratch, TRUST_JSON } from './build.js';

interface HookDef {
  id: string;
  name: string;
  entry: string;
  language: string;
  types_or?: string[];
  require_serial?: boolean;
}

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

test('the hook definition', () => {
  const hooks = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as HookDef[];
  assert.is(hooks.length, 1);
  const h = hooks[0];
  assert.equal([h.id, h.language, h.entry, h.types_or, h.require_serial], ['irsa-lint', 'node', 'irsa-lint lint --context .', ['yaml', 'json', 'ts'], true]);
});

test('npm pack prints only the tarball name, which pre-commit (language: node) takes as its path', () => {
  // pre-commit installs a node hook with `npm pack` in the hook repository and uses its whole
  // standard output as the tarball path; the banner of the `prepare` script broke that until
  // .npmrc turned off foreground scripts. A stand-in package with the repository's .npmrc and a
  // `prepare` script that prints (as tsc does on errors) must still print just the name.
  const dir = scratch('npm-pack-banner');
  fs.copyFileSync(path.join(ROOT, '.npmrc'), path.join(dir, '.npmrc'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'banner-check', version: '1.0.0', scripts: { prepare: 'node -e "console.log(1)"' } }));
  const r = spawnSync('npm', ['pack'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'banner-check-1.0.0.tgz\n');
});

test('pre-commit blocks a commit that breaks a cross-reference in an unchanged file', () => {
  const which = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  assert.ok(!which.error && which.status === 0, 'pre-commit must be installed (apt-get install pre-commit, or pip install pre-commit)');
  const { bin } = buildPackage();
  const tmp = scratch('pre-commit');
  const repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  fs.writeFileSync(path.join(tmp, 'gitconfig'), '[user]\n\tname = irsa-lint test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tmp,
    LANG: 'C.UTF-8',
    PRE_COMMIT_HOME: path.join(tmp, 'pre-commit-home'),
    GIT_CONFIG_GLOBAL: path.join(tmp, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
  };
  // The published hook, run from the local build: `irsa-lint` is the package's binary, the bundle's CLI.
  const [hook] = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as HookDef[];
  const local = { ...hook, entry: hook.entry.replace(/^irsa-lint\b/, `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`), language: 'system' };
  const config = { repos: [{ repo: 'local', hooks: [local] }] };
  fs.mkdirSync(path.join(repo, 'k8s'));
  fs.mkdirSync(path.join(repo, 'iam'));
  fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), JSON.stringify(config, null, 2) + '\n');
  fs.writeFileSync(path.join(repo, 'k8s', 'sa.yaml'), SA_YAML);
  fs.writeFileSync(path.join(repo, 'iam', 'team-a-app.json'), TRUST_JSON);
  const git = (...args: string[]) => sh('git', args, repo, env);
  assert.is(git('init', '-q').code, 0);
  assert.is(git('add', '-A').code, 0);
  assert.is(git('commit', '-q', '--no-verify', '-m', 'initial').code, 0);

  const all = sh('pre-commit', ['run', '--all-files', '--color', 'never'], repo, env);
  assert.is(all.code, 0, all.out);
  assert.match(all.out, /irsa-lint\.+Passed/);

  assert.is(sh('pre-commit', ['install'], repo, env).code, 0);
  // Rename the ServiceAccount: the trust policy (not staged) still names the old one.
  fs.writeFileSync(path.join(repo, 'k8s', 'sa.yaml'), SA_YAML.replace('name: app\n', 'name: app-v2\n'));
  assert.is(git('add', 'k8s/sa.yaml').code, 0);
  const bad = git('commit', '-m', 'rename the service account');
  assert.is(bad.code, 1, bad.out);
  assert.match(bad.out, /irsa-lint\.+Failed/);
  assert.ok(
    bad.out.includes(
      'iam/team-a-app.json:13:87  error  trust policy admits ServiceAccount "app" in namespace "team-a", which is not among the ServiceAccounts defined in that namespace  irsa/trust-subject-exists\n    related: k8s/sa.yaml:4:9  ServiceAccounts of namespace "team-a" are defined here\n',
    ),
    bad.out,
  );
  assert.is(git('rev-list', '--count', 'HEAD').out.trim(), '1', 'the commit was blocked');

  // The consistent change: the trust policy follows the rename.
  fs.writeFileSync(path.join(repo, 'iam', 'team-a-app.json'), TRUST_JSON.replace('team-a:app"', 'team-a:app-v2"'));
  assert.is(git('add', '-A').code, 0);
  const good = git('commit', '-m', 'rename the service account and its trust');
  assert.is(good.code, 0, good.out);
  assert.match(good.out, /irsa-lint\.+Passed/);
  assert.is(git('rev-list', '--count', 'HEAD').out.trim(), '2');
});

test('the Helm chart hook of docs/integrations.md blocks a commit whose rendered chart breaks a trust policy', () => {
  const which = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  assert.ok(!which.error && which.status === 0, 'pre-commit must be installed (apt-get install pre-commit, or pip install pre-commit)');
  const { bin: irsaLint } = buildPackage();
  const tmp = scratch('pre-commit-helm');
  const repo = path.join(tmp, 'repo');
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(repo);
  fs.mkdirSync(bin);
  // No helm here: a stand-in that renders charts/demo the way `helm template demo charts/demo` would,
  // from the namespace in the chart's values.yaml.
  const helm = path.join(bin, 'helm');
  fs.writeFileSync(
    helm,
    [
      '#!/bin/sh',
      'if [ "$1 $2 $3" != "template demo charts/demo" ]; then echo "unexpected: helm $*" >&2; exit 1; fi',
      'if grep -q "^broken" charts/demo/values.yaml; then echo "Error: template: demo/templates/serviceaccount.yaml:5:16: executing ..." >&2; exit 1; fi',
      'ns=$(sed -n "s/^namespace: //p" charts/demo/values.yaml)',
      'printf -- "---\\n# Source: demo/templates/serviceaccount.yaml\\napiVersion: v1\\nkind: ServiceAccount\\nmetadata:\\n  name: app\\n  namespace: %s\\n  annotations:\\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/team-a-app\\n" "$ns"',
      '',
    ].join('\n'),
  );
  fs.chmodSync(helm, 0o755);
  fs.writeFileSync(path.join(tmp, 'gitconfig'), '[user]\n\tname = irsa-lint test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n');
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    HOME: tmp,
    LANG: 'C.UTF-8',
    PRE_COMMIT_HOME: path.join(tmp, 'pre-commit-home'),
    GIT_CONFIG_GLOBAL: path.join(tmp, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
  };
  // The documented hook, run from the local build instead of the npm package.
  const doc = parse(helmPreCommitSnippet('demo', 'charts/demo')) as { repos: { repo: string; hooks: (HookDef & { additional_dependencies?: string[] })[] }[] };
  const hook = doc.repos[0].hooks[0];
  assert.is(hook.language, 'node');
  delete hook.additional_dependencies;
  const local = { ...hook, entry: hook.entry.replace(/\| irsa-lint\b/, `| ${JSON.stringify(process.execPath)} ${JSON.stringify(irsaLint)}`), language: 'system' };
  assert.ok(local.entry !== hook.entry);
  fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), JSON.stringify({ repos: [{ repo: 'local', hooks: [local] }] }, null, 2) + '\n');
  const files: Record<string, string> = {
    'charts/demo/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 1.0.0\n',
    'charts/demo/values.yaml': 'namespace: team-a\n',
    'charts/demo/templates/serviceaccount.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: {{ .Values.namespace }}\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/team-a-app\n',
    // `aws iam get-role` output: the role the chart's ServiceAccount names, trusting team-a/app.
    'iam/team-a-app.json': JSON.stringify({ Role: { RoleName: 'team-a-app', Arn: 'arn:aws:iam::123456789012:role/team-a-app', AssumeRolePolicyDocument: JSON.parse(TRUST_JSON) } }, null, 2) + '\n',
  };
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    fs.writeFileSync(path.join(repo, f), text);
  }
  const git = (...args: string[]) => sh('git', args, repo, env);
  assert.is(git('init', '-q').code, 0);
  assert.is(git('add', '-A').code, 0);
  assert.is(git('commit', '-q', '--no-verify', '-m', 'initial').code, 0);
  const all = sh('pre-commit', ['run', '--all-files', '--color', 'never'], repo, env);
  assert.is(all.code, 0, all.out);
  assert.match(all.out, /irsa-lint \(rendered chart charts\/demo\)\.+Passed/);

  assert.is(sh('pre-commit', ['install'], repo, env).code, 0);
  // Deploy the chart into another namespace: the trust policy, not staged, still names team-a.
  fs.writeFileSync(path.join(repo, 'charts/demo/values.yaml'), 'namespace: team-b\n');
  assert.is(git('add', 'charts/demo/values.yaml').code, 0);
  const bad = git('commit', '-m', 'move the chart to team-b');
  assert.is(bad.code, 1, bad.out);
  assert.match(bad.out, /irsa-lint \(rendered chart charts\/demo\)\.+Failed/);
  assert.ok(
    bad.out.includes(
      'charts/demo/rendered.yaml:9:33  error  trust policy of role "arn:aws:iam::123456789012:role/team-a-app" does not admit "system:serviceaccount:team-b:app"  irsa/role-trusts-service-account\n' +
        '    related: iam/team-a-app.json:17:91  trust policy "sub" condition\n' +
        '    related: charts/demo/templates/serviceaccount.yaml:7:5  rendered from this Helm template\n',
    ),
    bad.out,
  );
  assert.is(git('rev-list', '--count', 'HEAD').out.trim(), '1', 'the commit was blocked');
  // A chart that does not render fails the hook too (the pipe alone would lint an empty stream).
  fs.writeFileSync(path.join(repo, 'charts/demo/values.yaml'), 'broken: true\n');
  assert.is(git('add', 'charts/demo/values.yaml').code, 0);
  const unrendered = git('commit', '-m', 'break the chart');
  assert.is(unrendered.code, 1, unrendered.out);
  assert.match(unrendered.out, /Error: template: demo\/templates\/serviceaccount\.yaml/);
  assert.is(git('rev-list', '--count', 'HEAD').out.trim(), '1', 'the commit was blocked');
  // A change outside the chart does not run the hook.
  fs.writeFileSync(path.join(repo, 'charts/demo/values.yaml'), 'namespace: team-a\n');
  fs.writeFileSync(path.join(repo, 'README.md'), 'demo\n');
  assert.is(git('add', '-A').code, 0);
  const good = git('commit', '-m', 'readme');
  assert.is(good.code, 0, good.out);
  assert.match(good.out, /irsa-lint \(rendered chart charts\/demo\)\.+(Passed|\(no files to check\)Skipped)/);
});

test.run();
