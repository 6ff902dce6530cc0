// Benchmark of the `irsa-lint` binary (package.json `bin`: the bundle, dist/bundle/cli.cjs) on
// generated GitOps repositories, against a bare `yaml` parse of the same files in the same run.
// Prints each figure with its target and writes .bench/results.json (the previous results are
// kept as .bench/results.previous.json and compared). The bundle's V8 code cache is kept in
// .bench/code-cache, written by the first run; one figure is taken without it.
//
// Usage: npm run build && npm run bench [-- --quick] [-- --cli PATH]
//   --quick      fewer runs and no 10,000-app repository (for a quick look, not for the README)
//   --cli PATH   measure another build of the CLI (dist/src/cli.js, the tsc build; an older checkout's)
//
// The repositories are generated deterministically (LCG, seed 42) with a realistic byte mix: most
// bytes are ConfigMaps, CustomResourceDefinitions and Services, which no rule reads; every app has a
// ServiceAccount and a Deployment, half of them an IAM role.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const cliArg = args.indexOf('--cli');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const cli = path.resolve(root, cliArg >= 0 ? args[cliArg + 1] : pkg.bin['irsa-lint']);
if (!fs.existsSync(cli)) {
  console.error(`no CLI at ${path.relative(root, cli)}: build first (npm run build)`);
  process.exit(2);
}
const benchDir = path.join(root, '.bench');
fs.mkdirSync(benchDir, { recursive: true });
const codeCache = path.join(benchDir, 'code-cache');

// ---- repository generator ----------------------------------------------------------------------

function lcg(seed) {
  let s = seed;
  return (n) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
}

const HOST = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

