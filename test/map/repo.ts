/**
 * A temporary git repository with two commits, for the access diff: the second commit renames a
 * ServiceAccount (the Deployment follows, the role's trust policy does not), widens a trust
 * policy to every ServiceAccount of the namespace, and adds a Deployment that runs as the
 * widened role's ServiceAccount.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PROVIDER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

function role(name: string, operator: string, sub: string): string {
  return `${JSON.stringify(
    {
      Role: {
        RoleName: name,
        Arn: `arn:aws:iam::111122223333:role/${name}`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${PROVIDER}` },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'sts.amazonaws.com' }, [operator]: { [`${PROVIDER}:sub`]: sub } },
            },
          ],
        },
      },
    },
    null,
    2,
  )}\n`;
}

function sa(name: string, roleName: string): string {
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: payments\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/${roleName}\n`;
}

function deployment(name: string, serviceAccount: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: payments\nspec:\n  template:\n    spec:\n      serviceAccountName: ${serviceAccount}\n      containers:\n        - name: app\n          image: example/${name}:1\n`;
}

export const BASE_FILES: Readonly<Record<string, string>> = {
  'k8s/api.yaml': `${sa('api', 'prod-s3-writer')}---\n${deployment('api', 'api')}`,
  'k8s/reports.yaml': `${sa('reports', 'reports-reader')}---\n${deployment('reports', 'reports')}`,
  'iam/prod-s3-writer.json': role('prod-s3-writer', 'StringEquals', 'system:serviceaccount:payments:api'),
  'iam/reports-reader.json': role('reports-reader', 'StringEquals', 'system:serviceaccount:payments:reports'),
  'iam/oidc-provider.json': `${JSON.stringify({ Url: `https://${PROVIDER}`, ClientIDList: ['sts.amazonaws.com'] }, null, 2)}\n`,
};

export const HEAD_FILES: Readonly<Record<string, string>> = {
  ...BASE_FILES,
  'k8s/api.yaml': `${sa('api-v2', 'prod-s3-writer')}---\n${deployment('api', 'api-v2')}`,
  'k8s/ledger.yaml': deployment('ledger', 'reports'),
  'iam/reports-reader.json': role('reports-reader', 'StringLike', 'system:serviceaccount:payments:*'),
};

function write(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
}

const made: string[] = [];

/** The repository (removed when the process exits), with HEAD at the second commit. */
export function twoCommitRepo(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-map-diff-')));
  if (made.length === 0) process.on('exit', () => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  made.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'dev');
  git(dir, 'config', 'commit.gpgsign', 'false');
  write(dir, BASE_FILES);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'payments: api and reports');
  write(dir, HEAD_FILES);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'payments: rename the api ServiceAccount, open reports-reader to the namespace, add ledger');
  return dir;
}
