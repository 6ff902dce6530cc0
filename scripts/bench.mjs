// Benchmark: cold start and throughput of the built CLI on a generated repository.
// Usage: npm run build && npm run bench [-- --files N]
// Prints wall time (median of runs) and peak RSS for each scenario. Deterministic input (LCG seed 42).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'dist', 'src', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('build first: npm run build');
  process.exit(2);
}
const argFiles = process.argv.indexOf('--files');
const FILES = argFiles > 0 ? Number(process.argv[argFiles + 1]) : 2000;
const dir = path.join(root, '.bench', `repo-${FILES}`);

let seed = 42;
const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);

function generate() {
  if (fs.existsSync(path.join(dir, '.done'))) return;
  fs.rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < FILES; i++) {
    const ns = `team-${i % 50}`;
    const sub = path.join(dir, ns);
    fs.mkdirSync(sub, { recursive: true });
    const name = `app-${i}`;
    const docs = [
      `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/${name}\n`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      serviceAccountName: ${name}\n      containers:\n${Array.from({ length: 1 + rnd(3) }, (_, c) => `        - name: c${c}\n          image: registry.example.com/${name}:${rnd(100)}\n          env:\n            - name: AWS_REGION\n              value: us-east-1\n          resources:\n            limits: {cpu: 100m, memory: 128Mi}\n`).join('')}`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n  selector:\n    app: ${name}\n`,
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  rules:\n    - host: ${name}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: ${name}\n                port:\n                  number: 80\n`,
    ];
    fs.writeFileSync(path.join(sub, `${name}.yaml`), docs.join('---\n'));
    const host = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
    const trust = {
      Role: {
        RoleName: name,
        Arn: `arn:aws:iam::123456789012:role/${name}`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${host}` }, Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${host}:sub`]: `system:serviceaccount:${ns}:${name}`, [`${host}:aud`]: 'sts.amazonaws.com' } } }],
        },
      },
    };
    fs.writeFileSync(path.join(sub, `${name}.role.json`), JSON.stringify(trust, null, 2));
    if (i % 10 === 0) fs.writeFileSync(path.join(sub, `package-${i}.json`), JSON.stringify({ name, version: '1.0.0', dependencies: { left: '1' } }));
  }
  fs.writeFileSync(path.join(dir, '.done'), '');
}

function run(args, runs) {
  const times = [];
  let rss = 0;
  let out = '';
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const p = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    rss = Math.max(rss, Number(p.stderr.trim().split('\n').pop()) / 1024);
    out = p.stdout;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], rss, out };
}

generate();
const bytes = fs.readdirSync(dir, { recursive: true }).reduce((n, f) => {
  const p = path.join(dir, String(f));
  return fs.statSync(p).isFile() ? n + fs.statSync(p).size : n;
}, 0);
const cold = run(['lint', '--no-color', path.join(root, 'examples', 'eks-webhook')], 7);
// Start-up with a configuration file (YAML parse + precompiled schema validation) against --no-config.
const cfgDir = path.join(root, '.bench', 'with-config');
fs.rmSync(cfgDir, { recursive: true, force: true });
fs.cpSync(path.join(root, 'examples', 'eks-webhook'), cfgDir, { recursive: true });
fs.writeFileSync(
  path.join(cfgDir, '.irsa-lint.yaml'),
  'extends: recommended\nfailOn: error\nrules:\n  k8s/aws-dir-writable: warning\nexclude:\n  - "vendor/**"\nfacts:\n  defaultNamespace: default\n',
);
const withConfig = run(['lint', '--no-color', cfgDir], 7);
const noConfig = run(['lint', '--no-color', '--no-config', cfgDir], 7);
// A CDK file is present: the TypeScript parser is loaded (and only then).
const cdk = run(['lint', '--no-color', path.join(root, 'fixtures', 'irsa', 'role-trusts-service-account', 'valid-cdk')], 5);
const big = run(['lint', '--no-color', '--format', 'json', '-o', path.join(root, '.bench', 'out.json'), dir], 3);
const summary = JSON.parse(fs.readFileSync(path.join(root, '.bench', 'out.json'), 'utf8')).summary;
console.log(`cold start (examples/eks-webhook): ${cold.median.toFixed(0)} ms median of 7, peak RSS ${cold.rss.toFixed(0)} MB`);
console.log(`repository of ${summary.files} files, ${(bytes / 1e6).toFixed(1)} MB: ${big.median.toFixed(0)} ms median of 3, peak RSS ${big.rss.toFixed(0)} MB, ${(bytes / 1e6 / (big.median / 1000)).toFixed(1)} MB/s, findings: ${summary.errors} errors ${summary.warnings} warnings ${summary.notes} notes`);
console.log(`start-up with .irsa-lint.yaml: ${withConfig.median.toFixed(0)} ms median of 7 (peak RSS ${withConfig.rss.toFixed(0)} MB); with --no-config: ${noConfig.median.toFixed(0)} ms (peak RSS ${noConfig.rss.toFixed(0)} MB)`);
console.log(`cold start with a CDK TypeScript file (loads typescript-estree): ${cdk.median.toFixed(0)} ms median of 5, peak RSS ${cdk.rss.toFixed(0)} MB`);
