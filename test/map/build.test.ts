/**
 * The access map's rules of construction, on small repositories given as text: which findings
 * belong to which link, chain order, identities, filters, and EKS Pod Identity rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintSources } from '../../src/api.js';
import { buildAccessMap, contains } from '../../src/map/build.js';
import { narrowMap, parseFilter } from '../../src/map/command.js';
import { toMapJson } from '../../src/map/format/json.js';
import type { AccessMap } from '../../src/map/types.js';
import { ROOT } from '../helpers.js';

const PROVIDER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE';

function role(name: string, subs: string[], op = 'StringEquals'): string {
  return JSON.stringify({
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
            Condition: { [op]: { [`${PROVIDER}:sub`]: subs.length === 1 ? subs[0] : subs } },
          },
        ],
      },
    },
  }, null, 2);
}

const OIDC = JSON.stringify({ Url: `https://${PROVIDER}`, ClientIDList: ['sts.amazonaws.com'] });

function sa(name: string, ns: string, roleName?: string): string {
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${roleName ? `  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/${roleName}\n` : ''}`;
}

function deployment(name: string, ns: string, saName: string, container = 'app', extra = ''): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      serviceAccountName: ${saName}\n      containers:\n        - name: ${container}\n          image: example/app:1\n${extra}`;
}

async function mapOf(files: Record<string, string>, options: { orphans?: boolean } = {}): Promise<AccessMap> {
  const sources = Object.entries(files).map(([p, text]) => ({ path: p, abs: `/repo/${p}`, text }));
  const a = await lintSources(sources, { cwd: '/repo' });
  return buildAccessMap({ index: a.index, findings: a.all, facts: a.facts, files: a.files.length }, options);
}

test('contains: spans inside spans, end exclusive, same file only', () => {
  const s = (file: string, line: number, column: number, endLine: number, endColumn: number) => ({ file, line, column, endLine, endColumn });
  assert.ok(contains(s('a', 1, 1, 3, 5), s('a', 2, 9, 3, 5)));
  assert.ok(contains(s('a', 1, 4, 1, 9), s('a', 1, 4, 1, 9)));
  assert.not.ok(contains(s('a', 1, 4, 1, 9), s('a', 1, 3, 1, 9)));
  assert.not.ok(contains(s('a', 1, 4, 1, 9), s('a', 1, 4, 1, 10)));
  assert.not.ok(contains(s('a', 1, 1, 9, 9), s('b', 2, 1, 2, 3)));
});

test('webhook row: trusted links with their locations; the provider from the repository', async () => {
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team')}---\n${deployment('app', 'team', 'app')}`.replace('  namespace: team\n', '  namespace: team\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n'), 'iam/app.json': role('app', ['system:serviceaccount:team:app']), 'iam/oidc.json': OIDC });
  assert.is(m.rows.length, 1);
  const r = m.rows[0];
  assert.is(r.id, 'team/Deployment/app/app|webhook|arn:aws:iam::111122223333:role/app');
  assert.equal(
    r.links.map((l) => [l.kind, l.verdict]),
    [
      ['service-account', 'trusted'],
      ['role', 'trusted'],
      ['token', 'trusted'],
      ['provider', 'trusted'],
    ],
  );
  assert.equal(r.links[1].locations.map((l) => `${l.span.file}:${l.span.line}:${l.span.column} ${l.label}`), ['iam/app.json:4:12 role', 'iam/app.json:8:9 trust statement 0', 'k8s/app.yaml:7:33 role-arn annotation']);
  assert.equal(r.chain, { botocore: 'used', jsv3: 'used' });
});

test('a finding on another subject of the same condition does not break the row', async () => {
  // The trust policy lists "app" and a ServiceAccount that does not exist: irsa/trust-subject-exists
  // reports the second value, which is not this row's.
  const files = {
    'k8s/app.yaml': `${sa('app', 'team', 'app')}---\n${deployment('app', 'team', 'app')}`,
    'iam/app.json': role('app', ['system:serviceaccount:team:app', 'system:serviceaccount:team:typo']),
    'iam/oidc.json': OIDC,
  };
  const sources = Object.entries(files).map(([p, text]) => ({ path: p, abs: `/repo/${p}`, text }));
  const a = await lintSources(sources, { cwd: '/repo' });
  assert.ok(a.shown.some((f) => f.ruleId === 'irsa/trust-subject-exists'), 'the finding is there');
  const m = buildAccessMap({ index: a.index, findings: a.all, facts: a.facts, files: a.files.length });
  const roleLink = m.rows[0].links.find((l) => l.kind === 'role')!;
  assert.is(roleLink.verdict, 'trusted');
  assert.equal(roleLink.rules, []);
});

test('a role that does not admit the ServiceAccount: not trusted, with the rule; the provider is then unknown', async () => {
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team', 'app')}---\n${deployment('app', 'team', 'app')}`, 'iam/app.json': role('app', ['system:serviceaccount:elsewhere:other']), 'iam/oidc.json': OIDC });
  const [r] = m.rows;
  assert.is(r.verdict, 'not-trusted');
  const l = r.links.find((x) => x.kind === 'role')!;
  assert.equal(l.rules, ['irsa/role-trusts-service-account']);
  assert.is(r.links.find((x) => x.kind === 'provider')!.reason, 'no trust statement admits the ServiceAccount');
});

test('a hand-set AWS_ROLE_ARN whose role does not admit the ServiceAccount is not trusted, with the rule', async () => {
  const env = '          env:\n            - name: AWS_ROLE_ARN\n              value: arn:aws:iam::111122223333:role/app\n            - name: AWS_WEB_IDENTITY_TOKEN_FILE\n              value: /var/run/secrets/tokens/token\n';
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team')}---\n${deployment('app', 'team', 'app', 'app', env)}`, 'iam/app.json': role('app', ['system:serviceaccount:elsewhere:other']) });
  const l = m.rows[0].links.find((x) => x.kind === 'role')!;
  assert.is(m.rows[0].path, 'projected-token-manual');
  assert.is(l.verdict, 'not-trusted');
  assert.equal(l.rules, ['irsa/role-trusts-service-account']);
});

test('a role that does not admit the ServiceAccount and no rule that says so: not trusted, with the reason', async () => {
  // A ccoctl Secret mounted where the SDK does not read it (copied when the container starts):
  // no rule judges its role against the pod, the model still says the role does not admit it.
  const cr = `apiVersion: cloudcredential.openshift.io/v1\nkind: CredentialsRequest\nmetadata:\n  name: app\n  namespace: openshift-cloud-credential-operator\nspec:\n  providerSpec:\n    apiVersion: cloudcredential.openshift.io/v1\n    kind: AWSProviderSpec\n    statementEntries: []\n  secretRef:\n    name: app-aws\n    namespace: team\n  serviceAccountNames:\n    - app\n`;
  const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-aws\n  namespace: team\nstringData:\n  credentials: |\n    [default]\n    role_arn = arn:aws:iam::111122223333:role/x-team-app-aws\n    web_identity_token_file = /var/run/secrets/openshift/serviceaccount/token\n`;
  const mount = '          volumeMounts:\n            - name: creds\n              mountPath: /var/run/secrets/cloud\n      volumes:\n        - name: creds\n          secret:\n            secretName: app-aws\n';
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team')}---\n${deployment('app', 'team', 'app', 'app', mount)}---\n${cr}---\n${secret}`, 'iam/role.json': role('x-team-app-aws', ['system:serviceaccount:elsewhere:app']) });
  const l = m.rows[0].links.find((x) => x.kind === 'role')!;
  assert.is(m.rows[0].path, 'ccoctl-secret');
  assert.equal([l.verdict, l.rules, l.reason], ['not-trusted', [], 'the trust policy does not admit "system:serviceaccount:team:app"']);
});

test('the pod spec serviceAccountName belongs to a row only when a finding there is about that row', async () => {
  // The pod mounts a ccoctl Secret whose CredentialsRequest does not list its ServiceAccount
  // (openshift/workload-matches-credentials-request, reported at serviceAccountName) and also
  // gets a role from the webhook: only the ccoctl row is broken by it.
  const cr = `apiVersion: cloudcredential.openshift.io/v1\nkind: CredentialsRequest\nmetadata:\n  name: app\n  namespace: openshift-cloud-credential-operator\nspec:\n  providerSpec:\n    apiVersion: cloudcredential.openshift.io/v1\n    kind: AWSProviderSpec\n    statementEntries: []\n  secretRef:\n    name: app-aws\n    namespace: team\n  serviceAccountNames:\n    - someone-else\n`;
  const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-aws\n  namespace: team\nstringData:\n  credentials: |\n    [default]\n    role_arn = arn:aws:iam::111122223333:role/x-team-app-aws\n    web_identity_token_file = /var/run/secrets/openshift/serviceaccount/token\n`;
  const mount = '          volumeMounts:\n            - name: creds\n              mountPath: /var/run/secrets/cloud\n      volumes:\n        - name: creds\n          secret:\n            secretName: app-aws\n';
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team', 'app')}---\n${deployment('app', 'team', 'app', 'app', mount)}---\n${cr}---\n${secret}`, 'iam/app.json': role('app', ['system:serviceaccount:team:app']) });
  const byPath = Object.fromEntries(m.rows.map((r) => [r.path, r]));
  assert.equal(Object.keys(byPath).sort(), ['ccoctl-secret', 'webhook']);
  assert.equal(byPath['ccoctl-secret'].links.find((l) => l.kind === 'service-account')!.rules, ['openshift/workload-matches-credentials-request']);
  assert.equal(byPath.webhook.links.find((l) => l.kind === 'service-account')!.rules, []);
  assert.is(byPath['ccoctl-secret'].chain.botocore, 'unknown', 'the SDK does not read the Secret where it is mounted');
});

test('chain: aws-sdk-js-v3 skips environment keys when AWS_PROFILE is set; botocore uses them', async () => {
  const env = '          env:\n            - name: AWS_PROFILE\n              value: other\n            - name: AWS_ACCESS_KEY_ID\n              valueFrom:\n                secretKeyRef:\n                  name: keys\n                  key: id\n';
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team', 'app')}---\n${deployment('app', 'team', 'app', 'app', env)}`, 'iam/app.json': role('app', ['system:serviceaccount:team:app']) });
  const keys = m.rows.find((r) => r.path === 'static-keys')!;
  const hook = m.rows.find((r) => r.path === 'webhook')!;
  assert.equal(keys.chain, { botocore: 'used', jsv3: 'shadowed', shadowedBy: { jsv3: 'AWS_PROFILE is set' } });
  assert.equal(hook.chain, { botocore: 'shadowed', jsv3: 'used', shadowedBy: { botocore: 'static keys (AWS_ACCESS_KEY_ID)' } });
});

test('chain: a key that may be set by an envFrom outside the repository makes later sources unknown', async () => {
  const env = '          envFrom:\n            - secretRef:\n                name: somewhere-else\n';
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team', 'app')}---\n${deployment('app', 'team', 'app', 'app', env)}` });
  assert.is(m.rows.length, 1, 'no row for a key that may not exist');
  assert.equal(m.rows[0].chain, { botocore: 'unknown', jsv3: 'unknown', reason: 'AWS_ACCESS_KEY_ID (not static) comes first' });
});

test('a workload defined in two files keeps two rows, told apart by file', async () => {
  const files = { 'a/app.yaml': `${sa('app', 'team', 'app')}---\n${deployment('app', 'team', 'app')}`, 'b/app.yaml': deployment('app', 'team', 'app') };
  const m = await mapOf(files);
  assert.equal(m.rows.map((r) => r.id), ['team/Deployment/app/app|webhook|arn:aws:iam::111122223333:role/app@a/app.yaml', 'team/Deployment/app/app|webhook|arn:aws:iam::111122223333:role/app@b/app.yaml']);
});

// ---------------------------------------------------------------------------------------------
// EKS Pod Identity

function podRole(name: string, ns: string, saName: string, statement: Record<string, unknown> = {}): string {
  return JSON.stringify(
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
              Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': ns, 'aws:RequestTag/kubernetes-service-account': saName } },
              ...statement,
            },
          ],
        },
      },
    },
    null,
    2,
  );
}

function association(name: string, ns: string, saName: string, roleName: string, extra = '', cluster = 'prod'): string {
  return `apiVersion: eks.services.k8s.aws/v1alpha1\nkind: PodIdentityAssociation\nmetadata:\n  name: ${name}\n  namespace: ack-system\nspec:\n  clusterName: ${cluster}\n  namespace: ${ns}\n  serviceAccount: ${saName}\n  roleARN: arn:aws:iam::111122223333:role/${roleName}\n${extra}`;
}

const at = (l: { label: string; span: { file: string; line: number; column: number } }) => `${l.span.file}:${l.span.line}:${l.span.column} ${l.label}`;

test('pod-identity row: the association, the role and its Pod Identity trust statements; the chain', async () => {
  const m = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart')}---\n${association('cart', 'shop', 'cart', 'shop-cart')}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  assert.is(m.rows.length, 1);
  const r = m.rows[0];
  assert.is(r.id, 'shop/Deployment/cart/app|pod-identity|arn:aws:iam::111122223333:role/shop-cart');
  assert.equal(
    r.links.map((l) => [l.kind, l.verdict]),
    [
      ['service-account', 'trusted'],
      ['association', 'trusted'],
      ['role', 'trusted'],
    ],
  );
  assert.equal(r.links[1].locations.map(at), [
    'k8s/cart.yaml:21:7 PodIdentityAssociation cart',
    'k8s/cart.yaml:26:16 association cluster',
    'k8s/cart.yaml:27:14 association namespace',
    'k8s/cart.yaml:28:19 association serviceAccount',
  ]);
  assert.equal(r.links[2].locations.map(at), ['iam/cart.json:4:12 role', 'iam/cart.json:8:9 trust statement 0', 'k8s/cart.yaml:29:12 association roleArn']);
  assert.equal(r.chain, { botocore: 'used', jsv3: 'used' });
});

test('pod-identity: a role that does not trust pods.eks.amazonaws.com is not trusted, with the rule, or by the model when the rule is off', async () => {
  const files = {
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart')}---\n${association('cart', 'shop', 'cart', 'shop-cart')}`,
    'iam/cart.json': role('shop-cart', ['system:serviceaccount:shop:cart']),
  };
  const roleOf = (m: AccessMap) => m.rows[0].links.find((l) => l.kind === 'role')!;
  const withRule = roleOf(await mapOf(files));
  assert.equal([withRule.verdict, withRule.rules], ['not-trusted', ['podid/role-trusts-pod-identity']]);
  const sources = Object.entries(files).map(([p, text]) => ({ path: p, abs: `/repo/${p}`, text }));
  const a = await lintSources(sources, { cwd: '/repo', rules: { 'podid/role-trusts-pod-identity': 'off' } });
  const off = roleOf(buildAccessMap({ index: a.index, findings: a.all, facts: a.facts, files: a.files.length }));
  assert.equal([off.verdict, off.rules, off.reason], ['not-trusted', [], 'the trust policy of role "arn:aws:iam::111122223333:role/shop-cart" does not let pods.eks.amazonaws.com call sts:AssumeRole']);
});

test('pod-identity: trust conditions that reject the association break the association link (the rule) and the role link (the model)', async () => {
  const m = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart')}---\n${association('cart', 'shop', 'cart', 'shop-cart')}`,
    'iam/cart.json': podRole('shop-cart', 'store', 'cart'),
  });
  const [sa_, assoc, role_] = m.rows[0].links;
  assert.is(sa_.verdict, 'trusted');
  assert.equal([assoc.verdict, assoc.rules], ['not-trusted', ['podid/trust-matches-association']]);
  assert.equal([role_.verdict, role_.rules, role_.reason], ['not-trusted', [], 'the trust policy of role "arn:aws:iam::111122223333:role/shop-cart" does not admit the association\'s request (shop/cart)']);
});

test('pod-identity: an association for a ServiceAccount that does not exist, and pods on Windows nodes', async () => {
  // The namespace defines other ServiceAccounts: podid/service-account-exists reports the association's serviceAccount.
  const m = await mapOf({
    'k8s/cart.yaml': `${sa('checkout', 'shop')}---\n${deployment('cart', 'shop', 'cart')}---\n${association('cart', 'shop', 'cart', 'shop-cart')}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  const links = Object.fromEntries(m.rows[0].links.map((l) => [l.kind, l]));
  assert.equal([links['service-account'].verdict, links['service-account'].reason], ['unknown', 'ServiceAccount "shop/cart" is not in the repository']);
  assert.equal(links.association.rules, ['podid/service-account-exists']);
  const windows = '      nodeSelector:\n        kubernetes.io/os: windows\n';
  const w = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart').replace('      containers:\n', `${windows}      containers:\n`)}---\n${association('cart', 'shop', 'cart', 'shop-cart')}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  const a = w.rows[0].links.find((l) => l.kind === 'association')!;
  assert.equal([a.verdict, a.rules], ['not-trusted', ['podid/supported-compute']]);
  assert.ok(a.locations.some((l) => l.label === 'nodeSelector "kubernetes.io/os"'));
});

test('pod-identity: container credential variables set by hand are the token link', async () => {
  const env = '          env:\n            - name: AWS_CONTAINER_CREDENTIALS_FULL_URI\n              value: http://169.254.170.23/v1/credentials\n';
  const m = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart', 'app', env)}---\n${association('cart', 'shop', 'cart', 'shop-cart')}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  const token = m.rows[0].links.find((l) => l.kind === 'token')!;
  assert.equal([token.verdict, token.rules, token.locations.map(at)], ['not-trusted', ['podid/container-credentials-complete'], ['k8s/cart.yaml:20:21 AWS_CONTAINER_CREDENTIALS_FULL_URI']]);
});

test('pod-identity: an endpoint the container sets itself, without an association, is a row of its own', async () => {
  const env = '          env:\n            - name: AWS_CONTAINER_CREDENTIALS_FULL_URI\n              value: http://127.0.0.1:9911/credentials\n            - name: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\n              value: /var/run/secrets/creds/token\n';
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team')}---\n${deployment('app', 'team', 'app', 'app', env)}` });
  assert.is(m.rows.length, 1);
  const r = m.rows[0];
  assert.equal([r.path, r.role, r.verdict], ['pod-identity', undefined, 'unknown']);
  assert.equal(
    r.links.map((l) => [l.kind, l.verdict, l.reason]),
    [
      ['service-account', 'trusted', undefined],
      ['association', 'unknown', 'no EKS Pod Identity association for ServiceAccount "team/app" in the repository (the container sets the container credentials endpoint itself)'],
      ['token', 'unknown', 'AWS_CONTAINER_CREDENTIALS_FULL_URI is not the EKS Pod Identity Agent (http://169.254.170.23/v1/credentials)'],
    ],
  );
});

test('pod-identity: a target role is the role the pods get; the target-role link', async () => {
  const target = '  targetRoleARN: arn:aws:iam::444455556666:role/orders-reader\n';
  const m = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart')}---\n${association('cart', 'shop', 'cart', 'shop-cart', target)}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  const r = m.rows[0];
  assert.is(r.role, 'arn:aws:iam::444455556666:role/orders-reader');
  assert.equal(r.links.map((l) => l.kind), ['service-account', 'association', 'role', 'target-role']);
  const t = r.links[3];
  assert.equal([t.verdict, t.reason, t.locations.map(at)], ['unknown', 'role "arn:aws:iam::444455556666:role/orders-reader" is not in the repository', ['k8s/cart.yaml:30:18 association targetRoleArn']]);
  assert.is(r.links[2].verdict, 'trusted');
});

test('pod-identity JSON: the target-role and token links, and an association link without locations, validate against the schema', async () => {
  const target = '  targetRoleARN: arn:aws:iam::444455556666:role/orders-reader\n';
  const own = '          env:\n            - name: AWS_CONTAINER_CREDENTIALS_FULL_URI\n              value: http://169.254.170.23/v1/credentials\n            - name: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\n              value: /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token\n';
  const m = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart', 'app', own)}---\n${association('cart', 'shop', 'cart', 'shop-cart', target)}`,
    'k8s/app.yaml': `${sa('app', 'team')}---\n${deployment('app', 'team', 'app', 'app', own)}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  assert.equal(m.rows.map((r) => r.links.map((l) => `${l.kind} ${l.verdict}`)), [
    ['service-account trusted', 'association trusted', 'role trusted', 'target-role unknown', 'token trusted'],
    ['service-account trusted', 'association unknown', 'token trusted'],
  ]);
  const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/access-map.schema.json'), 'utf8')));
  assert.ok(validate(JSON.parse(JSON.stringify(toMapJson(m)))), JSON.stringify(validate.errors));
});

test('pod-identity: associations in two clusters give one row per role', async () => {
  const same = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart')}---\n${association('cart', 'shop', 'cart', 'shop-cart')}---\n${association('cart-dr', 'shop', 'cart', 'shop-cart', '', 'dr')}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  assert.is(same.rows.length, 1);
  assert.equal(same.rows[0].links[1].locations.filter((l) => l.label.startsWith('PodIdentityAssociation')).map((l) => l.label), ['PodIdentityAssociation cart', 'PodIdentityAssociation cart-dr']);
  const other = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart')}---\n${association('cart', 'shop', 'cart', 'shop-cart')}---\n${association('cart-dr', 'shop', 'cart', 'shop-cart-dr', '', 'dr')}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  assert.equal(other.rows.map((r) => [r.role, r.verdict]), [
    ['arn:aws:iam::111122223333:role/shop-cart', 'trusted'],
    ['arn:aws:iam::111122223333:role/shop-cart-dr', 'unknown'],
  ]);
});

test('pod-identity: web identity that the container sets itself comes first in both chains', async () => {
  const env = '          env:\n            - name: AWS_ROLE_ARN\n              value: arn:aws:iam::111122223333:role/app\n            - name: AWS_WEB_IDENTITY_TOKEN_FILE\n              value: /var/run/secrets/tokens/token\n';
  const m = await mapOf({
    'k8s/cart.yaml': `${sa('cart', 'shop')}---\n${deployment('cart', 'shop', 'cart', 'app', env)}---\n${association('cart', 'shop', 'cart', 'shop-cart')}`,
    'iam/cart.json': podRole('shop-cart', 'shop', 'cart'),
  });
  assert.equal(m.rows.map((r) => r.path), ['projected-token-manual', 'pod-identity']);
  assert.equal(m.rows[1].chain, { botocore: 'shadowed', jsv3: 'shadowed', shadowedBy: { botocore: 'web identity (AWS_ROLE_ARN)', jsv3: 'web identity (AWS_ROLE_ARN)' } });
});

test('chain: a key without AWS_SECRET_ACCESS_KEY stops botocore; aws-sdk-js-v3 skips it', async () => {
  const env = '          env:\n            - name: AWS_ACCESS_KEY_ID\n              valueFrom:\n                secretKeyRef:\n                  name: keys\n                  key: id\n';
  const m = await mapOf({ 'k8s/app.yaml': `${sa('app', 'team', 'app')}---\n${deployment('app', 'team', 'app', 'app', env)}`, 'iam/app.json': role('app', ['system:serviceaccount:team:app']) });
  const keys = m.rows.find((r) => r.path === 'static-keys')!;
  const hook = m.rows.find((r) => r.path === 'webhook')!;
  assert.equal(keys.chain, { botocore: 'used', jsv3: 'shadowed', shadowedBy: { jsv3: 'AWS_SECRET_ACCESS_KEY is not set' } });
  assert.equal(hook.chain, { botocore: 'shadowed', jsv3: 'used', shadowedBy: { botocore: 'static keys (AWS_ACCESS_KEY_ID)' } });
});

test('filters: role by ARN or name with *, namespace, sa; they narrow together', async () => {
  const files = {
    'k8s/a.yaml': `${sa('api', 'payments', 'payments-api')}---\n${deployment('api', 'payments', 'api')}`,
    'k8s/b.yaml': `${sa('cli', 'tools', 'tools-cli')}---\n${deployment('cli', 'tools', 'cli')}`,
  };
  const m = await mapOf(files);
  const ids = (f: string[]) => narrowMap(m, f.map(parseFilter)).rows.map((r) => r.workload.name);
  assert.equal(ids([]), ['api', 'cli']);
  assert.equal(ids(['role=payments-*']), ['api']);
  assert.equal(ids(['role=arn:aws:iam::111122223333:role/tools-cli']), ['cli']);
  assert.equal(ids(['namespace=tools']), ['cli']);
  assert.equal(ids(['sa=api']), ['api']);
  assert.equal(ids(['sa=api', 'namespace=tools']), []);
  assert.throws(() => parseFilter('owner=me'), /invalid --filter "owner=me"/);
  assert.throws(() => parseFilter('role='), /invalid --filter/);
});

test('orphans: a role nobody names and a ServiceAccount nobody runs as', async () => {
  const m = await mapOf({ 'k8s/a.yaml': sa('idle', 'team', 'idle'), 'iam/r.json': role('lonely', ['system:serviceaccount:team:x']) }, { orphans: true });
  assert.equal(m.rows, []);
  assert.equal(
    m.orphans!.roles.map((r) => [r.role, r.subjects]),
    [['arn:aws:iam::111122223333:role/lonely', ['system:serviceaccount:team:x']]],
  );
  assert.equal(m.orphans!.serviceAccounts.map((s) => `${s.namespace}/${s.name} ${s.role}`), ['team/idle arn:aws:iam::111122223333:role/idle']);
});

test('broad trust: namespace-wide, name patterns and no sub condition; narrowed by an exact condition', async () => {
  const noSub = JSON.parse(role('open', ['x']));
  delete noSub.Role.AssumeRolePolicyDocument.Statement[0].Condition;
  const both = JSON.parse(role('both', ['system:serviceaccount:team:*'], 'StringLike'));
  both.Role.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals = { [`${PROVIDER}:sub`]: 'system:serviceaccount:team:app' };
  const m = await mapOf({
    'iam/ns.json': role('ns', ['system:serviceaccount:team:*'], 'StringLike'),
    'iam/names.json': role('names', ['system:serviceaccount:team:app-*'], 'StringLike'),
    'iam/open.json': JSON.stringify(noSub, null, 2),
    'iam/both.json': JSON.stringify(both, null, 2),
  });
  assert.equal(
    m.wideTrust.map((w) => [w.role.replace(/.*\//, ''), w.scope, w.description]),
    [
      ['names', 'service-account-pattern', 'admits every ServiceAccount matching "app-*" in namespace "team"'],
      ['ns', 'namespace', 'admits any ServiceAccount in namespace "team"'],
      ['open', 'cluster', 'admits any ServiceAccount of the cluster (no "sub" condition)'],
    ],
  );
});

test.run();
