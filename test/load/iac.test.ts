/** Roles and OIDC providers from infrastructure code: CloudFormation, Terraform JSON, CDK and Pulumi TypeScript. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { discover, displayPath } from '../../src/load/discover.js';
import { loadSources, type LoadResult } from '../../src/load/loader.js';
import type { OidcProvider, Role } from '../../src/model/iam.js';
import type { ServiceAccount } from '../../src/model/k8s.js';
import { subSpan, type Located, type Span } from '../../src/model/span.js';
import { roleAdmits } from '../../src/model/trust.js';
import { rmRepo, tmpRepo } from '../config/tmp.js';

type Pos = [line: number, column: number, endLine: number, endColumn: number];
const pos = (s: Span): Pos => [s.line, s.column, s.endLine, s.endColumn];

function load(files: Record<string, string>): LoadResult & { text: (s: Span | Located<unknown>) => string } {
  const r = loadSources(Object.entries(files).map(([p, text]) => ({ path: p, text })));
  /** The source text a span covers (single- or multi-line). */
  const text = (x: Span | Located<unknown>): string => {
    const s = 'span' in x ? x.span : x;
    const lines = files[s.file].split('\n');
    if (s.line === s.endLine) return lines[s.line - 1].slice(s.column - 1, s.endColumn - 1);
    return [lines[s.line - 1].slice(s.column - 1), ...lines.slice(s.line, s.endLine - 1), lines[s.endLine - 1].slice(0, s.endColumn - 1)].join('\n');
  };
  return Object.assign(r, { text });
}
const roles = (r: LoadResult) => r.resources.filter((x): x is Role => x.kind === 'iam:Role');
const providers = (r: LoadResult) => r.resources.filter((x): x is OidcProvider => x.kind === 'iam:OIDCProvider');
const role = (r: LoadResult, label: string) => {
  const x = roles(r).find((y) => y.label === label);
  if (!x) throw new Error(`no ${label} in ${roles(r).map((y) => y.label).join(', ')}`);
  return x;
};
const sub = (x: Role, i = 0) => x.trust!.statements[0].conditions.filter((c) => c.claim === 'sub')[i];

const HOST = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

// ---- CloudFormation ---------------------------------------------------------------------------

const CFN_YAML = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  OidcProviderHost:
    Type: String
    Default: ${HOST}
  Namespace:
    Type: String
    Default: team-a
  Secret:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /team-a/name
Conditions:
  IsProd: !Equals [!Ref "AWS::AccountId", "111122223333"]
Resources:
  Provider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: !Sub "https://\${OidcProviderHost}"
      ClientIdList: [sts.amazonaws.com]
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "\${Namespace}-app"
      Path: /irsa/
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !GetAtt Provider.Arn
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                ${HOST}:sub: !Sub system:serviceaccount:\${Namespace}:web
  DocRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref Secret
      AssumeRolePolicyDocument: !Sub |
        {"Statement": [{"Effect": "Allow",
          "Principal": {"Federated": "arn:\${AWS::Partition}:iam::111122223333:oidc-provider/\${OidcProviderHost}"},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {"StringEquals": {"\${OidcProviderHost}:sub": "system:serviceaccount:\${Namespace}:doc"}}}]}
  IfRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/x"}
            Action: sts:AssumeRoleWithWebIdentity
            Condition: !If [IsProd, {StringEquals: {"x:sub": a}}, !Ref AWS::NoValue]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      CodeUri: !Join ["", ["s3://", !ImportValue Bucket, "/", !Select [0, !Split [",", !Ref "AWS::StackName"]]]]
      Environment:
        Variables:
          AZ: !Select [0, !GetAZs ""]
          IMAGE: !FindInMap [Images, !Ref "AWS::Region", Id]
          DATA: !Base64 {"Fn::Sub": "x"}
          CIDR: !Select [0, !Cidr ["10.0.0.0/16", 2, 8]]
          FLAG: !If [IsProd, !Not [!Equals [a, b]], !And [!Condition IsProd, !Or [!Equals [a, a], !Equals [b, b]]]]
