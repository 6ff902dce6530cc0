/**
 * The committed bundle (dist/bundle/, built by scripts/bundle.mjs), which the `irsa-lint` binary
 * and the GitHub Action run:
 * - a fresh bundle is the committed one, byte for byte (check-dist);
 * - the bundled CLI prints what the tsc-built CLI prints: the examples in text and SARIF, and a
 *   Terraform and a CDK repository (the parsers the bundle loads from files of their own);
 * - those parsers stay unloaded when no file needs them, and nothing comes from node_modules;
 * - worker threads run the bundle's parse worker;
 * - the Action entry runs from the bundle with the runner's INPUT_* variables;
 * - the V8 code cache is written once, then used, and a damaged, foreign or missing one changes
 *   nothing in the output.
 * The staged package (./integration/build.ts) holds both builds side by side, so that both find
 * the same package.json, schemas and examples.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FIXTURES, ROOT } from './helpers.js';
import { buildPackage, SA_YAML, scratch, TRUST_JSON } from './integration/build.js';

const COMMITTED = path.join(ROOT, 'dist', 'bundle');
const tmp = scratch('bundle');
const CODE_CACHE = path.join(tmp, 'code-cache');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(script: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; node?: readonly string[] } = {}): Run {
  const options: SpawnSyncOptions = {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH, HOME: tmp, NO_COLOR: '1', IRSA_LINT_CODE_CACHE: CODE_CACHE, ...opts.env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  };
  const r = spawnSync(process.execPath, [...(opts.node ?? []), script, ...args], options);
  if (r.error) throw r.error;
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

test('a fresh bundle is the committed dist/bundle, byte for byte', () => {
  const fresh = path.join(tmp, 'fresh');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.mjs'), fresh], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const hint = 'run npm run bundle and commit dist/bundle';
  assert.ok(fs.existsSync(COMMITTED), `no dist/bundle: ${hint}`);
  assert.equal(files(COMMITTED), files(fresh), `the files of dist/bundle: ${hint}`);
  for (const f of files(fresh)) {
    assert.ok(fs.readFileSync(path.join(COMMITTED, f)).equals(fs.readFileSync(path.join(fresh, f))), `dist/bundle/${f} is not what the sources bundle to: ${hint}`);
  }
  assert.ok(fs.statSync(path.join(COMMITTED, 'cli.cjs')).mode & 0o100, 'cli.cjs is executable');
  // Nothing of the machine it was built on.
  for (const f of files(fresh).filter((f) => f.endsWith('.cjs'))) {
    const text = fs.readFileSync(path.join(fresh, f), 'utf8');
    assert.not.ok(text.includes(ROOT), `${f} holds the absolute path of the checkout`);
  }
});

/** The staged package's two builds of the CLI: the bundle and tsc's output. */
function clis(): { bundle: string; tsc: string } {
  const pkg = buildPackage();
  return { bundle: pkg.bin, tsc: pkg.cli };
}

for (const [name, cwd, args] of [
  ['the examples, text', ROOT, ['lint', '--no-color', 'examples/']],
  ['the examples, SARIF', ROOT, ['lint', '--format', 'sarif', 'examples/']],
  ['a Terraform repository (web-tree-sitter and its grammar)', path.join(FIXTURES, '_iac', 'terraform'), ['lint', '--no-color', '.']],
  ['a CDK repository (typescript-estree and typescript)', path.join(FIXTURES, '_iac', 'cdk'), ['lint', '--no-color', '--format', 'json', '.']],
] as const) {
  test(`the bundled CLI prints what the tsc-built CLI prints: ${name}`, () => {
    const { bundle, tsc } = clis();
    const a = run(bundle, args, { cwd });
    const b = run(tsc, args, { cwd });
    assert.is(a.stderr, b.stderr);
    assert.ok(a.stdout.length > 100, a.stdout);
    assert.fixture(a.stdout, b.stdout);
    assert.is(a.code, b.code);
  });
}

/**
 * A `--require` module for the CLI's process (and its worker threads, which inherit the option):
 * on exit, the main thread writes to $PROBE_OUT the CommonJS modules Node loaded (the launcher
 * compiles the rest of the bundle itself) and the worker threads started, with their script and
 * the results they sent.
 */
function probe(): string {
  const p = path.join(tmp, 'probe.cjs');
  if (!fs.existsSync(p)) {
    fs.writeFileSync(
      p,
      `const wt = require('node:worker_threads');
const fs = require('node:fs');
const workers = [];
if (wt.isMainThread) {
  const Worker = wt.Worker;
  wt.Worker = class extends Worker {
    constructor(script, options) {
      super(script, options);
      const w = { script: String(script), results: 0, errors: [] };
      workers.push(w);
      this.on('message', (m) => { if (m && Array.isArray(m.results)) w.results += m.results.length; });
      this.on('error', (e) => w.errors.push(String(e)));
    }
  };
  process.on('exit', () => fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify({ modules: Object.keys(require.cache), workers })));
}
`,
    );
  }
  return p;
}

