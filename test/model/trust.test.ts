/** Trust-policy semantics with values that are not static: unknown provider parts, unknown principals. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseJson } from '../../src/load/json.js';
import { parsePolicy } from '../../src/load/iam.js';
import type { Statement } from '../../src/model/iam.js';
import { located, type Span } from '../../src/model/span.js';
import { claimConditions, splitConditionKey, statementAdmits, trustedProviders } from '../../src/model/trust.js';

const AT: Span = { file: 'x', line: 1, column: 1, endLine: 1, endColumn: 1 };
const HOST = 'oidc.eks.us-east-1.amazonaws.com/id/ABC';

function statement(federated: string, condition: Record<string, Record<string, string | string[]>>): Statement {
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: federated }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
  });
  const r = parseJson(text, 'p.json');
  return parsePolicy(r.node!).statements[0];
}

test('splitConditionKey: the last colon outside placeholders separates the claim', () => {
  const cases: [string, boolean, { prefix: string; claim: string; prefixUnknown: boolean; claimUnknown: boolean }][] = [
    [`${HOST}:sub`, false, { prefix: HOST, claim: 'sub', prefixUnknown: false, claimUnknown: false }],
    ['aws:SourceAccount', false, { prefix: 'aws', claim: 'SourceAccount', prefixUnknown: false, claimUnknown: false }],
    ['${OidcProvider}:sub', true, { prefix: '${OidcProvider}', claim: 'sub', prefixUnknown: true, claimUnknown: false }],
    ['${replace(module.eks.cluster_oidc_issuer_url, "https://", "")}:aud', true, { prefix: '${replace(module.eks.cluster_oidc_issuer_url, "https://", "")}', claim: 'aud', prefixUnknown: true, claimUnknown: false }],
    ['${lookup(local.keys, "a:b")}', true, { prefix: '', claim: '${lookup(local.keys, "a:b")}', prefixUnknown: false, claimUnknown: true }],
    ['${var.issuer}:${var.claim}', true, { prefix: '${var.issuer}', claim: '${var.claim}', prefixUnknown: false, claimUnknown: true }],
    ['{{ .Values.issuer }}:sub', true, { prefix: '{{ .Values.issuer }}', claim: 'sub', prefixUnknown: true, claimUnknown: false }],
    ['${a{b}c}:sub', true, { prefix: '${a{b}c}', claim: 'sub', prefixUnknown: true, claimUnknown: false }],
    // Marked unknown with no placeholder to show which part: nothing is known.
    [`${HOST}:sub`, true, { prefix: HOST, claim: 'sub', prefixUnknown: false, claimUnknown: true }],
  ];
  for (const [key, unknown, want] of cases) assert.equal(splitConditionKey(located(key, AT, unknown)), want, key);
});

test('a sub condition with an unknown provider part is the provider\'s own', () => {
  const s = statement(`arn:aws:iam::111122223333:oidc-provider/${HOST}`, { StringEquals: { '${OidcProvider}:sub': 'system:serviceaccount:a:app' } });
  const [c] = s.conditions;
  assert.ok(c.prefixUnknown && !c.unknown && !c.claimUnknown);
  const [p] = trustedProviders(s)!;
  assert.equal(claimConditions(s, 'sub', p), [c]);
  assert.is(statementAdmits(s, { sub: 'system:serviceaccount:a:app' }, ['sub']), true);
  assert.is(statementAdmits(s, { sub: 'system:serviceaccount:a:other' }, ['sub']), false);
});

test('an unknown Federated principal is a provider whose host is unknown; every sub key may be its own', () => {
  const s = statement('${module.eks.oidc_provider_arn}', { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:a:app' } });
  assert.equal(trustedProviders(s)!.map((p) => p.host), [undefined]);
  assert.is(statementAdmits(s, { sub: 'system:serviceaccount:a:app' }, ['sub']), true);
  assert.is(statementAdmits(s, { sub: 'system:serviceaccount:a:other' }, ['sub']), false, 'rejected whichever provider it is');
  // A negated clause of possibly another issuer: true when the key is absent, so nothing can be said.
  const neg = statement('${module.eks.oidc_provider_arn}', { StringNotEquals: { [`${HOST}:sub`]: 'system:serviceaccount:a:app' } });
  assert.is(statementAdmits(neg, { sub: 'system:serviceaccount:a:other' }, ['sub']), undefined);
  assert.is(statementAdmits(neg, { sub: 'system:serviceaccount:a:app' }, ['sub']), undefined);
});

test('a known provider: a key of another issuer is absent from the request, as in IAM', () => {
  const s = statement(`arn:aws:iam::111122223333:oidc-provider/${HOST}`, { StringEquals: { 'oidc.example.com:sub': 'system:serviceaccount:a:app' } });
  assert.equal(claimConditions(s, 'sub', trustedProviders(s)![0]), []);
  assert.is(statementAdmits(s, { sub: 'system:serviceaccount:a:app' }, ['sub']), false);
  assert.is(statementAdmits(s, { sub: 'system:serviceaccount:a:app' }, ['sub'], { anyPrefix: true }), true);
});

test('a claim that is not static makes the answer unknown', () => {
  const s = statement(`arn:aws:iam::111122223333:oidc-provider/${HOST}`, { StringEquals: { '${var.key}': 'system:serviceaccount:a:app' } });
  assert.ok(s.conditions[0].claimUnknown && s.conditions[0].unknown);
  assert.is(statementAdmits(s, { sub: 'system:serviceaccount:a:other' }, ['sub']), undefined);
});

test('SAML and other non-OIDC principals are no providers', () => {
  const s = statement('arn:aws:iam::111122223333:saml-provider/corp', {});
  assert.equal(trustedProviders(s), []);
});

test.run();