Outputs:
  RoleArn:
    Value: !GetAtt [AppRole, Arn]
    Export:
      Name: !Sub "\${AWS::StackName}-role"
`;

test('CloudFormation YAML: short tags load without problems, roles and the provider are read', () => {
  const r = load({ 't.yaml': CFN_YAML });
  assert.equal(r.problems, []);
  assert.equal(roles(r).map((x) => [x.label, x.source]), [
    ['role team-a-app', 'cloudformation'],
    ['role DocRole', 'cloudformation'],
    ['role IfRole', 'cloudformation'],
  ]);
  const [p] = providers(r);
  assert.is(p.url?.value, `https://${HOST}`);
  assert.is(r.text(p.url!), `"https://\${OidcProviderHost}"`);
  assert.is(p.host, HOST);
  assert.equal(p.clientIds.map((c) => c.value), ['sts.amazonaws.com']);
  assert.is(p.arn?.value, `arn:aws:iam::\${AWS::AccountId}:oidc-provider/${HOST}`);
  assert.ok(p.arn?.unknown);
});

test('CloudFormation YAML: !Sub, !Ref and !GetAtt resolved with the spans of their nodes', () => {
  const r = load({ 't.yaml': CFN_YAML });
  const app = role(r, 'role team-a-app');
  assert.is(app.name?.value, 'team-a-app');
  assert.not.ok(app.name?.unknown);
  assert.equal(pos(app.name!.span), [24, 22, 24, 40]);
  assert.is(r.text(app.name!), '"${Namespace}-app"');
  assert.is(app.path?.value, '/irsa/');
  assert.is(app.arn, undefined);
  assert.is(app.key, 'iam:Role/team-a-app@t.yaml#AppRole');
  // !GetAtt Provider.Arn: the issuer host is known, the account is not.
  const fed = app.trust!.statements[0].federated[0];
  assert.is(fed.value, `arn:aws:iam::\${AWS::AccountId}:oidc-provider/${HOST}`);
  assert.ok(fed.unknown);
  assert.is(r.text(fed), 'Provider.Arn');
  const c = sub(app);
  assert.is(c.key.value, `${HOST}:sub`);
  assert.equal(c.values.map((v) => v.value), ['system:serviceaccount:team-a:web']);
  assert.not.ok(c.unknown);
  assert.equal(pos(c.valuesSpan), [35, 96, 35, 134]);
  assert.is(r.text(c.valuesSpan), 'system:serviceaccount:${Namespace}:web');
  // Positions inside the resolved string: literal text maps to itself, a substitution to its placeholder.
  assert.is(r.text(subSpan(c.values[0], 0, 21)), 'system:serviceaccount');
  assert.is(r.text(subSpan(c.values[0], 22, 28)), '${Namespace}');
  assert.is(r.text(subSpan(c.values[0], 29, 32)), 'web');
  assert.is(roleAdmits(app, { sub: 'system:serviceaccount:team-a:web' }, ['sub']), true, 'a Federated ARN whose issuer is known is judged');
  assert.is(roleAdmits(app, { sub: 'system:serviceaccount:team-a:other' }, ['sub']), false);
});

test('CloudFormation YAML: a whole policy in a !Sub block keeps exact positions; unknowns are marked', () => {
  const r = load({ 't.yaml': CFN_YAML });
  const doc = role(r, 'role DocRole');
  assert.ok(doc.name?.unknown, 'an SSM parameter default is not the value');
  const fed = doc.trust!.statements[0].federated[0];
  assert.is(fed.value, `arn:aws:iam::111122223333:oidc-provider/${HOST}`);
  assert.not.ok(fed.unknown);
  assert.equal(pos(fed.span), [42, 38, 42, 113]);
  const c = sub(doc);
  assert.is(r.text(c.key), '"${OidcProviderHost}:sub"');
  assert.is(c.key.value, `${HOST}:sub`);
  assert.is(r.text(c.valuesSpan), '"system:serviceaccount:${Namespace}:doc"');
  assert.equal(pos(c.valuesSpan), [44, 69, 44, 109]);
  assert.is(roleAdmits(doc, { sub: 'system:serviceaccount:team-a:doc' }, ['sub']), true);
  assert.is(roleAdmits(doc, { sub: 'system:serviceaccount:team-a:other' }, ['sub']), false);

  // !If in place of the Condition block: the statements are not all known.
  const ifRole = role(r, 'role IfRole');
  assert.ok(ifRole.trust!.statementEntry!.value.unknown);
  assert.ok(ifRole.trust!.statements[0].federated[0].unknown);
});