interface Probed extends Run {
  readonly modules: string[];
  readonly workers: { script: string; results: number; errors: string[] }[];
}

function probed(script: string, args: readonly string[], cwd: string): Probed {
  const out = path.join(tmp, `probe-${Math.random().toString(36).slice(2)}.json`);
  const r = run(script, args, { cwd, env: { PROBE_OUT: out }, node: ['--require', probe()] });
  return { ...r, ...(JSON.parse(fs.readFileSync(out, 'utf8')) as Pick<Probed, 'modules' | 'workers'>) };
}

/** The files of the bundle a run compiled: the ones its code cache holds, by their hash. */
function compiledBy(script: string, cwd: string): string[] {
  const cache = path.join(tmp, `compiled-${Math.random().toString(36).slice(2)}`);
  const r = run(script, ['lint', '--no-color', '.'], { cwd, env: { IRSA_LINT_CODE_CACHE: cache } });
  assert.is(r.code, 1, r.stderr);
  const dir = path.dirname(script);
  const byHash = new Map(files(dir).map((f) => [createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex').slice(0, 16), f]));
  return fs
    .readdirSync(cache)
    .map((n) => byHash.get(n.slice(0, 16)) ?? n)
    .sort();
}

test('the bundle loads typescript-estree and web-tree-sitter only for the files that need them', () => {
  const { bundle } = clis();
  assert.equal(compiledBy(bundle, path.join(FIXTURES, '_iac', 'yaml-only')), ['irsa-lint.cjs']);
  assert.equal(compiledBy(bundle, path.join(FIXTURES, '_iac', 'terraform')), ['irsa-lint.cjs', 'web-tree-sitter.cjs']);
  assert.equal(compiledBy(bundle, path.join(FIXTURES, '_iac', 'cdk')), ['irsa-lint.cjs', 'typescript-estree.cjs']);
  // Nothing is loaded from node_modules (the Action has none).
  const cdk = probed(bundle, ['lint', '--no-color', '.'], path.join(FIXTURES, '_iac', 'cdk'));
  assert.equal(cdk.modules.filter((m) => m !== probe()), [bundle]);
});

/** A repository with more than the 2 MB of text to parse after which worker threads start, and findings. */
function largeRepository(): string {
  const dir = path.join(tmp, 'large');
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(path.join(dir, 'k8s'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'iam'));
  const filler = Array.from({ length: 200 }, (_, i) => `  key-${i}: "${'x'.repeat(40)}"`).join('\n');
  // Each file: a ConfigMap, and a Deployment whose projected token lives too short (one finding per file).
  const deployment = (i: number) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  namespace: team-a\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: amazon/aws-cli\n      volumes:\n        - name: token\n          projected:\n            sources:\n              - serviceAccountToken:\n                  audience: sts.amazonaws.com\n                  expirationSeconds: ${300 + i}\n                  path: token\n`;
  for (let i = 0; i < 300; i++) {
    fs.writeFileSync(path.join(dir, 'k8s', `app-${String(i).padStart(3, '0')}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${i}\n  namespace: team-a\ndata:\n${filler}\n---\n${deployment(i)}---\n${SA_YAML}`);
  }
  fs.writeFileSync(path.join(dir, 'iam', 'team-a-app.json'), TRUST_JSON);
  return dir;
}

test('worker threads run the bundle\'s parse worker, with the report of the main thread', () => {
  const { bundle, tsc } = clis();
  const dir = largeRepository();
  const args = ['lint', '--no-color', '--no-config', '--concurrency', '2', '.'];
  const threads = probed(bundle, args, dir);
  assert.is(threads.stderr, '');
  assert.is(threads.workers.length, 2, JSON.stringify(threads.workers));
  for (const w of threads.workers) {
    assert.is(w.script, `file://${path.join(path.dirname(bundle), 'parse-worker.cjs')}`);
    assert.equal(w.errors, []);
  }
  const parsed = threads.workers.reduce((n, w) => n + w.results, 0);
  assert.ok(parsed > 100, `the workers parsed ${parsed} files`);
  const single = run(bundle, ['lint', '--no-color', '--no-config', '--concurrency', 'off', '.'], { cwd: dir });
  assert.ok(/^300 problems /m.test(single.stdout), single.stdout.slice(-300));
  assert.ok(single.stdout.includes('k8s/app-299.yaml:225:38  error  projected token expirationSeconds 599 is below the minimum of 600'), 'a finding in the last file, which a worker parsed');
  assert.fixture(threads.stdout, single.stdout);
  assert.fixture(run(tsc, args, { cwd: dir }).stdout, single.stdout);
  assert.is(threads.code, single.code);
});

test('the Action entry runs from the bundle as from the tsc build', () => {
  const { bundleAction, action } = buildPackage();
  const outputs = (entry: string) => {
    const base = path.join(tmp, `action-${path.basename(entry)}`);
    const ws = path.join(base, 'ws');
    fs.mkdirSync(path.join(ws, 'k8s'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'iam'));
    fs.writeFileSync(path.join(ws, 'k8s', 'sa.yaml'), SA_YAML.replace('name: app\n', 'name: app-v2\n'));
    fs.writeFileSync(path.join(ws, 'iam', 'team-a-app.json'), TRUST_JSON);
    fs.writeFileSync(path.join(base, 'output'), '');
    fs.writeFileSync(path.join(base, 'summary'), '');
    const r = run(entry, [], {
      cwd: ws,
      env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: path.join(base, 'output'), GITHUB_STEP_SUMMARY: path.join(base, 'summary'), 'INPUT_PATH': 'k8s iam', 'INPUT_FAIL-ON': 'error', 'INPUT_OUTPUT-FILE': 'irsa.sarif' },
    });
    return { ...r, output: fs.readFileSync(path.join(base, 'output'), 'utf8').replace(/ghadelimiter_[\w-]+/g, 'DELIMITER'), summary: fs.readFileSync(path.join(base, 'summary'), 'utf8'), sarif: fs.readFileSync(path.join(ws, 'irsa.sarif'), 'utf8') };
  };
  const bundled = outputs(bundleAction);
  assert.is(bundled.code, 1, bundled.stderr);
  assert.match(bundled.stdout, /^::error file=iam\/team-a-app\.json,line=13,col=87,/);
  assert.is(bundled.output, 'sarif-file=irsa.sarif\nerrors=1\nwarnings=0\nnotes=0\n');
  assert.equal(bundled, outputs(action));
});

