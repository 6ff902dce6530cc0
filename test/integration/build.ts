/**
 * The package as it is published, staged once per test process in a temporary directory, so that
 * integration tests run the built JavaScript without writing to the shared dist/.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers.js';

export interface Built {
  /** Package directory (holds package.json and dist/). */
  readonly dir: string;
  /** The tsc-built CLI and Action entry (dist/src/cli.js, dist/src/action/main.js). */
  readonly cli: string;
  readonly action: string;
  /** The `irsa-lint` binary (package.json `bin`: the bundle's CLI) and the bundle's Action entry. */
  readonly bin: string;
  readonly bundleAction: string;
}

let built: Built | undefined;

function walkTs(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkTs(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
}

/** The repository's dist/ when it is at least as new as every source file (.ci/run builds it first). */
function freshRepoDist(): boolean {
  const sources: string[] = [];
  for (const d of ['src', 'rules']) walkTs(path.join(ROOT, d), sources);
  return sources.every((ts) => {
    const js = path.join(ROOT, 'dist', path.relative(ROOT, ts)).replace(/\.ts$/, '.js');
    try {
      return fs.statSync(js).mtimeMs >= fs.statSync(ts).mtimeMs;
    } catch {
      return false;
    }
  });
}

/**
 * A directory laid out like the published package: package.json, README.md, LICENSE, schemas/,
 * dist/src + dist/rules (the repository's dist/ when fresh, else a `tsc` build of the working tree)
 * and the committed bundle (dist/bundle; test/bundle.test.ts checks that it is up to date), with
 * node_modules linked to the repository's so that the built CLI runs.
 */
export function buildPackage(): Built {
  if (built) return built;
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-pkg-')));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  if (freshRepoDist()) {
    for (const d of ['src', 'rules']) fs.cpSync(path.join(ROOT, 'dist', d), path.join(dir, 'dist', d), { recursive: true });
  } else {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.json'), '--outDir', path.join(dir, 'dist')], { encoding: 'utf8' });
    // A type error elsewhere in the tree still emits JavaScript; only missing output is fatal here.
    if (!fs.existsSync(path.join(dir, 'dist', 'src', 'cli.js'))) throw new Error(`tsc did not build the CLI (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  const cli = path.join(dir, 'dist', 'src', 'cli.js');
  const action = path.join(dir, 'dist', 'src', 'action', 'main.js');
  if (!fs.existsSync(action)) throw new Error(`no ${action}: build the package (npm run build)`);
  // dist/examples.json (explain's examples in the installed package), as `npm run build` writes it.
  const ex = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-examples.mjs'), path.join(dir, 'dist')], { encoding: 'utf8' });
  if (ex.status !== 0) throw new Error(`gen-examples failed:\n${ex.stdout}${ex.stderr}`);
  for (const f of ['package.json', 'README.md', 'LICENSE']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  fs.cpSync(path.join(ROOT, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'dist', 'bundle'), path.join(dir, 'dist', 'bundle'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  built = { dir, cli, action, bin: path.join(dir, pkg.bin['irsa-lint']), bundleAction: path.join(dir, 'dist', 'bundle', 'action.cjs') };
  return built;
}

/** A scratch directory removed when the process exits. */
export function scratch(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `irsa-lint-${prefix}-`)));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A ServiceAccount in team-a whose role trusts it (a repository with no findings). */
export const SA_YAML = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: team-a
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/team-a-app
`;

export const TRUST_JSON = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
          "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:team-a:app"
        }
      }
    }
  ]
}
`;
