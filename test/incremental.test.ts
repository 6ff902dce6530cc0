/**
 * The incremental run (src/incremental.ts) reports exactly what a full run reports: on every
 * fixture case, the examples and a generated repository, after edits that change cross-references
 * (names, namespaces, role ARNs, trust subjects and audiences), appended comments, deleted and
 * added files, and after the edits are undone, the JSON report of a run that continues from the
 * cache's state is byte-identical to that of a run without a cache, with and without `--context`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint, type LintOptions, type LintResult } from '../src/api.js';
import { formatJson } from '../src/format/json.js';
import { STATE_FILE } from '../src/load/run-state.js';
import { fixtureCases, ROOT } from './helpers.js';
import { rmRepo, tmpRepo } from './config/tmp.js';

const EXTENSIONS = /\.(ya?ml|json|ts|tf)$/;

function filesOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.cache') walk(p);
      } else if (EXTENSIONS.test(e.name)) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Copy a tree, its files dated an hour ago (so that the state may trust their metadata). */
function copyTree(src: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-inc-')));
  fs.cpSync(src, dir, { recursive: true });
  const past = new Date(Date.now() - 3600_000);
  for (const f of filesOf(dir)) fs.utimesSync(path.join(dir, f), past, past);
  return dir;
}

const report = (r: LintResult) => formatJson(r.findings, r.files.length);