test('the code cache: written once, then used; damaged, foreign or turned off, the output is the same', () => {
  const { bundle } = clis();
  const cache = path.join(tmp, 'code-cache-states');
  const args = ['lint', '--no-color', 'examples/'];
  const env = { IRSA_LINT_CODE_CACHE: cache };
  const expected = run(bundle, args, { env: { IRSA_LINT_CODE_CACHE: 'off' } });
  assert.not.ok(fs.existsSync(cache), 'off writes nothing');
  assert.is(expected.code, 1);
  const same = (label: string) => {
    const r = run(bundle, args, { env });
    assert.equal([r.code, r.stderr], [expected.code, expected.stderr], label);
    assert.fixture(r.stdout, expected.stdout, label);
  };
  same('cold');
  const programHash = createHash('sha256').update(fs.readFileSync(path.join(path.dirname(bundle), 'irsa-lint.cjs'))).digest('hex').slice(0, 16);
  const names = fs.readdirSync(cache);
  assert.equal(names.filter((n) => !/^[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+-[0-9a-f]{8}\.bin$/.test(n)), [], 'only cache files');
  const name = names.find((n) => n.startsWith(programHash));
  assert.ok(name, `the program's cache file among ${names.join(', ')}`);
  const file = path.join(cache, name!);
  const written = fs.readFileSync(file);
  assert.ok(written.length > 100_000, `${written.length} bytes`);
  const mtime = fs.statSync(file).mtimeMs;
  same('warm');
  assert.is(fs.statSync(file).mtimeMs, mtime, 'a cache V8 accepts is not written again');
  for (const [label, bytes] of [
    ['truncated', written.subarray(0, written.length >> 1)],
    // The launcher's header (55 bytes) intact, V8's data not.
    ['corrupt V8 data', Buffer.concat([written.subarray(0, 55), Buffer.alloc(written.length - 55, 0xa5)])],
    ['not a cache file', Buffer.from('garbage')],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    fs.writeFileSync(file, bytes);
    same(label);
    assert.ok(fs.readFileSync(file).length > 100_000, `${label}: written again`);
  }
  // A cache written by a run that only printed the version is written again by the next run that
  // lints, and then kept.
  fs.rmSync(cache, { recursive: true });
  assert.is(run(bundle, ['--version'], { env }).code, 0);
  const brief = fs.statSync(file);
  same('after --version');
  const full = fs.statSync(file);
  assert.ok(full.mtimeMs > brief.mtimeMs && full.size > brief.size, `written again: ${brief.size} → ${full.size} bytes`);
  same('again');
  assert.is(fs.statSync(file).mtimeMs, full.mtimeMs, 'then kept');
  // Another Node.js option gets a file of its own; a cache directory that cannot be made is no cache.
  const other = run(bundle, args, { env, node: ['--stack-size=2000'] });
  assert.fixture(other.stdout, expected.stdout);
  assert.is(fs.readdirSync(cache).filter((n) => n.startsWith(programHash)).length, 2);
  fs.writeFileSync(path.join(tmp, 'not-a-dir'), '');
  const blocked = run(bundle, args, { env: { IRSA_LINT_CODE_CACHE: path.join(tmp, 'not-a-dir', 'cache') } });
  assert.equal([blocked.code, blocked.stderr, blocked.stdout], [expected.code, expected.stderr, expected.stdout]);
});

test('the program itself is not a command: it says which file to run', () => {
  const r = run(path.join(COMMITTED, 'irsa-lint.cjs'), ['--version']);
  assert.equal([r.code, r.stdout, r.stderr], [2, '', 'irsa-lint: run cli.cjs next to this file\n']);
});

test.run();