test('CloudFormation JSON: long forms Fn::Sub (with variables), Fn::Join, Ref and Fn::GetAtt', () => {
  const text = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"Ns": {"Type": "String", "Default": "team-a"}, "Name": {"Type": "String"}},
  "Resources": {
    "R": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "RoleName": {"Fn::Join": ["-", [{"Ref": "Ns"}, "app"]]},
        "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
          "Principal": {"Federated": {"Fn::Sub": ["arn:\${AWS::Partition}:iam::111122223333:oidc-provider/\${H}", {"H": "${HOST}"}]}},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {"StringEquals": {"${HOST}:sub": [{"Fn::Sub": "system:serviceaccount:\${Ns}:app"}, {"Fn::Sub": "system:serviceaccount:\${Ns}:\${Name}"}]}}}]}
      }
    },
    "Other": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Fn::GetAtt": ["R", "Arn"]}}}
  }
}
`;
  const r = load({ 'template.json': text });
  assert.equal(r.problems, []);
  const x = role(r, 'role team-a-app');
  assert.is(r.text(x.name!), '{"Fn::Join": ["-", [{"Ref": "Ns"}, "app"]]}');
  const fed = x.trust!.statements[0].federated[0];
  assert.is(fed.value, `arn:aws:iam::111122223333:oidc-provider/${HOST}`);
  assert.not.ok(fed.unknown);
  const c = sub(x);
  assert.equal(c.values.map((v) => [v.value, !!v.unknown]), [
    ['system:serviceaccount:team-a:app', false],
    ['system:serviceaccount:team-a:${Name}', true],
  ]);
  assert.ok(c.unknown);
  assert.is(r.text(c.values[0]), '"system:serviceaccount:${Ns}:app"');
  assert.is(r.text(subSpan(c.values[0], 29, 32)), 'app');
  const other = role(r, 'role Other');
  assert.ok(other.trust?.node.unknown, 'a policy that is not a document is unknown');
});

test('a YAML file that is not a template and JSON without templates are left alone', () => {
  const r = load({ 'a.yaml': 'Resources:\n  X:\n    Type: Custom\n', 'b.json': '{"Resources": {}}' });
  assert.equal(r.resources, []);
  assert.equal(r.problems, []);
});

// ---- Terraform --------------------------------------------------------------------------------

const POLICY = JSON.stringify({
  Statement: [{ Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:team-a:web' } }, Effect: 'Allow', Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${HOST}` } }],
  Version: '2012-10-17',
});
const TF_PLAN = JSON.stringify(
  {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: {
      root_module: {
        resources: [
          { address: 'aws_iam_openid_connect_provider.eks', mode: 'managed', type: 'aws_iam_openid_connect_provider', name: 'eks', values: { arn: `arn:aws:iam::111122223333:oidc-provider/${HOST}`, client_id_list: ['sts.amazonaws.com'], url: HOST } },
          { address: 'aws_iam_role.later', mode: 'managed', type: 'aws_iam_role', name: 'later', values: { name: 'later', path: '/' } },
        ],
        child_modules: [{ address: 'module.irsa', resources: [{ address: 'module.irsa.aws_iam_role.this', mode: 'managed', type: 'aws_iam_role', name: 'this', values: { assume_role_policy: POLICY, name: 'team-a-app', path: '/' } }] }],
      },
    },
    prior_state: {
      values: {
        root_module: {
          child_modules: [
            {
              address: 'module.irsa',
              resources: [
                { address: 'module.irsa.data.aws_iam_policy_document.assume', mode: 'data', type: 'aws_iam_policy_document', name: 'assume', values: { json: JSON.stringify(JSON.parse(POLICY), null, 2) } },
                { address: 'module.irsa.data.aws_iam_policy_document.spare', mode: 'data', type: 'aws_iam_policy_document', name: 'spare', values: { json: POLICY.replace(':web', ':spare') } },
                { address: 'module.irsa.data.aws_iam_policy_document.perms', mode: 'data', type: 'aws_iam_policy_document', name: 'perms', values: { json: '{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"*"}]}' } },
              ],
            },
          ],
        },
      },
    },
  },
  null,
  2,
);

