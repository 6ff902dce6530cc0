/** Pulumi programs (src/load/pulumi.ts): roles, getPolicyDocument, OIDC providers and the `@pulumi/pulumi` helpers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { policyDocumentArgs } from '../../src/load/pulumi.js';
import { loadTsIac } from '../../src/load/ts-iac.js';
import type { OidcProvider, Role } from '../../src/model/iam.js';
import { isMap, isScalar, type PNode } from '../../src/model/pnode.js';
import type { Located, Span } from '../../src/model/span.js';

const HEAD = "import * as pulumi from '@pulumi/pulumi';\nimport * as aws from '@pulumi/aws';\n";

function read(body: string) {
  const text = HEAD + body;
  const r = loadTsIac(text, 'index.ts');
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

/** A compact rendering: scalars as written, `?` after anything unknown. */
function show(v: PNode): string {
  const u = v.unknown ? '?' : '';
  if (isScalar(v)) return `${v.value}${u}`;
  if (isMap(v)) return `{${v.entries.map((e) => `${show(e.key)}: ${show(e.value)}`).join(', ')}}${u}`;
  return `[${v.items.map(show).join(', ')}]${u}`;
}

const SPAN: Span = { file: 'x.ts', line: 1, column: 1, endLine: 1, endColumn: 2 };
const s = (value: string | number | boolean, unknown = false): PNode => ({ type: 'scalar', value, span: SPAN, ...(unknown ? { unknown } : {}) });
const seq = (...items: PNode[]): PNode => ({ type: 'seq', items, span: SPAN });
const map = (o: Record<string, PNode>, unknown = false): PNode => ({ type: 'map', span: SPAN, entries: Object.entries(o).map(([k, value]) => ({ key: { type: 'scalar', value: k, span: SPAN }, value })), ...(unknown ? { unknown } : {}) });

const conversions: [what: string, args: PNode, expected: string][] = [
  [
    'principals grouped by type, conditions by test then variable, Effect defaults to Allow',
    map({
      statements: seq(
        map({
          sid: s('One'),
          actions: seq(s('sts:AssumeRoleWithWebIdentity')),
          principals: seq(map({ type: s('Federated'), identifiers: seq(s('arn:a')) }), map({ type: s('Federated'), identifiers: s('arn:b') }), map({ type: s('AWS'), identifiers: seq(s('*')) })),
          conditions: seq(
            map({ test: s('StringEquals'), variable: s('h:sub'), values: seq(s('x')) }),
            map({ test: s('StringLike'), variable: s('h:sub'), values: seq(s('y*')) }),
            map({ test: s('StringEquals'), variable: s('h:aud'), values: seq(s('sts.amazonaws.com')) }),
          ),
        }),
      ),
    }),
    '{Version: 2012-10-17, Statement: [{Sid: One, Effect: Allow, Principal: {Federated: [arn:a, arn:b], AWS: [*]}, Action: [sts:AssumeRoleWithWebIdentity], Condition: {StringEquals: {h:sub: [x], h:aud: [sts.amazonaws.com]}, StringLike: {h:sub: [y*]}}}]}',
  ],
  [
    'effect, notPrincipals, notActions, resources, notResources',
    map({ statements: seq(map({ effect: s('Deny'), notPrincipals: seq(map({ type: s('Service'), identifiers: seq(s('a')) })), notActions: seq(s('x')), resources: seq(s('*')), notResources: seq(s('r')) })) }),
    '{Version: 2012-10-17, Statement: [{Effect: Deny, NotPrincipal: {Service: [a]}, NotAction: [x], Resource: [*], NotResource: [r]}]}',
  ],
  ['unknown arguments', s('${args}', true), '{Version: 2012-10-17, Statement: ${statements}?}'],
  ['unknown statements', map({ statements: s('${list}', true) }), '{Version: 2012-10-17, Statement: ${statements}?}'],
  ['an unknown statement', map({ statements: seq(s('${st}', true)) }), '{Version: 2012-10-17, Statement: [${statement}?]}'],
  [
    'unknown principals and principal types',
    map({ statements: seq(map({ principals: s('${p}', true), notPrincipals: seq(map({ type: s('${t}', true), identifiers: seq(s('a')) })) })) }),
    '{Version: 2012-10-17, Statement: [{Effect: Allow, Principal: ${p}?, NotPrincipal: {${type}?: ${identifiers}?}}]}',
  ],
  [
    'a condition with an unknown test makes the conditions unknown',
    map({ statements: seq(map({ conditions: seq(map({ test: s('${t}', true), variable: s('v'), values: seq(s('x')) })) })) }),
    '{Version: 2012-10-17, Statement: [{Effect: Allow, Condition: ${conditions}?}]}',
  ],
];

for (const [what, args, expected] of conversions) {
  test(`policyDocumentArgs: ${what}`, () => {
    assert.is(show(policyDocumentArgs(args, SPAN)), expected);
  });
}

