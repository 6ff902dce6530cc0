/** AWS CDK programs (src/load/cdk.ts): principals, roles, OIDC providers, ServiceAccounts and manifests. */
import { parse } from '@typescript-eslint/typescript-estree';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TsEvaluator, type EsNode } from '../../src/eval/ts.js';
import { cdkRecogniser, cdkValues } from '../../src/load/cdk.js';
import { loadTsIac } from '../../src/load/ts-iac.js';
import type { OidcProvider, Role } from '../../src/model/iam.js';
import { get, isMap, isScalar, isSeq, str, type PNode } from '../../src/model/pnode.js';
import type { Located, Span } from '../../src/model/span.js';

const HEAD = "import * as iam from 'aws-cdk-lib/aws-iam';\nimport * as eks from 'aws-cdk-lib/aws-eks';\n";

function read(body: string) {
  const text = HEAD + body;
  const r = loadTsIac(text, 'stack.ts');
  const lines = text.split('\n');
  const src = (x: Span | Located<unknown>) => {
    const s = 'span' in x ? x.span : x;
    return s.line === s.endLine ? lines[s.line - 1].slice(s.column - 1, s.endColumn - 1) : `<lines ${s.line}-${s.endLine}>`;
  };
  const roles = r.resources.filter((x): x is Role => x.kind === 'iam:Role');
  const role = (label: string): Role => {
    const x = roles.find((y) => y.label === label);
    if (!x) throw new Error(`no ${label} in ${roles.map((y) => y.label).join(', ')}`);
    return x;
  };
  return { ...r, roles, role, providers: r.resources.filter((x): x is OidcProvider => x.kind === 'iam:OIDCProvider'), src };
}

/** A statement as `principalKey=value action [condition keys]`, `?` after unknown values and unknown conditions. */
function statements(x: Role): string[] {
  const vals = (n: PNode): string => (isSeq(n) ? n.items.map(vals).join('|') : `${isScalar(n) ? n.value : '<map>'}${n.unknown ? '?' : ''}`);
  return x.trust!.statements.map((s) => {
    const p = s.principal && isMap(s.principal.value) ? s.principal.value.entries.map((e) => `${e.key.value}=${vals(e.value)}`) : [];
    return [p.join(','), s.actions.map((a) => a.value).join('|'), s.conditions.map((c) => `${c.operator.value}:${c.key.value}${c.unknown ? '?' : ''}`).join(' ')].join(' ').trim();
  });
}

const principals: [what: string, assumedBy: string, expected: string[]][] = [
  ['FederatedPrincipal with conditions and action', "new iam.FederatedPrincipal('arn:aws:iam::1:oidc-provider/h', { StringEquals: { 'h:sub': 'x' } }, 'sts:AssumeRoleWithWebIdentity')", ['Federated=arn:aws:iam::1:oidc-provider/h sts:AssumeRoleWithWebIdentity StringEquals:h:sub']],
  ['FederatedPrincipal defaults to sts:AssumeRole', "new iam.FederatedPrincipal('cognito-identity.amazonaws.com')", ['Federated=cognito-identity.amazonaws.com sts:AssumeRole']],
  ['WebIdentityPrincipal', "new iam.WebIdentityPrincipal('arn:aws:iam::1:oidc-provider/h', { StringLike: { 'h:sub': 'x*' } })", ['Federated=arn:aws:iam::1:oidc-provider/h sts:AssumeRoleWithWebIdentity StringLike:h:sub']],
  ['OpenIdConnectPrincipal of an unknown provider', 'new iam.OpenIdConnectPrincipal(cluster.openIdConnectProvider)', ['Federated=${openIdConnectProviderArn}? sts:AssumeRoleWithWebIdentity']],
  ['ServicePrincipal', "new iam.ServicePrincipal('ec2.amazonaws.com')", ['Service=ec2.amazonaws.com sts:AssumeRole']],
  ['ArnPrincipal', "new iam.ArnPrincipal('arn:aws:iam::1:root')", ['AWS=arn:aws:iam::1:root sts:AssumeRole']],
  ['CompositePrincipal', "new iam.CompositePrincipal(new iam.ServicePrincipal('a'), new iam.ArnPrincipal('b'))", ['Service=a sts:AssumeRole', 'AWS=b sts:AssumeRole']],
  [
    'withConditions merges per operator',
    "new iam.WebIdentityPrincipal('f', { StringEquals: { 'h:aud': 'sts.amazonaws.com' } }).withConditions({ StringEquals: { 'h:sub': 'x' }, StringLike: { 'h:sub': 'y*' } })",
    ['Federated=f sts:AssumeRoleWithWebIdentity StringEquals:h:aud StringEquals:h:sub StringLike:h:sub'],
  ],
  ['withSessionTags adds sts:TagSession', "new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags()", ['Service=pods.eks.amazonaws.com sts:AssumeRole|sts:TagSession']],
  ['SessionTagsPrincipal adds sts:TagSession', "new iam.SessionTagsPrincipal(new iam.ServicePrincipal('a'))", ['Service=a sts:AssumeRole|sts:TagSession']],
  ['withSessionTags of a principal with conditions', "new iam.ServicePrincipal('a').withConditions({ StringEquals: { 'aws:SourceAccount': '111122223333' } }).withSessionTags()", ['Service=a sts:AssumeRole|sts:TagSession StringEquals:aws:SourceAccount']],
];

