/**
 * The TypeScript parser (`@typescript-eslint/typescript-estree`, which loads the TypeScript
 * compiler: about 200 ms) must be loaded only when a CDK/Pulumi TypeScript file is linted, and
 * the HCL parser (`web-tree-sitter` and its WebAssembly grammar) only when a Terraform
 * configuration that declares something irsa-lint reads is linted.
 *
 * Each case runs the linter in a fresh `node --import tsx` process and then inspects Node's CommonJS
 * module cache (`require.cache`, shared by every `require` and `createRequire`). Both packages are
 * CommonJS, so they land in that cache whether they are reached with `require()` or `import()`;
 * the TypeScript case checks that the probe does see them when they are loaded.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FIXTURES, ROOT } from '../helpers.js';

interface Probe {
  files: string[];
  findings: string[];
  estree: boolean;
  typescript: boolean;
  treeSitter: boolean;
}

function lintInFreshProcess(dir: string): Probe {
  const script = `
    import { createRequire } from 'node:module';
    const { lint } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/api.ts')).href)});
    const r = await lint(['.'], { cwd: ${JSON.stringify(dir)}, only: ['irsa/role-trusts-service-account', 'parse/syntax'] });
    const loaded = Object.keys(createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))}).cache);
    console.log(JSON.stringify({
      files: r.files.map((f) => f.path),
      findings: r.findings.map((f) => f.ruleId + ' ' + f.location.file + ':' + f.location.line),
      estree: loaded.some((k) => k.includes(${JSON.stringify(`${path.sep}@typescript-eslint${path.sep}typescript-estree${path.sep}`)})),
      typescript: loaded.some((k) => k.includes(${JSON.stringify(`${path.sep}node_modules${path.sep}typescript${path.sep}`)})),
      treeSitter: loaded.some((k) => k.includes(${JSON.stringify(`${path.sep}web-tree-sitter${path.sep}`)})),
    }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Probe;
}

test('a repository without CDK/Pulumi TypeScript never loads typescript-estree (nor typescript)', () => {
  const p = lintInFreshProcess(path.join(FIXTURES, '_iac', 'yaml-only'));
  // The CloudFormation template is read (the rule fires on it); app/server.ts is application code and is not even read.
  // network/main.tf is read but declares nothing irsa-lint reads: it is not parsed.
  assert.equal(p.files, ['iam-roles.cfn.yaml', 'network/main.tf', 'serviceaccount.yaml']);
  assert.equal(p.findings, ['irsa/role-trusts-service-account serviceaccount.yaml:7']);
  assert.is(p.estree, false, 'typescript-estree was loaded');
  assert.is(p.typescript, false, 'typescript was loaded');
  assert.is(p.treeSitter, false, 'web-tree-sitter was loaded');
});

test('a Terraform configuration with an IAM role loads web-tree-sitter (and not typescript-estree)', () => {
  const p = lintInFreshProcess(path.join(FIXTURES, '_iac', 'terraform'));
  assert.equal(p.files, ['iam.tf', 'serviceaccount.yaml']);
  assert.equal(p.findings, ['irsa/role-trusts-service-account serviceaccount.yaml:7']);
  assert.is(p.treeSitter, true);
  assert.is(p.estree, false);
});

test('a CDK TypeScript file loads typescript-estree (the probe sees it)', () => {
  const p = lintInFreshProcess(path.join(FIXTURES, '_iac', 'cdk'));
  assert.equal(p.files, ['lib/irsa-stack.ts', 'serviceaccount.yaml']);
  assert.equal(p.findings, ['irsa/role-trusts-service-account serviceaccount.yaml:7']);
  assert.is(p.estree, true);
  assert.is(p.typescript, true);
  assert.is(p.treeSitter, false);
});

test.run();