/** Edits that change what other files refer to, tried in order until one applies. */
const CROSS_REFERENCE_EDITS: readonly [RegExp, string][] = [
  [/(serviceAccountName:\s*["']?)([\w.-]+)/, '$1$2-renamed'],
  [/(system:serviceaccount:[\w.-]+:)([\w.*-]+)/, '$1$2-renamed'],
  [/(eks\.amazonaws\.com\/role-arn:\s*["']?arn:aws:iam::)(\d{12})/, '$1999999999999'],
  [/(\bnamespace:\s*["']?)([\w.-]+)/, '$1$2-moved'],
  [/(:aud["']?\s*:\s*["'])sts\.amazonaws\.com/, '$1other.example.com'],
  [/(\bname:\s*["']?)([\w.-]+)/, '$1$2-renamed'],
];

function crossReferenceEdit(text: string): string | undefined {
  for (const [re, to] of CROSS_REFERENCE_EDITS) if (re.test(text)) return text.replace(re, to);
  return undefined;
}

interface Step {
  readonly what: string;
  apply(dir: string): void;
}

function steps(dir: string): Step[] {
  const files = filesOf(dir);
  const out: Step[] = [];
  const target = files.find((f) => crossReferenceEdit(fs.readFileSync(path.join(dir, f), 'utf8')) !== undefined);
  if (target) out.push({ what: `cross-reference edit of ${target}`, apply: (d) => edit(d, target, (t) => crossReferenceEdit(t)!) });
  const yaml = files.find((f) => /\.ya?ml$/.test(f) && f !== target) ?? files.find((f) => /\.ya?ml$/.test(f));
  if (yaml) out.push({ what: `comment appended to ${yaml}`, apply: (d) => edit(d, yaml, (t) => `${t}\n# edited\n`) });
  const last = files[files.length - 1];
  if (files.length > 1 && last !== target) out.push({ what: `${last} deleted`, apply: (d) => fs.rmSync(path.join(d, last)) });
  if (files.length > 0) {
    const copy = files[0].replace(/(\.[a-z]+)$/, '-copy$1');
    out.push({ what: `${files[0]} copied to ${copy}`, apply: (d) => fs.copyFileSync(path.join(d, files[0]), path.join(d, copy)) });
  }
  return out;
}

function edit(dir: string, file: string, f: (text: string) => string): void {
  const p = path.join(dir, file);
  fs.writeFileSync(p, f(fs.readFileSync(p, 'utf8')));
}

/**
 * Lint `dir` after each step, with the cache (continuing from the state) and without, and compare;
 * then restore the original files and compare once more. Returns how many runs were incremental.
 */
async function compareThroughEdits(src: string, opts: LintOptions = {}, paths: string[] = ['.']): Promise<number> {
  const dir = copyTree(src);
  const cache = path.join(dir, '.cache');
  const originals = new Map(filesOf(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
  let incremental = 0;
  try {
    const run = async (label: string) => {
      const full = await lint(paths, { ...opts, cwd: dir });
      const cached = await lint(paths, { ...opts, cwd: dir, cache });
      if (cached.incremental) incremental++;
      assert.fixture(report(cached), report(full), `${path.relative(ROOT, src)}: ${label}`);
    };
    await run('first run (full, writes the state)');
    await run('nothing changed');
    for (const s of steps(dir)) {
      s.apply(dir);
      await run(s.what);
    }
    for (const f of filesOf(dir)) if (!originals.has(f)) fs.rmSync(path.join(dir, f));
    for (const [f, bytes] of originals) fs.writeFileSync(path.join(dir, f), bytes);
    await run('edits undone');
  } finally {
    rmRepo(dir);
  }
  return incremental;
}

test('every fixture case: the incremental report is the full report, through edits', async () => {
  let incremental = 0;
  for (const c of fixtureCases()) incremental += await compareThroughEdits(c.dir);
  assert.ok(incremental > fixtureCases().length, `most runs continue from the state (${incremental})`);
});

test('the examples and the map fixture: the same, also with --context on each file', async () => {
  for (const name of ['examples/eks-webhook', 'examples/openshift-sts', 'examples/eks-pod-identity-migration', 'fixtures/_map/mixed']) {
    const src = path.join(ROOT, name);
    assert.ok((await compareThroughEdits(src)) > 0, `${name}: some runs are incremental`);
    for (const f of filesOf(src)) await compareThroughEdits(src, { context: '.' }, [f]);
  }
});

test('the corpus (real manifests, trust policies, Terraform, eksctl and Helm charts): the same', async () => {
  const trees = [path.join(ROOT, 'fixtures', '_corpus'), path.resolve(ROOT, '..', 'shared', 'corpus')].filter((d) => fs.existsSync(d));
  let incremental = 0;
  for (const src of trees) {
    incremental += await compareThroughEdits(src);
    for (const sub of fs.readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory())) incremental += await compareThroughEdits(path.join(src, sub.name));
  }
  assert.ok(incremental > 0, 'some runs are incremental');
});

/** A repository of `n` apps: a ServiceAccount and a Deployment, a role's trust policy, a ConfigMap. */
function apps(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  const provider = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
  for (let i = 0; i < n; i++) {
    const ns = `team-${i % 3}`;
    const app = `app-${i}`;
    files[`apps/${app}/workload.yaml`] = [
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      `  name: ${app}`,
      `  namespace: ${ns}`,
      '  annotations:',
      `    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/${app}`,
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${app}`,
      `  namespace: ${ns}`,
      'spec:',
      '  template:',
      '    spec:',
      `      serviceAccountName: ${app}`,
      '      containers:',
      '        - name: main',
      '          image: example.com/app:1',
      '          envFrom:',
      '            - configMapRef:',
      `                name: ${app}-config`,
      '',
    ].join('\n');
    files[`apps/${app}/config.yaml`] = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${app}-config`, `  namespace: ${ns}`, 'data:', '  LOG_LEVEL: info', ''].join('\n');
    files[`apps/${app}/role.json`] = JSON.stringify(
      {
        Role: {
          RoleName: app,
          Arn: `arn:aws:iam::123456789012:role/${app}`,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${provider}` },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: { StringEquals: { [`${provider}:sub`]: `system:serviceaccount:${ns}:${app}`, [`${provider}:aud`]: 'sts.amazonaws.com' } },
              },
            ],
          },
        },
      },
      null,
      2,
    );
  }
  return files;
}

test('a generated repository: a change reaches the files that refer to it, and only those are built', async () => {
  const dir = tmpRepo(apps(30));
  const past = new Date(Date.now() - 3600_000);
  for (const f of filesOf(dir)) fs.utimesSync(path.join(dir, f), past, past);
  const cache = path.join(dir, '.cache');
  const both = async (paths: string[], opts: LintOptions = {}) => {
    const full = await lint(paths, { ...opts, cwd: dir });
    const cached = await lint(paths, { ...opts, cwd: dir, cache });
    assert.fixture(report(cached), report(full));
    return cached;
  };
  try {
    assert.is((await both(['.'])).incremental, undefined, 'the first run is a full one');
    const quiet = await both(['.']);
    assert.equal(quiet.incremental, { changed: 0, checked: 0, built: 0 }, 'nothing changed: nothing is read again');
    assert.equal(quiet.findings, []);

    // The ServiceAccount of app-4 is renamed: its Deployment (same file) and its role's trust
    // policy (another file, never edited) now name a ServiceAccount that does not exist.
    const wl = path.join(dir, 'apps/app-4/workload.yaml');
    fs.writeFileSync(wl, fs.readFileSync(wl, 'utf8').replace('  name: app-4\n  namespace: team-1\n  annotations', '  name: app-4-renamed\n  namespace: team-1\n  annotations'));
    const renamed = await both(['.']);
    assert.ok(renamed.incremental, 'incremental');
    // What reads the ServiceAccounts of team-1 (its ten apps) is checked again, and built with what those checks read.
    assert.ok(renamed.incremental!.checked >= 2 && renamed.incremental!.checked <= 11 && renamed.incremental!.built <= 30, `a third of the 90 files at most: ${JSON.stringify(renamed.incremental)}`);
    const files = new Set(renamed.findings.map((f) => f.location.file));
    assert.ok(files.has('apps/app-4/role.json'), `the unchanged trust policy has a finding: ${[...files].join(', ')}`);

    // Pre-commit on the role file alone: the findings that concern it.
    const ctx = await both(['apps/app-4/role.json'], { context: '.' });
    assert.ok(ctx.findings.length > 0 && ctx.findings.every((f) => f.location.file === 'apps/app-4/role.json' || f.related.some((r) => r.location.file === 'apps/app-4/role.json')));

    // A ConfigMap edited: only what reads it is checked again.
    const cm = path.join(dir, 'apps/app-7/config.yaml');
    fs.writeFileSync(cm, `${fs.readFileSync(cm, 'utf8')}  EXTRA: "1"\n`);
    const edited = await both(['.']);
    assert.ok(edited.incremental && edited.incremental.checked <= 2 && edited.incremental.built < 10, JSON.stringify(edited.incremental));

    // A comment appended: the file is read and built, its resources are what they were, nothing is checked.
    fs.appendFileSync(path.join(dir, 'apps/app-9/config.yaml'), '# reviewed\n');
    assert.equal((await both(['.'])).incremental, { changed: 1, checked: 0, built: 1 });

    // The state is not trusted when corrupted: a full run, the same report.
    const state = path.join(cache, STATE_FILE);
    const bytes = fs.readFileSync(state);
    bytes[bytes.length - 10] ^= 0x20;
    fs.writeFileSync(state, bytes);
    fs.appendFileSync(cm, '# again\n');
    assert.is((await both(['.'])).incremental, undefined, 'a corrupted state gives a full run');
    // Other options (a rule turned off): another state key, a full run.
    assert.is((await both(['.'], { rules: { 'irsa/role-trusts-service-account': 'off' } })).incremental, undefined);
  } finally {
    rmRepo(dir);
  }
});

test.run();
