/**
 * Temporary git repositories with two commits, for the access diff. In the first, the second
 * commit renames a ServiceAccount (the Deployment follows, the role's trust policy does not),
 * widens a trust policy to every ServiceAccount of the namespace, and adds a Deployment that runs
 * as the widened role's ServiceAccount; the second is a migration to EKS Pod Identity.
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

/** EKS Pod Identity: roles that trust pods.eks.amazonaws.com for one namespace and ServiceAccount. */
function podRole(name: string, namespace: string, serviceAccount: string): string {
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
              Principal: { Service: 'pods.eks.amazonaws.com' },
              Action: ['sts:AssumeRole', 'sts:TagSession'],
              Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': namespace, 'aws:RequestTag/kubernetes-service-account': serviceAccount } },
            },
          ],
        },
      },
    },
    null,
    2,
  )}\n`;
}

function podSa(name: string, namespace: string, annotation = ''): string {
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n${annotation ? `  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/${annotation}\n` : ''}`;
}

function podDeployment(name: string, namespace: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  template:\n    spec:\n      serviceAccountName: ${name}\n      containers:\n        - name: app\n          image: example/${name}:1\n`;
}

function ackAssociation(name: string, namespace: string, role: string, extra = ''): string {
  return `apiVersion: eks.services.k8s.aws/v1alpha1\nkind: PodIdentityAssociation\nmetadata:\n  name: ${name}\n  namespace: ack-system\nspec:\n  clusterName: prod\n  namespace: ${namespace}\n  serviceAccount: ${name}\n  roleARN: arn:aws:iam::111122223333:role/${role}\n${extra}`;
}

const INVOICES_TF = `resource "aws_iam_role" "invoices" {
  name = "billing-invoices"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })
}

resource "aws_eks_pod_identity_association" "invoices" {
  cluster_name    = "prod"
  namespace       = "billing"
  service_account = "invoices"
  role_arn        = aws_iam_role.invoices.arn
}
`;

/**
 * A migration to EKS Pod Identity in two commits: the second adds a Terraform association for a
 * ServiceAccount that still has its IRSA annotation, removes the association of search/indexer,
 * gives shop/cart's association another role, and disables the session tags of orders/api's
 * association although its role's trust policy needs them.
 */
export const POD_IDENTITY_BASE: Readonly<Record<string, string>> = {
  'k8s/billing.yaml': `${podSa('invoices', 'billing', 'billing-invoices-irsa')}---\n${podDeployment('invoices', 'billing')}`,
  'k8s/cart.yaml': `${podSa('cart', 'shop')}---\n${podDeployment('cart', 'shop')}---\n${ackAssociation('cart', 'shop', 'shop-cart')}`,
  'k8s/indexer.yaml': `${podSa('indexer', 'search')}---\n${podDeployment('indexer', 'search')}---\n${ackAssociation('indexer', 'search', 'search-indexer')}`,
  'k8s/api.yaml': `${podSa('api', 'orders')}---\n${podDeployment('api', 'orders')}---\n${ackAssociation('api', 'orders', 'orders-api')}`,
  'iam/billing-invoices-irsa.json': role('billing-invoices-irsa', 'StringEquals', 'system:serviceaccount:billing:invoices'),
  'iam/shop-cart.json': podRole('shop-cart', 'shop', 'cart'),
  'iam/shop-cart-v2.json': podRole('shop-cart-v2', 'shop', 'cart'),
  'iam/search-indexer.json': podRole('search-indexer', 'search', 'indexer'),
  'iam/orders-api.json': podRole('orders-api', 'orders', 'api'),
  'iam/oidc-provider.json': `${JSON.stringify({ Url: `https://${PROVIDER}`, ClientIDList: ['sts.amazonaws.com'] }, null, 2)}\n`,
};

export const POD_IDENTITY_HEAD: Readonly<Record<string, string>> = {
  ...POD_IDENTITY_BASE,
  'terraform/billing.tf': INVOICES_TF,
  'k8s/cart.yaml': `${podSa('cart', 'shop')}---\n${podDeployment('cart', 'shop')}---\n${ackAssociation('cart', 'shop', 'shop-cart-v2')}`,
  'k8s/indexer.yaml': `${podSa('indexer', 'search')}---\n${podDeployment('indexer', 'search')}`,
  'k8s/api.yaml': `${podSa('api', 'orders')}---\n${podDeployment('api', 'orders')}---\n${ackAssociation('api', 'orders', 'orders-api', '  disableSessionTags: true\n')}`,
};

/** The repository (removed when the process exits), with HEAD at the second commit. */
export function twoCommitRepo(base: Readonly<Record<string, string>> = BASE_FILES, head: Readonly<Record<string, string>> = HEAD_FILES): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-map-diff-')));
  if (made.length === 0) process.on('exit', () => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  made.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'dev');
  git(dir, 'config', 'commit.gpgsign', 'false');
  write(dir, base);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  write(dir, head);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'second');
  return dir;
}