for (const [what, assumedBy, expected] of principals) {
  test(`principal: ${what}`, () => {
    const r = read(`new iam.Role(this, 'R', { roleName: 'r', assumedBy: ${assumedBy} });\n`);
    assert.equal(r.problems, []);
    assert.equal(statements(r.role('role r')), expected);
  });
}

test('principal: an unknown principal, or one inside a CompositePrincipal, makes the statements unknown', () => {
  const r = read("new iam.Role(this, 'A', { assumedBy: somePrincipal });\nnew iam.Role(this, 'B', { assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('a'), other) });\n");
  assert.ok(r.role('role A').trust!.statementEntry!.value.unknown);
  assert.ok(r.role('role B').trust!.statementEntry!.value.unknown);
});

test('Role: name, path, construct id and source positions', () => {
  const r = read("const ns = 'team';\nnew iam.Role(this, 'Web', { roleName: `${ns}-web`, path: '/irsa/', assumedBy: new iam.ServicePrincipal('a') });\nnew iam.Role(this, 'Unnamed', { assumedBy: new iam.ServicePrincipal('a') });\n");
  const web = r.role('role team-web');
  assert.equal([web.source, web.name?.value, r.src(web.name!), web.path?.value, web.key], ['cdk', 'team-web', '`${ns}-web`', '/irsa/', 'iam:Role/team-web@stack.ts#Web']);
  assert.is(r.src(web.span).startsWith('new iam.Role('), true);
  assert.is(r.role('role Unnamed').key, 'iam:Role/Unnamed@stack.ts#Unnamed');
});

test('Role: statements added later through role.assumeRolePolicy make the trust unknown', () => {
  const r = read("const role = new iam.Role(this, 'R', { roleName: 'r', assumedBy: new iam.ServicePrincipal('a') });\nrole.assumeRolePolicy?.addStatements();\n");
  assert.ok(r.role('role r').trust!.statementEntry!.value.unknown);
});