function appFiles(i, rnd) {
  const team = `team-${i % 40}`;
  const name = `app-${i}`;
  const files = {};
  const containers = Array.from({ length: 1 + rnd(2) }, (_, c) =>
    [
      `        - name: c${c}`,
      `          image: registry.example.com/${team}/${name}:1.${rnd(50)}.${rnd(10)}`,
      '          ports:',
      `            - containerPort: ${8080 + c}`,
      '          env:',
      '            - name: AWS_REGION',
      '              value: us-east-1',
      '            - name: LOG_LEVEL',
      `              value: ${['debug', 'info', 'warn'][rnd(3)]}`,
      '          envFrom:',
      '            - configMapRef:',
      `                name: ${name}-config`,
      '          resources:',
      `            requests: {cpu: ${50 + rnd(200)}m, memory: ${64 + rnd(512)}Mi}`,
      '            limits: {cpu: 1, memory: 1Gi}',
      '          readinessProbe:',
      `            httpGet: {path: /healthz, port: ${8080 + c}}`,
      '          volumeMounts:',
      '            - name: config',
      '              mountPath: /etc/app',
    ].join('\n'),
  );
  files['workload.yaml'] = [
    `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${team}\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/${name}\n`,
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${team}`,
      `  labels: {app: ${name}, team: ${team}}`,
      'spec:',
      `  replicas: ${1 + rnd(4)}`,
      `  selector: {matchLabels: {app: ${name}}}`,
      '  template:',
      `    metadata: {labels: {app: ${name}}}`,
      '    spec:',
      `      serviceAccountName: ${name}`,
      '      containers:',
      ...containers,
      '      volumes:',
      '        - name: config',
      `          configMap: {name: ${name}-config}`,
      '',
    ].join('\n'),
  ].join('---\n');
  files['workload.yaml'] += '---\n' + [
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${team}\n  labels: {app: ${name}}\nspec:\n  type: ClusterIP\n  selector: {app: ${name}}\n  ports:\n${Array.from({ length: 2 + rnd(3) }, (_, p) => `    - name: port-${p}\n      port: ${80 + p}\n      targetPort: ${8080 + p}\n      protocol: TCP\n`).join('')}`,
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\n  namespace: ${team}\n  annotations:\n    alb.ingress.kubernetes.io/scheme: internal\n    alb.ingress.kubernetes.io/target-type: ip\nspec:\n  ingressClassName: alb\n  rules:\n    - host: ${name}.${team}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: ${name}\n                port: {number: 80}\n`,
  ].join('---\n');
  const settings = Array.from({ length: 15 + rnd(25) }, (_, k) => `      setting_${k}: "${'v'.repeat(8 + rnd(40))}"`).join('\n');
  files['config.yaml'] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-config\n  namespace: ${team}\ndata:\n  LOG_FORMAT: json\n  FEATURE_FLAGS: "a,b,c"\n  application.yaml: |\n    server:\n      port: 8080\n    app:\n${settings}\n`;
  if (i % 2 === 0) {
    files['role.json'] = JSON.stringify(
      {
        Role: {
          RoleName: name,
          Arn: `arn:aws:iam::123456789012:role/${name}`,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${HOST}` },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: { StringEquals: { [`${HOST}:sub`]: `system:serviceaccount:${team}:${name}`, [`${HOST}:aud`]: 'sts.amazonaws.com' } },
              },
            ],
          },
        },
      },
      null,
      2,
    );
  }
  if (i % 4 === 1) files[`crd-${i}.yaml`] = crd(i, rnd);
  return { dir: path.join('apps', team, name), files };
}

/** A CustomResourceDefinition with a sizeable openAPIV3Schema, as operators vendor them. */
function crd(i, rnd) {
  const props = (depth, n) =>
    Array.from({ length: n }, (_, k) => {
      const pad = ' '.repeat(14 + depth * 4);
      const leaf = `${pad}field${k}:\n${pad}  type: ${['string', 'integer', 'boolean'][rnd(3)]}\n${pad}  description: ${'Lorem ipsum dolor sit amet '.repeat(1 + rnd(3)).trim()}\n`;
      return depth < 2 && k % 3 === 0 ? `${pad}group${k}:\n${pad}  type: object\n${pad}  properties:\n${props(depth + 1, 4)}` : leaf;
    }).join('');
  return `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets${i}.example.com\nspec:\n  group: example.com\n  names: {kind: Widget${i}, plural: widgets${i}, singular: widget${i}}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n${props(0, 6)}`;
}

/** Writes a repository of `apps` apps (once; `.done` marks a finished one). Returns its directory. */
function repository(apps) {
  const dir = path.join(benchDir, `repo-${apps}`);
  if (fs.existsSync(path.join(dir, '.done'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const rnd = lcg(42);
  for (let i = 0; i < apps; i++) {
    const app = appFiles(i, rnd);
    const d = path.join(dir, app.dir);
    fs.mkdirSync(d, { recursive: true });
    for (const [f, text] of Object.entries(app.files)) fs.writeFileSync(path.join(d, f), text);
  }
  fs.writeFileSync(path.join(dir, '.done'), '');
  return dir;
}

function sizeOf(dir) {
  let files = 0;
  let bytes = 0;
  for (const f of fs.readdirSync(dir, { recursive: true })) {
    const p = path.join(dir, String(f));
    const st = fs.statSync(p);
    if (st.isFile() && /\.(ya?ml|json)$/.test(p)) {
      files++;
      bytes += st.size;
    }
  }
  return { files, bytes };
}

// ---- measurement ---------------------------------------------------------------------------------

/** Wall time (median of `runs`) and peak RSS (max) of a whole process. */
function measure(argv, runs, opts = {}) {
  const times = [];
  let rss = 0;
  let status = 0;
  for (let r = 0; r < runs; r++) {
    opts.before?.();
    const t0 = process.hrtime.bigint();
    const p = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 28, cwd: opts.cwd ?? root, env: { ...process.env, NO_COLOR: '1', IRSA_LINT_CODE_CACHE: codeCache, ...opts.env } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    rss = Math.max(rss, Number(p.stderr.trim().split('\n').pop()) / 1024);
    status = p.status;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], rssMB: rss, status };
}

const BARE = path.join(benchDir, 'bare-parse.mjs');
fs.writeFileSync(
  BARE,
  `// Reads and parses every YAML/JSON file of a directory with yaml's parseAllDocuments and a LineCounter.
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from ${JSON.stringify(path.join(root, 'node_modules', 'yaml', 'dist', 'index.js'))};
let docs = 0;
for (const f of fs.readdirSync(process.argv[2], { recursive: true }).sort()) {
  const p = path.join(process.argv[2], String(f));
  if (!/\\.(ya?ml|json)$/.test(p)) continue;
  const lc = new LineCounter();
  for (const d of parseAllDocuments(fs.readFileSync(p, 'utf8'), { lineCounter: lc })) if (d.errors.length === 0) docs++;
}
console.log(docs);
`,
);

const node = process.execPath;
const lintArgs = (target, extra = []) => [node, cli, 'lint', '--no-color', '--no-config', '--format', 'json', ...extra, target];
const ratio = (a, b) => Math.round((a / b) * 100) / 100;
const results = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', memoryGB: Math.round(os.totalmem() / 2 ** 30), node: process.version }, cli: path.relative(root, cli), figures: {} };
const F = results.figures;
const line = (label, value, target) => console.log(`${label.padEnd(58)} ${String(value).padStart(9)}   ${target ?? ''}`);

// Start-up: `node -e 0`, the CLI with its code cache (written by a first run) and without, one run
// of each in turn, so that the load of a shared machine weighs on all three alike.
const example = path.join(root, 'examples', 'eks-webhook');
measure(lintArgs(example), 1);
const starts = { bare: [], cold: [], first: [] };
for (let r = 0; r < (quick ? 9 : 21); r++) {
  starts.bare.push(measure([node, '-e', '0'], 1).ms);
  starts.cold.push(measure(lintArgs(example), 1).ms);
  starts.first.push(measure(lintArgs(example), 1, { env: { IRSA_LINT_CODE_CACHE: 'off' } }).ms);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const nodeBare = { ms: median(starts.bare) };
F.nodeStartMs = nodeBare.ms;
line('node -e 0 (ms)', nodeBare.ms.toFixed(1));
F.coldStartMs = median(starts.cold);
F.coldStartRatio = ratio(F.coldStartMs, nodeBare.ms);
line('cold start, examples/eks-webhook (ms)', F.coldStartMs.toFixed(1));
line('cold start ÷ node -e 0', F.coldStartRatio, 'target ≤ 1.5');
F.firstStartMs = median(starts.first);
line('first start, without the code cache (ms)', F.firstStartMs.toFixed(1));

for (const apps of quick ? [1000] : [1000, 10000]) {
  const dir = repository(apps);
  const { files, bytes } = sizeOf(dir);
  const runs = apps >= 10000 ? 2 : quick ? 2 : 3;
  const bare = measure([node, BARE, dir], runs);
  const full = measure(lintArgs(dir, ['-o', path.join(benchDir, `out-${apps}.json`)]), runs);
  F[`apps${apps}`] = { files, MB: Math.round(bytes / 1e5) / 10, lintMs: full.ms, bareParseMs: bare.ms, ratio: ratio(full.ms, bare.ms), peakRssMB: Math.round(full.rssMB), bareRssMB: Math.round(bare.rssMB) };
  line(`${apps} apps: ${files} files, ${(bytes / 1e6).toFixed(1)} MB — lint (ms)`, full.ms.toFixed(0));
  line(`${apps} apps: bare yaml parse of the same files (ms)`, bare.ms.toFixed(0));
  line(`${apps} apps: lint ÷ bare parse`, F[`apps${apps}`].ratio, 'target ≤ 0.5');
  line(`${apps} apps: peak RSS of lint (MB)`, Math.round(full.rssMB), apps >= 10000 ? 'target ≤ 250' : '');
}
if (F.apps10000) {
  F.scaling = ratio(F.apps10000.lintMs, F.apps1000.lintMs);
  line('scaling: time at 10,000 apps ÷ time at 1,000 apps', F.scaling, 'target ≤ 10.5');
}

// Pre-commit: `lint --context . FILE` on a 5,000-file repository, one file changed before each run.
{
  const dir = repository(1820);
  const { files } = sizeOf(dir);
  const changed = path.join('apps', 'team-7', 'app-7', 'config.yaml');
  const abs = path.join(dir, changed);
  const original = fs.readFileSync(abs, 'utf8');
  let n = 0;
  const edit = () => fs.writeFileSync(abs, `${original}# edit ${n++}\n`);
  const cacheDir = path.join(benchDir, 'cache-precommit');
  const argv = [node, cli, 'lint', '--no-color', '--no-config', '--cache-location', cacheDir, '--context', '.', changed];
  const supportsCache = spawnSync(node, [cli, '--help'], { encoding: 'utf8' }).stdout.includes('--cache-location');
  const args = supportsCache ? argv : argv.filter((a, i) => a !== '--cache-location' && argv[i - 1] !== '--cache-location');
  const coldCache = measure(args, quick ? 2 : 3, { cwd: dir, before: () => (fs.rmSync(cacheDir, { recursive: true, force: true }), edit()) });
  measure(args, 1, { cwd: dir, before: edit }); // fill the cache
  const warm = measure(args, quick ? 5 : 9, { cwd: dir, before: edit });
  // The same with a value changed (what reads the ConfigMap is checked again), not only a comment.
  const valueEdit = () => fs.writeFileSync(abs, original.replace(/^(\s+LOG_FORMAT: )\S+/m, `$1json-${n++}`));
  const warmValue = measure(args, quick ? 5 : 9, { cwd: dir, before: valueEdit });
  fs.writeFileSync(abs, original);
  F.preCommit = { files, coldCacheMs: coldCache.ms, warmCacheMs: warm.ms, warmRatio: ratio(warm.ms, nodeBare.ms), warmValueEditMs: warmValue.ms, warmValueEditRatio: ratio(warmValue.ms, nodeBare.ms), cache: supportsCache };
  line(`pre-commit, ${files} files, one changed, cold cache (ms)`, coldCache.ms.toFixed(0));
  line(`pre-commit, ${files} files, one changed, warm cache (ms)`, warm.ms.toFixed(0), 'target ≤ 1000');
  line('pre-commit warm ÷ node -e 0', F.preCommit.warmRatio, 'target ≤ 4');
  line(`pre-commit, a ConfigMap value changed, warm cache (ms)`, warmValue.ms.toFixed(0));
  line('pre-commit, a value changed, warm ÷ node -e 0', F.preCommit.warmValueEditRatio);
}

// Lazily loaded parsers: their cost is paid only by repositories that have such files.
for (const [key, label, target] of [
  ['cdkStartMs', 'cold start with a CDK TypeScript file (loads typescript-estree)', path.join(root, 'fixtures', 'irsa', 'role-trusts-service-account', 'valid-cdk')],
  ['hclStartMs', 'cold start with a Terraform .tf file (loads tree-sitter)', path.join(root, 'fixtures', 'irsa', 'role-trusts-service-account', 'valid-terraform-hcl')],
]) {
  if (!fs.existsSync(target)) continue;
  F[key] = measure(lintArgs(target), quick ? 3 : 7).ms;
  line(`${label} (ms)`, F[key].toFixed(0));
}

const out = path.join(benchDir, 'results.json');
if (fs.existsSync(out)) {
  const prev = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.writeFileSync(path.join(benchDir, 'results.previous.json'), JSON.stringify(prev, null, 2));
  const cmp = [
    ['cold start ratio', prev.figures?.coldStartRatio, F.coldStartRatio],
    ['1,000 apps ratio', prev.figures?.apps1000?.ratio, F.apps1000?.ratio],
    ['10,000 apps ratio', prev.figures?.apps10000?.ratio, F.apps10000?.ratio],
    ['10,000 apps peak RSS (MB)', prev.figures?.apps10000?.peakRssMB, F.apps10000?.peakRssMB],
    ['pre-commit warm (ms)', prev.figures?.preCommit?.warmCacheMs, F.preCommit?.warmCacheMs],
  ].filter(([, a, b]) => a !== undefined && b !== undefined);
  if (cmp.length) {
    console.log(`\ncompared with the previous run (${prev.date}, ${prev.cli}):`);
    for (const [label, a, b] of cmp) console.log(`  ${label.padEnd(30)} ${String(Math.round(a * 100) / 100).padStart(8)} → ${Math.round(b * 100) / 100}`);
  }
}
fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${path.relative(root, out)} (${results.machine.cpus} × ${results.machine.model}, Node ${results.machine.node})`);
