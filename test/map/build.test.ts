/**
 * The access map's rules of construction, on small repositories given as text: which findings
 * belong to which link, chain order, identities, filters, and the extension point for EKS Pod
 * Identity (a source provider).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintSources } from '../../src/api.js';
import { buildAccessMap, contains } from '../../src/map/build.js';
import { narrowMap, parseFilter } from '../../src/map/command.js';
import { DEFAULT_PROVIDERS, podIdentitySources, type SourceProvider } from '../../src/map/sources.js';
import type { AccessMap } from '../../src/map/types.js';
import { sdkEnvironment } from '../../src/model/sdk-environment.js';
import { containersOf } from '../../src/model/container.js';
import type { Workload } from '../../src/model/k8s.js';

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

async function mapOf(files: Record<string, string>, options: { orphans?: boolean; providers?: readonly SourceProvider[] } = {}): Promise<AccessMap> {
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

test('EKS Pod Identity: the default provider finds no association yet; a provider adds pod-identity rows after the web identity ones', async () => {
  assert.ok(DEFAULT_PROVIDERS.includes(podIdentitySources));
  const files = { 'k8s/app.yaml': `${sa('app', 'team', 'app')}---\n${deployment('app', 'team', 'app')}` };
  const sources = Object.entries(files).map(([p, text]) => ({ path: p, abs: `/repo/${p}`, text }));
  const a = await lintSources(sources, { cwd: '/repo' });
  const w = a.index.ofKind<Workload>('k8s:PodSpecOwner')[0];
  assert.equal(podIdentitySources(a.index, sdkEnvironment(a.index, w, containersOf(w)[0])), []);
  const at = w.podSpec.serviceAccountName!;
  const association: SourceProvider = (_index, env) => [
    {
      path: 'pod-identity',
      cls: 'container',
      state: 'set',
      roleAt: at,
      roleLabel: 'association roleArn',
      role: 'arn:aws:iam::111122223333:role/pod-identity',
      association: { locations: [{ at, label: `association for ${env.container.name.value}` }], reason: 'Pod Identity trust policies are not judged here' },
      describe: 'container credentials (EKS Pod Identity)',
    },
  ];
  const m = buildAccessMap({ index: a.index, findings: a.all, facts: a.facts, files: 1 }, { providers: [association] });
  assert.equal(m.rows.map((r) => r.path), ['webhook', 'pod-identity']);
  const p = m.rows[1];
  assert.is(p.id, 'team/Deployment/app/app|pod-identity|arn:aws:iam::111122223333:role/pod-identity');
  assert.equal(p.links.map((l) => l.kind), ['service-account', 'association', 'role']);
  assert.is(p.links[2].reason, 'Pod Identity trust policies are not judged here');
  assert.equal(p.chain, { botocore: 'shadowed', jsv3: 'shadowed', shadowedBy: { botocore: 'web identity (webhook)', jsv3: 'web identity (webhook)' } });
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