test('CfnRole: PolicyDocument.fromJson, JSON.stringify and a JSON string; a broken one is a problem', () => {
  const doc = "{ Statement: [{ Effect: 'Allow', Principal: { Service: 's' }, Action: 'sts:AssumeRole' }] }";
  const r = read(
    `new iam.CfnRole(this, 'A', { roleName: 'a', assumeRolePolicyDocument: iam.PolicyDocument.fromJson(${doc}) });\n` +
      `new iam.CfnRole(this, 'B', { roleName: 'b', assumeRolePolicyDocument: JSON.stringify(${doc}) });\n` +
      `new iam.CfnRole(this, 'C', { roleName: 'c', assumeRolePolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "s"}, "Action": "sts:AssumeRole"}]}' });\n` +
      `new iam.CfnRole(this, 'D', { roleName: 'd', assumeRolePolicyDocument: '{"Statement": [' });\n` +
      `new iam.CfnRole(this, 'E', { roleName: 'e', assumeRolePolicyDocument: new iam.ServicePrincipal('s') });\n`,
  );
  for (const n of ['a', 'b', 'c']) assert.equal(statements(r.role(`role ${n}`)), ['Service=s sts:AssumeRole'], n);
  assert.is(r.role('role d').trust, undefined);
  assert.equal(r.problems.map((p) => [p.code, p.span.line]), [['POLICY_JSON', 6]]);
  assert.ok(r.role('role e').trust?.node.unknown, 'a principal is not a policy document');
});

test('OIDC providers: iam and eks constructs, fromOpenIdConnectProviderArn, and their members in a principal', () => {
  const r = read(
    "const p = new iam.OpenIdConnectProvider(this, 'P', { url: 'https://oidc.example.com/id/1', clientIds: ['sts.amazonaws.com'] });\n" +
      "new eks.OpenIdConnectProvider(this, 'E', { url: 'https://oidc.example.com/id/2' });\n" +
      "const imported = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(this, 'I', 'arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/3');\n" +
      "new iam.Role(this, 'R', { roleName: 'r', assumedBy: new iam.OpenIdConnectPrincipal(imported, { StringEquals: { [`${imported.openIdConnectProviderIssuer}:sub`]: 'system:serviceaccount:a:b' } }) });\n" +
      "new iam.Role(this, 'N', { roleName: 'n', assumedBy: new iam.FederatedPrincipal(p.openIdConnectProviderArn, {}, 'sts:AssumeRoleWithWebIdentity') });\n",
  );
  assert.equal(
    r.providers.map((p) => [p.label, p.host, p.clientIds.map((c) => c.value), p.arn?.value, !!p.arn?.unknown]),
    [
      ['OIDC provider oidc.example.com/id/1', 'oidc.example.com/id/1', ['sts.amazonaws.com'], 'arn:aws:iam::${AWS::AccountId}:oidc-provider/oidc.example.com/id/1', true],
      ['OIDC provider oidc.example.com/id/2', 'oidc.example.com/id/2', ['sts.amazonaws.com'], 'arn:aws:iam::${AWS::AccountId}:oidc-provider/oidc.example.com/id/2', true],
    ],
  );
  assert.equal(statements(r.role('role r')), ['Federated=arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/3 sts:AssumeRoleWithWebIdentity StringEquals:oidc.example.com/id/3:sub']);
  assert.is(r.src(r.role('role r').trust!.statements[0].federated[0]), 'imported');
  assert.equal(statements(r.role('role n')), ['Federated=arn:aws:iam::${AWS::AccountId}:oidc-provider/oidc.example.com/id/1? sts:AssumeRoleWithWebIdentity']);
});