test('Role: getPolicyDocument (then, Output.json), JSON.stringify, jsonStringify, output, a JSON template', () => {
  const doc = "{ statements: [{ actions: ['sts:AssumeRoleWithWebIdentity'], principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::1:oidc-provider/h'] }], conditions: [{ test: 'StringEquals', variable: 'h:sub', values: ['system:serviceaccount:ns:a'] }] }] }";
  const json = "{ Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::1:oidc-provider/h' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'h:sub': 'system:serviceaccount:ns:a' } } }] }";
  const r = read(
    `const d = aws.iam.getPolicyDocument(${doc});\n` +
      `new aws.iam.Role('a', { name: 'a', assumeRolePolicy: d.then((x) => x.json) });\n` +
      `new aws.iam.Role('b', { name: 'b', assumeRolePolicy: aws.iam.getPolicyDocumentOutput(${doc}).json });\n` +
      `new aws.iam.Role('c', { name: 'c', assumeRolePolicy: JSON.stringify(${json}) });\n` +
      `new aws.iam.Role('d', { name: 'd', assumeRolePolicy: pulumi.jsonStringify(${json}) });\n` +
      `new aws.iam.Role('e', { name: 'e', assumeRolePolicy: pulumi.output(${json}) });\n` +
      "new aws.iam.Role('f', { name: 'f', assumeRolePolicy: `{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Federated\": \"arn:aws:iam::1:oidc-provider/h\"}, \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Condition\": {\"StringEquals\": {\"h:sub\": \"system:serviceaccount:ns:${'a'}\"}}}]}` });\n",
  );
  assert.equal(r.problems, []);
  for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) {
    const x = r.role(`role ${n}`);
    assert.is(x.source, 'pulumi');
    const sub = x.trust!.statements[0].conditions.find((c) => c.claim === 'sub')!;
    assert.equal([sub.values.map((v) => v.value), sub.unknown, x.trust!.statements[0].federated.map((f) => f.value)], [['system:serviceaccount:ns:a'], false, ['arn:aws:iam::1:oidc-provider/h']], n);
  }
  // getPolicyDocument keeps the positions of its arguments.
  const sub = r.role('role a').trust!.statements[0].conditions[0];
  assert.is(r.src(sub.valuesSpan), "['system:serviceaccount:ns:a']");
  assert.is(r.src(sub.key), "'h:sub'");
});

test('Role: name, path, auto-naming, unknown and broken policies', () => {
  const r = read(
    "new aws.iam.Role('named', { name: pulumi.interpolate`team-${'a'}`, path: '/irsa/', assumeRolePolicy: '{\"Statement\": []}' });\n" +
      "new aws.iam.Role('auto', { assumeRolePolicy: aws.iam.getPolicyDocument(fromElsewhere) });\n" +
      "new aws.iam.Role('bad', { name: 'bad', assumeRolePolicy: '{\"Statement\": [' });\n" +
      "new aws.iam.Role('provider', { name: 'provider', assumeRolePolicy: new aws.iam.OpenIdConnectProvider('p', { url: 'https://h' }) });\n",
  );
  const named = r.role('role team-a');
  assert.equal([named.name?.value, r.src(named.name!), named.path?.value, named.key], ['team-a', "`team-${'a'}`", '/irsa/', 'iam:Role/team-a@index.ts#named']);
  const auto = r.role('role auto');
  assert.is(auto.name, undefined);
  assert.ok(auto.trust!.statementEntry!.value.unknown);
  assert.is(r.role('role bad').trust, undefined);
  assert.equal(r.problems.map((p) => [p.code, p.message.startsWith('assumeRolePolicy: '), p.span.line]), [['POLICY_JSON', true, 5]]);
  assert.ok(r.role('role provider').trust!.node.unknown);
});

test('OIDC provider: url, clientIdLists, and its arn in a trust policy', () => {
  const r = read(
    "const p = new aws.iam.OpenIdConnectProvider('eks', { url: 'https://oidc.example.com/id/1', clientIdLists: ['sts.amazonaws.com'] });\n" +
      "new aws.iam.OpenIdConnectProvider('other', { url: someUrl, clientIdLists: someList });\n" +
      "new aws.iam.Role('r', { name: 'r', assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Federated: p.arn }, Action: 'sts:AssumeRoleWithWebIdentity' }] }) });\n",
  );
  assert.equal(
    r.providers.map((p) => [p.label, p.host, p.clientIds.map((c) => c.value + (c.unknown ? '?' : '')), r.src(p.clientIdsSpan!)]),
    [
      ['OIDC provider oidc.example.com/id/1', 'oidc.example.com/id/1', ['sts.amazonaws.com'], "['sts.amazonaws.com']"],
      ['OIDC provider other', undefined, ['${someList}?'], 'someList'],
    ],
  );
  const fed = r.role('role r').trust!.statements[0].federated[0];
  assert.equal([fed.value, !!fed.unknown, r.src(fed)], ['arn:aws:iam::${AWS::AccountId}:oidc-provider/oidc.example.com/id/1', true, 'p.arn']);
});

test('import styles: @pulumi/aws namespace, a named sub-module, @pulumi/aws/iam', () => {
  const r = loadTsIac(
    "import * as aws from '@pulumi/aws';\nimport { iam } from '@pulumi/aws';\nimport { Role } from '@pulumi/aws/iam';\n" +
      "new aws.iam.Role('a', { name: 'a', assumeRolePolicy: '{}' });\nnew iam.Role('b', { name: 'b', assumeRolePolicy: '{}' });\nnew Role('c', { name: 'c', assumeRolePolicy: '{}' });\n",
    'index.ts',
  );
  assert.equal(r.resources.map((x) => x.label), ['role a', 'role b', 'role c']);
});

test('a CDK-looking call in a Pulumi program is not read as CDK', () => {
  const r = read("cluster.addServiceAccount('sa', { name: 'a' });\n");
  assert.equal([r.resources, r.k8sDocs], [[], []]);
});

test.run();