test('Terraform plan: roles through child modules, the policy string with inner positions', () => {
  const r = load({ 'tfplan.json': TF_PLAN });
  assert.equal(r.problems, []);
  assert.equal(roles(r).map((x) => [x.label, x.source, !!x.trust]), [
    ['role later', 'terraform', false],
    ['role team-a-app', 'terraform', true],
    ['trust policy module.irsa.data.aws_iam_policy_document.spare', 'terraform', true],
  ]);
  const x = role(r, 'role team-a-app');
  assert.is(r.text(x.name!), '"team-a-app"');
  const c = sub(x);
  assert.is(c.values[0].value, 'system:serviceaccount:team-a:web');
  assert.is(r.text(c.valuesSpan), '\\"system:serviceaccount:team-a:web\\"');
  assert.is(r.text(c.key), `\\"${HOST}:sub\\"`);
  assert.is(roleAdmits(x, { sub: 'system:serviceaccount:team-a:web' }, ['sub']), true);
  const [p] = providers(r);
  assert.is(p.host, HOST);
  assert.is(p.arn?.value, `arn:aws:iam::111122223333:oidc-provider/${HOST}`);
  assert.is(r.text(p.clientIds[0]), '"sts.amazonaws.com"');
});

test('Terraform state: values.root_module, the role ARN is known', () => {
  const state = JSON.stringify({
    format_version: '1.0',
    terraform_version: '1.9.8',
    values: { root_module: { resources: [{ address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', values: { arn: 'arn:aws:iam::111122223333:role/r', assume_role_policy: POLICY, name: 'r' } }] } },
  });
  const r = load({ 'state.json': state });
  const [x] = roles(r);
  assert.is(x.key, 'arn:aws:iam::111122223333:role/r');
  assert.equal(pos(sub(x).valuesSpan), [1, 414, 1, 450]);
  assert.is(r.text(sub(x).valuesSpan), '\\"system:serviceaccount:team-a:web\\"');
});

// ---- TypeScript: CDK and Pulumi ---------------------------------------------------------------

const CDK = `import * as cdk from 'aws-cdk-lib';
import { aws_iam as iam } from 'aws-cdk-lib';
import { FederatedPrincipal } from 'aws-cdk-lib/aws-iam';
import * as eks from 'aws-cdk-lib/aws-eks';

const issuer = '${HOST}';
const ns = 'team-a';
const conditions = { StringEquals: { [\`\${issuer}:sub\`]: \`system:serviceaccount:\${ns}:web\` } };

export class S extends cdk.Stack {
  constructor(scope: cdk.App, id: string, cluster: eks.Cluster) {
    super(scope, id);
    new iam.Role(this, 'Web', {
      roleName: 'web-role',
      assumedBy: new FederatedPrincipal(\`arn:aws:iam::111122223333:oidc-provider/\${issuer}\`, conditions, 'sts:AssumeRoleWithWebIdentity'),
    });
    new cdk.aws_iam.Role(this, 'Cluster', {
      assumedBy: new iam.OpenIdConnectPrincipal(cluster.openIdConnectProvider, {
        StringEquals: { [\`\${cluster.clusterOpenIdConnectIssuer}:sub\`]: 'system:serviceaccount:team-a:x' },
      }),
    });
    const p = new iam.OpenIdConnectProvider(this, 'P', { url: \`https://\${issuer}\`, clientIds: ['sts.amazonaws.com'] });
    new iam.CfnRole(this, 'Cfn', {
      roleName: 'cfn-role',
      assumeRolePolicyDocument: iam.PolicyDocument.fromJson({
        Statement: [{ Effect: 'Allow', Principal: { Federated: p.openIdConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [\`\${p.openIdConnectProviderIssuer}:sub\`]: 'system:serviceaccount:team-a:cfn' } } }],
      }),
    });
    cluster.addServiceAccount('Sa', { name: 'worker', namespace: ns, annotations: { 'eks.amazonaws.com/token-expiration': '3600' } });
    new eks.ServiceAccount(this, 'Generated', { cluster });
  }
}
`;

test('CDK: roles, principals, computed keys, consts and template literals, with TypeScript positions', () => {
  const r = load({ 'stack.ts': CDK });
  assert.equal(r.problems, []);
  assert.equal(roles(r).map((x) => [x.label, x.source]), [
    ['role web-role', 'cdk'],
    ['role Cluster', 'cdk'],
    ['role cfn-role', 'cdk'],
    ['role Sa/Role', 'cdk'],
    ['role Generated/Role', 'cdk'],
  ]);
  const web = role(r, 'role web-role');
  assert.equal(pos(web.name!.span), [14, 17, 14, 27]);
  const s = web.trust!.statements[0];
  assert.is(s.federated[0].value, `arn:aws:iam::111122223333:oidc-provider/${HOST}`);
  assert.is(r.text(s.federated[0]), '`arn:aws:iam::111122223333:oidc-provider/${issuer}`');
  assert.equal(s.actions.map((a) => a.value), ['sts:AssumeRoleWithWebIdentity']);
  const c = sub(web);
  assert.is(c.key.value, `${HOST}:sub`);
  assert.is(r.text(c.key), '`${issuer}:sub`');
  assert.is(r.text(c.valuesSpan), '`system:serviceaccount:${ns}:web`');
  assert.equal(pos(c.valuesSpan), [8, 57, 8, 90]);
  assert.is(r.text(subSpan(c.values[0], 0, 21)), 'system:serviceaccount');
  assert.is(roleAdmits(web, { sub: 'system:serviceaccount:team-a:web' }, ['sub']), true);

  const cluster = role(r, 'role Cluster');
  assert.ok(sub(cluster).prefixUnknown && !sub(cluster).unknown, 'the cluster issuer is not static, the claim is');
  assert.ok(cluster.trust!.statements[0].federated[0].unknown);

  const cfn = role(r, 'role cfn-role');
  assert.is(sub(cfn).key.value, `${HOST}:sub`);
  assert.is(r.text(sub(cfn).valuesSpan), "'system:serviceaccount:team-a:cfn'");
  assert.ok(cfn.trust!.statements[0].federated[0].unknown, 'a new provider has an unknown account');

  const [p] = providers(r);
  assert.is(p.host, HOST);
  assert.is(r.text(p.clientIds[0]), "'sts.amazonaws.com'");
});

test('CDK: addServiceAccount creates the ServiceAccount and a role that trusts it', () => {
  const r = load({ 'stack.ts': CDK });
  const sas = r.resources.filter((x): x is ServiceAccount => x.kind === 'k8s:ServiceAccount');
  assert.equal(sas.map((x) => x.key), ['k8s:ServiceAccount/team-a/worker'], 'a generated name gives no ServiceAccount');
  const [sa] = sas;
  assert.is(r.text(sa.name!), "'worker'");
  assert.is(sa.namespaceUnknown, false);
  assert.ok(sa.annotations.get('eks.amazonaws.com/role-arn')?.value.unknown);
  assert.is(sa.annotations.get('eks.amazonaws.com/token-expiration')?.value.value, '3600');
  const x = role(r, 'role Sa/Role');
  const c = sub(x);
  assert.equal(c.values.map((v) => v.value), ['system:serviceaccount:team-a:worker']);
  assert.ok(c.prefixUnknown && !c.unknown, 'the key names the cluster issuer, which is unknown; its claim is known');
  assert.is(roleAdmits(x, { sub: 'system:serviceaccount:team-a:worker' }, ['sub']), true);
  assert.is(roleAdmits(x, { sub: 'system:serviceaccount:team-a:other' }, ['sub']), false, 'judged as the provider\'s own sub condition');
  assert.is(r.text(c.valuesSpan), "'worker'");
});

test('Pulumi: JSON.stringify, a JSON template literal and getPolicyDocument', () => {
  const text = `import * as aws from '@pulumi/aws';
const host = '${HOST}';
new aws.iam.Role('a', { name: 'a', assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/' + host }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [host + ':sub']: 'system:serviceaccount:ns:a' } } }] }) });
new aws.iam.Role('b', {
  name: 'b',
  assumeRolePolicy: \`{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/\${host}"},
    "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"\${host}:sub": "system:serviceaccount:ns:b"}}}]}\`,
});
const doc = aws.iam.getPolicyDocument({ statements: [{ actions: ['sts:AssumeRoleWithWebIdentity'], principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::111122223333:oidc-provider/x'] }], conditions: [{ test: 'StringEquals', variable: 'x:sub', values: ['system:serviceaccount:ns:c'] }] }] });
new aws.iam.Role('c', { assumeRolePolicy: doc.then((d) => d.json) });
new aws.iam.OpenIdConnectProvider('p', { url: \`https://\${host}\`, clientIdLists: ['sts.amazonaws.com'] });
`;
  const r = load({ 'index.ts': text });
  assert.equal(r.problems, []);
  const a = role(r, 'role a');
  // String concatenation is not evaluated: the Federated value and the key are unknown.
  assert.ok(a.trust!.statements[0].federated[0].unknown);
  assert.ok(a.trust!.statements[0].conditions[0].unknown);
  const b = role(r, 'role b');
  assert.is(sub(b).key.value, `${HOST}:sub`);
  assert.is(r.text(sub(b).key), '"${host}:sub"');
  assert.is(r.text(sub(b).valuesSpan), '"system:serviceaccount:ns:b"');
  assert.equal(pos(sub(b).valuesSpan), [7, 94, 7, 122]);
  const c = role(r, 'role c');
  assert.is(c.name, undefined, 'an auto-named Pulumi role has no known name');
  assert.equal(sub(c).values.map((v) => v.value), ['system:serviceaccount:ns:c']);
  assert.is(r.text(sub(c).valuesSpan), "['system:serviceaccount:ns:c']");
  assert.is(c.trust!.statements[0].effect?.value, 'Allow');
  const [p] = providers(r);
  assert.is(p.host, HOST);
});

test('TypeScript: a syntax error is a problem at its position; files without IaC imports are ignored', () => {
  const r = load({ 'bad.ts': "import * as iam from 'aws-cdk-lib/aws-iam';\nconst x = {;\n", 'app.ts': 'export const x: number = {;', 'types.d.ts': "import 'aws-cdk-lib';" });
  assert.equal(
    r.problems.map((p) => [p.code, p.message, pos(p.span)]),
    [['TS_SYNTAX', 'property assignment expected', [2, 12, 2, 13]]],
  );
  assert.equal(r.resources, []);
});

test('discover: TypeScript files only when they import CDK or Pulumi; no declaration files, node_modules or tool caches', () => {
  const dir = tmpRepo({
    'infra/stack.ts': "import * as iam from 'aws-cdk-lib/aws-iam';\n",
    'infra/pulumi.ts': 'import * as aws from "@pulumi/aws";\n',
    'infra/v1.ts': "import * as iam from '@aws-cdk/aws-iam';\n",
    'src/app.ts': "import express from 'express';\n",
    'src/types.d.ts': "import 'aws-cdk-lib';\n",
    'node_modules/x/index.ts': "import 'aws-cdk-lib';\n",
    'k8s/sa.yaml': 'kind: ServiceAccount\n',
    'cdk.out/Stack.template.json': '{"Resources": {}}',
    '.terraform/modules/irsa/examples/sa.yaml': 'kind: ServiceAccount\n',
  });
  try {
    const found = discover(['.'], dir).files.map((f) => displayPath(f, dir));
    assert.equal(found, ['infra/pulumi.ts', 'infra/stack.ts', 'infra/v1.ts', 'k8s/sa.yaml']);
    // An explicit file is always listed (the loader still skips it when it is not IaC).
    assert.equal(discover(['src/app.ts'], dir).files.map((f) => path.basename(f)), ['app.ts']);
    assert.ok(fs.existsSync(path.join(dir, 'src/app.ts')));
  } finally {
    rmRepo(dir);
  }
});

test.run();