test('ServiceAccounts: addServiceAccount and eks.ServiceAccount create the ServiceAccount and a role that trusts exactly it', () => {
  const r = read(
    "cluster.addServiceAccount('Sa', { name: 'worker', namespace: 'team', annotations: { 'eks.amazonaws.com/audience': 'x' }, labels: { tier: 'a' } });\n" +
      "new eks.ServiceAccount(this, 'Pod', { cluster, name: 'pod-sa', identityType: eks.IdentityType.POD_IDENTITY });\n" +
      "new eks.ServiceAccount(this, 'Generated', { cluster });\n",
  );
  assert.equal(r.roles.map((x) => x.label), ['role Sa/Role', 'role Pod/Role', 'role Generated/Role']);
  const sa = r.role('role Sa/Role');
  assert.equal(statements(sa), ['Federated=${cluster.openIdConnectProvider.openIdConnectProviderArn}? sts:AssumeRoleWithWebIdentity StringEquals:${cluster.openIdConnectProvider.openIdConnectProviderIssuer}:aud StringEquals:${cluster.openIdConnectProvider.openIdConnectProviderIssuer}:sub']);
  const subject = sa.trust!.statements[0].conditions.find((c) => c.claim === 'sub')!;
  assert.equal(subject.values.map((v) => v.value), ['system:serviceaccount:team:worker']);
  assert.is(r.src(subject.valuesSpan), "'worker'");
  assert.equal(statements(r.role('role Pod/Role')), ['Service=pods.eks.amazonaws.com sts:AssumeRole|sts:TagSession']);
  assert.equal(r.role('role Generated/Role').trust!.statements[0].conditions.find((c) => c.claim === 'sub')!.values.map((v) => v.value), ['system:serviceaccount:default:${Names.uniqueId}']);
  // Documents: one per named ServiceAccount, annotated with the (unknown) role ARN.
  assert.equal(
    r.k8sDocs.map((d) => {
      const annotations = get(d, 'metadata', 'annotations');
      return [str(get(d, 'metadata', 'name')), str(get(d, 'metadata', 'namespace')), isMap(annotations) ? annotations.entries.map((e) => e.key.value) : []];
    }),
    [
      ['worker', 'team', ['eks.amazonaws.com/role-arn', 'eks.amazonaws.com/audience']],
      ['pod-sa', 'default', ['eks.amazonaws.com/role-arn']],
    ],
  );
});

test('manifests: addManifest and KubernetesManifest give their documents with a static kind', () => {
  const r = read(
    "cluster.addManifest('M', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a' } }, { kind: someKind }, ...more);\n" +
      "new eks.KubernetesManifest(this, 'K', { cluster, manifest: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }, 'text'] });\n",
  );
  assert.equal(r.k8sDocs.map((d) => `${str(get(d, 'kind'))} ${str(get(d, 'metadata', 'name'))}`), ['ServiceAccount a', 'ConfigMap b']);
  assert.is(r.src(get(r.k8sDocs[0], 'metadata', 'name')!.span), "'a'");
});

test('import styles: namespace, named (renamed), aws-cdk-lib barrel with aws_iam, CDK v1 modules', () => {
  const r = loadTsIac(
    "import * as cdk from 'aws-cdk-lib';\nimport { aws_iam as i } from 'aws-cdk-lib';\nimport { Role as R, ServicePrincipal } from 'aws-cdk-lib/aws-iam';\nimport * as v1 from '@aws-cdk/aws-iam';\n" +
      "new cdk.aws_iam.Role(this, 'A', { roleName: 'a', assumedBy: new ServicePrincipal('s') });\nnew i.Role(this, 'B', { roleName: 'b', assumedBy: new i.ServicePrincipal('s') });\n" +
      "new R(this, 'C', { roleName: 'c', assumedBy: new ServicePrincipal('s') });\nnew v1.Role(this, 'D', { roleName: 'd', assumedBy: new v1.ServicePrincipal('s') });\n",
    'stack.ts',
  );
  assert.equal(r.resources.map((x) => x.label), ['role a', 'role b', 'role c', 'role d']);
});

test('the CDK reader needs a CDK import: a Pulumi program gets none', () => {
  const reader = (text: string) => {
    const ev = new TsEvaluator(parse(text, { range: true }) as unknown as EsNode, text, 'a.ts', [cdkValues]);
    return cdkRecogniser(ev, { resources: [], k8sDocs: [], problems: [] });
  };
  assert.ok(reader("import * as iam from 'aws-cdk-lib/aws-iam';\n"));
  assert.is(reader("import * as aws from '@pulumi/aws';\ncluster.addServiceAccount('x', { name: 'a' });\n"), undefined);
  assert.is(reader("import type { Role } from 'aws-cdk-lib/aws-iam';\n"), undefined);
});

test.run();
