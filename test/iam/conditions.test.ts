import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  evaluateConditions,
  evaluateOperator,
  likeMatch,
  parseOperator,
  subjectScope,
  type ContextValue,
  type OperatorInfo,
} from '../../src/iam/conditions.js';

const SUB = 'system:serviceaccount:prod:api';

// ---------------------------------------------------------------- parseOperator

const parsed: [op: string, expected: Partial<OperatorInfo>][] = [
  ['StringEquals', { base: 'StringEquals', known: true, family: 'string', negated: false, like: false, ignoreCase: false, ifExists: false }],
  ['StringNotEquals', { family: 'string', negated: true, like: false }],
  ['StringEqualsIgnoreCase', { family: 'string', negated: false, ignoreCase: true }],
  ['StringNotEqualsIgnoreCase', { family: 'string', negated: true, ignoreCase: true }],
  ['StringLike', { family: 'string', negated: false, like: true }],
  ['StringNotLike', { family: 'string', negated: true, like: true }],
  ['StringLikeIfExists', { base: 'StringLike', known: true, like: true, ifExists: true }],
  ['ForAnyValue:StringLike', { base: 'StringLike', known: true, qualifier: 'ForAnyValue' }],
  ['ForAllValues:StringNotEqualsIfExists', { base: 'StringNotEquals', known: true, negated: true, ifExists: true, qualifier: 'ForAllValues' }],
  ['NumericLessThanEquals', { family: 'numeric', known: true }],
  ['NumericNotEquals', { family: 'numeric', negated: true }],
  ['DateGreaterThan', { family: 'date', known: true }],
  ['DateNotEquals', { family: 'date', negated: true }],
  ['Bool', { family: 'bool', known: true }],
  ['BoolIfExists', { family: 'bool', known: true, ifExists: true }],
  ['BinaryEquals', { family: 'binary', known: true }],
  ['IpAddress', { family: 'ip', negated: false }],
  ['NotIpAddress', { family: 'ip', negated: true }],
  ['ArnEquals', { family: 'arn', negated: false, like: true }],
  ['ArnLike', { family: 'arn', negated: false, like: true }],
  ['ArnNotEquals', { family: 'arn', negated: true, like: true }],
  ['ArnNotLike', { family: 'arn', negated: true, like: true }],
  ['Null', { family: 'null', known: true }],
  ['NullIfExists', { base: 'Null', family: 'null', known: false, ifExists: true }],
  ['ForAnyValue:Null', { family: 'null', known: true, qualifier: 'ForAnyValue' }],
  ['__doc_comment', { base: '__doc_comment', known: false, family: 'unknown' }],
  ['StringEqual', { known: false, family: 'unknown' }],
  ['stringequals', { known: false, family: 'unknown' }],
  ['StringEqualsIfexists', { known: false }],
  ['forallvalues:StringEquals', { known: false }],
  ['ForAnyValue:ForAllValues:StringEquals', { known: false, qualifier: 'ForAnyValue' }],
  ['IfExists', { known: false }],
  ['StringLikeIgnoreCase', { known: false, family: 'unknown' }], // IAM has no case-insensitive Like operator
  ['ForAllValues:NullIfExists', { known: false, family: 'null', qualifier: 'ForAllValues' }],
  ['ArnEqualsIfExists', { base: 'ArnEquals', known: true, family: 'arn', like: true, ifExists: true }],
  ['ForAnyValue:StringNotLikeIfExists', { base: 'StringNotLike', known: true, negated: true, like: true, ifExists: true, qualifier: 'ForAnyValue' }],
  ['ForAnyValue:', { known: false, qualifier: 'ForAnyValue' }],
  [' StringEquals', { known: false }],
  ['', { known: false }],
];

for (const [op, expected] of parsed) {
  test(`parseOperator ${JSON.stringify(op)}`, () => {
    const info = parseOperator(op);
    assert.is(info.raw, op);
    for (const [k, v] of Object.entries(expected)) assert.equal(info[k as keyof OperatorInfo], v, `${op}.${k}`);
    if (!('qualifier' in expected)) assert.is(info.qualifier, undefined);
  });
}

// ---------------------------------------------------------------- likeMatch

const likes: [pattern: string, value: string, expected: boolean, ignoreCase?: boolean][] = [
  ['*', '', true],
  ['*', 'anything', true],
  ['', '', true],
  ['', 'a', false],
  ['a*', 'a', true],
  ['a*b', 'ab', true],
  ['a*b', 'axxxb', true],
  ['a*b', 'axxxbc', false],
  ['*b*', 'abc', true],
  ['a*b*c', 'aXbYbZc', true],
  ['?', 'a', true],
  ['?', '', false],
  ['?', 'ab', false],
  ['a?c', 'abc', true],
  ['a?c', 'ac', false],
  ['??*', 'a', false],
  ['system:serviceaccount:prod:?pi', SUB, true],
  ['system:serviceaccount:prod:*', SUB, true],
  ['system:serviceaccount:dev:*', SUB, false],
  // No regex injection: regex metacharacters are literal.
  ['a.c', 'abc', false],
  ['a.c', 'a.c', true],
  ['(a|b)+', 'a', false],
  ['(a|b)+', '(a|b)+', true],
  ['[a]', '[a]', true],
  ['^a$', '^a$', true],
  ['a\\*', 'a\\xyz', true],
  // Policy variables are out of scope and literal.
  ['home/${aws:username}/', 'home/${aws:username}/', true],
  ['home/${aws:username}/', 'home/bob/', false],
  // Case.
  ['ABC*', 'abcdef', false],
  ['ABC*', 'abcdef', true, true],
  // `?` is one code point, not one UTF-16 unit.
  ['?', '😀', true],
];

for (const [pattern, value, expected, ignoreCase] of likes) {
  test(`likeMatch ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}${ignoreCase ? ' (ignore case)' : ''}`, () => {
    assert.is(likeMatch(pattern, value, ignoreCase), expected);
  });
}

test('likeMatch: many stars against a long value (no exponential backtracking: this would not finish)', () => {
  assert.is(likeMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
  assert.is(likeMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000) + 'b'), true);
});

// ---------------------------------------------------------------- evaluateOperator

type Case = [op: string, policy: string[], ctx: ContextValue, expected: boolean | undefined, why: string];

const ABSENT = undefined;

const cases: Case[] = [
  // StringEquals: exact, case-sensitive; policy values ORed.
  ['StringEquals', [SUB], SUB, true, 'exact match'],
  ['StringEquals', [SUB], 'system:serviceaccount:prod:API', false, 'values are case-sensitive'],
  ['StringEquals', ['system:serviceaccount:dev:api', SUB], SUB, true, 'list of policy values is ORed'],
  ['StringEquals', ['system:serviceaccount:dev:api', 'system:serviceaccount:qa:api'], SUB, false, 'no value of the list matches'],
  ['StringEquals', [SUB], ABSENT, false, 'absent key: positive operator is false'],
  ['StringEquals', ['system:serviceaccount:prod:*'], SUB, false, '`*` is literal under StringEquals'],
  ['StringEquals', ['system:serviceaccount:prod:*'], 'system:serviceaccount:prod:*', true, 'literal `*` matches only itself'],
  ['StringEquals', ['system:serviceaccount:prod:?pi'], SUB, false, '`?` is literal under StringEquals'],
  ['StringEquals', [], SUB, false, 'empty policy list matches nothing'],
  // StringNotEquals: negated; several values must all differ (AND).
  ['StringNotEquals', ['system:serviceaccount:dev:api'], SUB, true, 'differs'],
  ['StringNotEquals', [SUB], SUB, false, 'equals'],
  ['StringNotEquals', ['system:serviceaccount:dev:api', SUB], SUB, false, 'negated list: matching any value makes it false'],
  ['StringNotEquals', ['system:serviceaccount:dev:api', 'system:serviceaccount:qa:api'], SUB, true, 'negated list: matches none'],
  ['StringNotEquals', [SUB], ABSENT, true, 'absent key: negated operator is TRUE'],
  ['StringNotEquals', [SUB], 'system:serviceaccount:prod:API', true, 'case-sensitive'],
  // IgnoreCase variants.
  ['StringEqualsIgnoreCase', [SUB], 'System:ServiceAccount:PROD:Api', true, 'case ignored'],
  ['StringEqualsIgnoreCase', [SUB], 'system:serviceaccount:prod:apx', false, 'still exact'],
  ['StringEqualsIgnoreCase', ['system:serviceaccount:prod:*'], SUB, false, 'no wildcards under IgnoreCase'],
  ['StringEqualsIgnoreCase', [SUB], ABSENT, false, 'absent key'],
  ['StringNotEqualsIgnoreCase', [SUB], 'SYSTEM:SERVICEACCOUNT:PROD:API', false, 'equal ignoring case'],
  ['StringNotEqualsIgnoreCase', [SUB], 'system:serviceaccount:dev:api', true, 'differs'],
  ['StringNotEqualsIgnoreCase', [SUB], ABSENT, true, 'absent key: negated is true'],
  // StringLike / StringNotLike.
  ['StringLike', ['system:serviceaccount:prod:*'], SUB, true, '`*` wildcard'],
  ['StringLike', ['system:serviceaccount:prod:?pi'], SUB, true, '`?` wildcard'],
  ['StringLike', ['system:serviceaccount:prod:??'], SUB, false, '`?` is exactly one character'],
  ['StringLike', ['system:serviceaccount:PROD:*'], SUB, false, 'StringLike is case-sensitive'],
  ['StringLike', ['system:serviceaccount:dev:*', 'system:serviceaccount:prod:*'], SUB, true, 'patterns ORed'],
  ['StringLike', ['system:serviceaccount:prod:*'], ABSENT, false, 'absent key'],
  ['StringLike', [SUB], SUB, true, 'pattern without wildcards is exact'],
  ['StringNotLike', ['system:serviceaccount:dev:*'], SUB, true, 'does not match'],
  ['StringNotLike', ['system:serviceaccount:prod:*'], SUB, false, 'matches'],
  ['StringNotLike', ['system:serviceaccount:dev:*', 'system:serviceaccount:prod:*'], SUB, false, 'negated patterns are ANDed'],
  ['StringNotLike', ['system:serviceaccount:dev:*', 'system:serviceaccount:qa:*'], SUB, true, 'matches none'],
  ['StringNotLike', ['*'], ABSENT, true, 'absent key: negated is true'],
  // IfExists.
  ['StringEqualsIfExists', [SUB], ABSENT, true, 'absent key: IfExists is true'],
  ['StringEqualsIfExists', [SUB], SUB, true, 'present, matches'],
  ['StringEqualsIfExists', [SUB], 'system:serviceaccount:dev:api', false, 'present, no match: evaluated normally'],
  ['StringLikeIfExists', ['system:serviceaccount:prod:*'], ABSENT, true, 'absent key'],
  ['StringLikeIfExists', ['system:serviceaccount:dev:*'], SUB, false, 'present, no match'],
  ['StringNotEqualsIfExists', [SUB], ABSENT, true, 'absent key'],
  ['StringNotEqualsIfExists', [SUB], SUB, false, 'present, equal'],
  ['StringEqualsIfExists', [SUB], [], true, 'empty list counts as absent'],
  ['BoolIfExists', ['true'], ABSENT, true, 'absent key'],
  // ForAnyValue.
  ['ForAnyValue:StringEquals', ['sts.amazonaws.com'], ABSENT, false, 'absent key'],
  ['ForAnyValue:StringEquals', ['sts.amazonaws.com'], [], false, 'empty set'],
  ['ForAnyValue:StringEquals', ['sts.amazonaws.com'], 'sts.amazonaws.com', true, 'single value matches'],
  ['ForAnyValue:StringEquals', ['sts.amazonaws.com'], 'openshift', false, 'single value, no match'],
  ['ForAnyValue:StringEquals', ['sts.amazonaws.com'], ['openshift', 'sts.amazonaws.com'], true, 'one of several matches'],
  ['ForAnyValue:StringEquals', ['sts.amazonaws.com'], ['openshift', 'vault'], false, 'none matches'],
  ['ForAnyValue:StringEquals', ['a', 'b'], ['x', 'b'], true, 'policy list ORed'],
  ['ForAnyValue:StringLike', ['sts.*'], ['openshift', 'sts.amazonaws.com'], true, 'with Like'],
  ['ForAnyValue:StringNotEquals', ['a'], ['a', 'b'], true, 'negated: one value matches none of the policy'],
  ['ForAnyValue:StringNotEquals', ['a', 'b'], ['a', 'b'], false, 'negated: every value matches some policy value'],
  ['ForAnyValue:StringNotEquals', ['a'], ABSENT, false, 'negated, absent: the set operator decides (false)'],
  ['ForAnyValue:StringEqualsIfExists', ['a'], ABSENT, true, 'IfExists wins on an absent key'],
  // ForAllValues.
  ['ForAllValues:StringEquals', ['a'], ABSENT, true, 'absent key: vacuously TRUE (dangerous in an Allow)'],
  ['ForAllValues:StringEquals', ['a'], [], true, 'empty set: TRUE'],
  ['ForAllValues:StringEquals', ['a'], 'a', true, 'single value matches'],
  ['ForAllValues:StringEquals', ['a'], 'b', false, 'single value, no match'],
  ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'b'], true, 'every value matches some policy value'],
  ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'c'], false, 'one value matches nothing'],
  ['ForAllValues:StringLike', ['system:serviceaccount:prod:*'], SUB, true, 'with Like'],
  ['ForAllValues:StringLike', ['Created*'], ['CreatedBy', 'CreatedAt'], true, 'IAM doc example'],
  ['ForAllValues:StringNotLike', ['key1*'], ['key1:legal'], false, 'IAM doc table: no match'],
  ['ForAllValues:StringNotLike', ['key1*'], ['key1:hr', 'key1:personnel'], false, 'IAM doc table: no match'],
  ['ForAllValues:StringNotLike', ['key1*'], ['key2:audit'], true, 'IAM doc table: match'],
  ['ForAllValues:StringNotLike', ['key1*'], ABSENT, true, 'IAM doc table: absent key matches'],
  ['ForAllValues:StringEqualsIgnoreCase', ['A'], ['a', 'A'], true, 'with IgnoreCase'],
  // Multivalued context without a qualifier (our documented choice).
  ['StringEquals', ['sts.amazonaws.com'], ['sts.amazonaws.com'], true, 'one-element array behaves as the scalar'],
  ['StringEquals', ['sts.amazonaws.com'], ['openshift', 'sts.amazonaws.com'], true, 'positive: any request value matches'],
  ['StringEquals', ['sts.amazonaws.com'], ['openshift', 'vault'], false, 'positive: none matches'],
  ['StringEquals', ['sts.amazonaws.com'], [], false, 'empty list counts as absent: positive false'],
  ['StringNotEquals', ['sts.amazonaws.com'], ['openshift', 'sts.amazonaws.com'], false, 'negated: the complement (one value is excluded)'],
  ['StringNotEquals', ['sts.amazonaws.com'], ['openshift', 'vault'], true, 'negated: no value is excluded'],
  ['StringNotEquals', ['sts.amazonaws.com'], [], true, 'empty list counts as absent: negated true'],
  // ARN operators: component-wise, wildcards in both ArnEquals and ArnLike.
  ['ArnEquals', ['arn:aws:iam::123456789012:role/a'], 'arn:aws:iam::123456789012:role/a', true, 'equal'],
  ['ArnEquals', ['arn:aws:iam::*:role/a'], 'arn:aws:iam::123456789012:role/a', true, 'ArnEquals honours wildcards like ArnLike'],
  ['ArnLike', ['arn:aws:iam::123456789012:role/*'], 'arn:aws:iam::123456789012:role/path/a', true, 'wildcard in the resource'],
  ['ArnLike', ['arn:aws:iam::123456789012:role/*'], 'arn:aws:IAM::123456789012:role/a', false, 'case-sensitive'],
  ['ArnLike', ['arn:aws:someservice:*:111122223333:finance/*'], 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt', false, 'IAM doc: `*` does not cross a colon'],
  ['StringLike', ['arn:aws:someservice:*:111122223333:finance/*'], 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt', true, 'IAM doc: StringLike does'],
  ['ArnLike', ['arn:aws:iam::123456789012:role/a'], ABSENT, false, 'absent key'],
  ['ArnNotLike', ['arn:aws:iam::123456789012:role/*'], 'arn:aws:iam::123456789012:role/a', false, 'negated, matches'],
  ['ArnNotEquals', ['arn:aws:iam::123456789012:role/b'], 'arn:aws:iam::123456789012:role/a', true, 'negated, differs'],
  ['ArnNotLike', ['arn:aws:iam::123456789012:role/*'], ABSENT, true, 'absent key: negated true'],
  ['ArnLike', ['*'], 'arn:aws:iam::123456789012:role/a', true, 'a bare `*` matches any ARN'],
  // Bool.
  ['Bool', ['true'], 'true', true, 'true'],
  ['Bool', ['true'], 'false', false, 'false'],
  ['Bool', ['True'], 'true', true, 'boolean text is not case-sensitive'],
  ['Bool', ['true'], ABSENT, false, 'absent key'],
  ['Bool', ['yes'], 'true', undefined, 'not a boolean'],
  // Null.
  ['Null', ['true'], ABSENT, true, 'true = key is absent'],
  ['Null', ['true'], 'x', false, 'key present'],
  ['Null', ['false'], 'x', true, 'false = key is present'],
  ['Null', ['false'], ABSENT, false, 'key absent'],
  ['Null', ['false'], '', true, 'an empty string is present'],
  ['Null', ['true'], [], true, 'an empty list counts as absent'],
  ['Null', ['maybe'], 'x', undefined, 'not a boolean'],
  ['ForAllValues:Null', ['false'], 'x', true, 'a qualifier does not change an existence test'],
  // More of the operator × qualifier × IfExists table.
  ['StringNotEquals', ['system:serviceaccount:prod:*'], SUB, true, '`*` is literal under StringNotEquals: excludes nothing real'],
  ['StringEqualsIgnoreCase', ['system:serviceaccount:prod:?PI'], 'system:serviceaccount:prod:?pi', true, 'literal `?` under IgnoreCase, case ignored'],
  ['StringNotEqualsIgnoreCase', ['system:serviceaccount:dev:api', SUB.toUpperCase()], SUB, false, 'negated IgnoreCase list: one equal value makes it false'],
  ['StringLike', ['system:serviceaccount:*:api'], SUB, true, '`*` in the middle'],
  ['StringLike', ['system:serviceaccount:*'], 'system:serviceaccount:prod:api:extra', true, '`*` also matches colons'],
  ['StringLike', ['*'], '', true, '`*` matches the empty string'],
  ['StringLike', ['?'], '', false, '`?` needs one character'],
  ['StringNotLike', ['system:serviceaccount:PROD:*'], SUB, true, 'negated Like is case-sensitive too'],
  ['StringEqualsIgnoreCaseIfExists', [SUB], ABSENT, true, 'IgnoreCase + IfExists, absent'],
  ['StringEqualsIgnoreCaseIfExists', [SUB.toUpperCase()], SUB, true, 'IgnoreCase + IfExists, present'],
  ['StringNotLikeIfExists', ['system:serviceaccount:prod:*'], SUB, false, 'negated Like + IfExists, present and matching'],
  ['StringNotLikeIfExists', ['system:serviceaccount:prod:*'], ABSENT, true, 'negated Like + IfExists, absent'],
  ['StringLikeIfExists', ['system:serviceaccount:prod:*'], ['system:serviceaccount:dev:a', SUB], true, 'IfExists with a multivalued context behaves like the plain operator'],
  ['ForAnyValue:StringNotLike', ['key1*'], ['key1:a', 'key2:b'], true, 'ForAnyValue negated: one value outside the patterns'],
  ['ForAnyValue:StringNotLike', ['key1*'], ['key1:a'], false, 'ForAnyValue negated: every value inside'],
  ['ForAnyValue:StringEqualsIgnoreCase', ['STS.AMAZONAWS.COM'], ['openshift', 'sts.amazonaws.com'], true, 'ForAnyValue + IgnoreCase'],
  ['ForAnyValue:StringEquals', ['sts.*'], ['sts.amazonaws.com'], false, '`*` literal under ForAnyValue:StringEquals'],
  ['ForAnyValue:StringLikeIfExists', ['sts.*'], ['vault'], false, 'IfExists does not rescue a present non-matching value'],
  ['ForAllValues:StringNotEquals', ['a', 'b'], ['c', 'd'], true, 'ForAllValues negated: no value is excluded'],
  ['ForAllValues:StringNotEquals', ['a', 'b'], ['c', 'a'], false, 'ForAllValues negated: one value is excluded'],
  ['ForAllValues:StringNotEquals', ['a'], ABSENT, true, 'ForAllValues negated, absent: vacuously true'],
  ['ForAllValues:StringEqualsIfExists', ['a'], ABSENT, true, 'ForAllValues + IfExists, absent'],
  ['ForAllValues:StringLikeIfExists', ['a*'], ['ab', 'b'], false, 'ForAllValues + IfExists, present: every value must match'],
  ['ForAllValues:StringEquals', ['a'], ['A'], false, 'ForAllValues keeps StringEquals case-sensitive'],
  ['ForAllValues:StringEquals', [SUB], SUB, true, 'ForAllValues on the single-valued sub: same as StringEquals when present'],
  ['StringLike', ['system:serviceaccount:prod:*'], ['system:serviceaccount:dev:a', SUB], true, 'multivalued, no qualifier, Like: any value matches'],
  ['StringNotLike', ['system:serviceaccount:prod:*'], ['system:serviceaccount:dev:a', SUB], false, 'multivalued, no qualifier, negated Like: one value matches, so false'],
  ['StringEqualsIgnoreCase', ['sts.amazonaws.com'], ['OPENSHIFT', 'STS.AMAZONAWS.COM'], true, 'multivalued, no qualifier, IgnoreCase'],
  // Not evaluated.
  ['NullIfExists', ['true'], ABSENT, undefined, 'IAM rejects NullIfExists'],
  ['NumericLessThan', ['10'], '5', undefined, 'numeric'],
  ['DateGreaterThan', ['2020-01-01T00:00:00Z'], '2021-01-01T00:00:00Z', undefined, 'date'],
  ['IpAddress', ['203.0.113.0/24'], '203.0.113.5', undefined, 'ip'],
  ['NotIpAddress', ['203.0.113.0/24'], ABSENT, undefined, 'ip, absent'],
  ['BinaryEquals', ['QmluYXJ5'], 'QmluYXJ5', undefined, 'binary'],
  ['__doc_comment', ['anything'], 'anything', undefined, 'unknown operator'],
  ['StringEqual', [SUB], SUB, undefined, 'misspelt operator'],
  ['stringequals', [SUB], SUB, undefined, 'wrong case'],
];

for (const [op, policy, ctx, expected, why] of cases) {
  test(`evaluateOperator ${op} ${JSON.stringify(policy)} vs ${ctx === undefined ? '<absent>' : JSON.stringify(ctx)}: ${why}`, () => {
    assert.is(evaluateOperator(op, policy, ctx), expected);
  });
}

// ---------------------------------------------------------------- evaluateConditions

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const token = { [`${ISSUER}:sub`]: SUB, [`${ISSUER}:aud`]: ['sts.amazonaws.com'] };

const blocks: [name: string, clauses: { operator: string; key: string; values: string[] }[], context: Record<string, ContextValue>, expected: boolean | undefined][] = [
  ['no clauses', [], token, true],
  ['sub and aud both match (AND)', [
    { operator: 'StringEquals', key: `${ISSUER}:sub`, values: [SUB] },
    { operator: 'StringEquals', key: `${ISSUER}:aud`, values: ['sts.amazonaws.com'] },
  ], token, true],
  ['one clause false makes the block false', [
    { operator: 'StringEquals', key: `${ISSUER}:sub`, values: [SUB] },
    { operator: 'StringEquals', key: `${ISSUER}:aud`, values: ['openshift'] },
  ], token, false],
  ['key names match case-insensitively', [
    { operator: 'StringEquals', key: `${ISSUER.toUpperCase()}:SUB`, values: [SUB] },
  ], token, true],
  ['values stay case-sensitive with a case-insensitive key', [
    { operator: 'StringEquals', key: `${ISSUER.toLowerCase()}:Sub`, values: [SUB.toUpperCase()] },
  ], token, false],
  ['typo in the key prefix: positive operator denies', [
    { operator: 'StringEquals', key: 'oidc.eks.us-east-1.amazonaws.com/id/WRONG:sub', values: [SUB] },
  ], token, false],
  ['typo in the key prefix: IfExists silently allows', [
    { operator: 'StringEqualsIfExists', key: 'oidc.eks.us-east-1.amazonaws.com/id/WRONG:sub', values: [SUB] },
  ], token, true],
  ['typo in the key prefix: negated operator silently allows', [
    { operator: 'StringNotEquals', key: 'oidc.eks.us-east-1.amazonaws.com/id/WRONG:sub', values: ['system:serviceaccount:kube-system:default'] },
  ], token, true],
  ['ForAllValues on a missing claim allows', [
    { operator: 'ForAllValues:StringLike', key: `${ISSUER}:amr`, values: ['nothing'] },
  ], token, true],
  ['the same key under two operators is ANDed', [
    { operator: 'StringLike', key: `${ISSUER}:sub`, values: ['system:serviceaccount:prod:*'] },
    { operator: 'StringNotEquals', key: `${ISSUER}:sub`, values: [SUB] },
  ], token, false],
  ['several values of one key are ORed', [
    { operator: 'StringEquals', key: `${ISSUER}:sub`, values: ['system:serviceaccount:dev:api', SUB] },
  ], token, true],
  ['a context key written in another case is found', [
    { operator: 'StringEquals', key: `${ISSUER}:sub`, values: [SUB] },
  ], { [`${ISSUER.toUpperCase()}:SUB`]: SUB }, true],
  ['negated operator on a key absent from the context: true (restriction void)', [
    { operator: 'StringNotEquals', key: `${ISSUER}:sub`, values: ['system:serviceaccount:kube-system:default'] },
  ], {}, true],
  ['ForAllValues on the sub claim of a token without sub: true', [
    { operator: 'ForAllValues:StringEquals', key: `${ISSUER}:sub`, values: [SUB] },
  ], { [`${ISSUER}:aud`]: ['sts.amazonaws.com'] }, true],
  ['the aud array with plain StringEquals', [
    { operator: 'StringEquals', key: `${ISSUER}:aud`, values: ['sts.amazonaws.com'] },
  ], { [`${ISSUER}:aud`]: ['sts.amazonaws.com', 'openshift'] }, true],
  ['unevaluable clause and nothing false: undefined', [
    { operator: 'StringEquals', key: `${ISSUER}:sub`, values: [SUB] },
    { operator: 'NumericLessThan', key: 'x', values: ['1'] },
  ], token, undefined],
  ['unevaluable clause but another is false: false', [
    { operator: '__doc_comment', key: 'x', values: ['y'] },
    { operator: 'StringEquals', key: `${ISSUER}:sub`, values: ['system:serviceaccount:dev:api'] },
  ], token, false],
];

for (const [name, clauses, context, expected] of blocks) {
  test(`evaluateConditions: ${name}`, () => {
    assert.is(evaluateConditions(clauses, context), expected);
  });
}

test('evaluateConditions: first of two keys differing only in case wins, an undefined value is absent', () => {
  assert.is(evaluateConditions([{ operator: 'StringEquals', key: 'k', values: ['a'] }], { K: 'a', k: 'b' }), true);
  assert.is(evaluateConditions([{ operator: 'Null', key: 'k', values: ['true'] }], { k: undefined }), true);
});

// ---------------------------------------------------------------- subjectScope

const scopes: [op: string, value: string, expected: ReturnType<typeof subjectScope>][] = [
  ['StringEquals', SUB, 'exact'],
  ['StringLike', SUB, 'exact'],
  ['StringEquals', 'system:serviceaccount:prod:*', 'exact'], // `*` is literal: matches one (nonexistent) subject
  ['StringEquals', '*', 'other'],
  ['StringEqualsIgnoreCase', 'System:ServiceAccount:prod:api', 'exact'],
  ['StringLike', 'system:serviceaccount:prod:app-*', 'service-account-pattern'],
  ['StringLike', 'system:serviceaccount:prod:app-?', 'service-account-pattern'],
  ['StringLike', 'system:serviceaccount:prod:*-worker', 'service-account-pattern'],
  ['StringLike', 'system:serviceaccount:prod:*', 'namespace'],
  ['StringLike', 'system:serviceaccount:prod:**', 'namespace'],
  ['StringLike', 'system:serviceaccount:team-*:app', 'namespace-pattern'],
  ['StringLike', 'system:serviceaccount:team-?:*', 'namespace-pattern'],
  ['StringLike', 'system:serviceaccount:team-*', 'namespace-pattern'],
  ['StringLike', 'system:serviceaccount:*:app', 'cluster'],
  ['StringLike', 'system:serviceaccount:*:*', 'cluster'],
  ['StringLike', 'system:serviceaccount:*', 'cluster'],
  ['StringLike', 'system:serviceaccount:*-sa', 'cluster'],
  ['StringLike', '*', 'cluster'],
  ['StringLike', 'system:*', 'cluster'],
  ['ForAnyValue:StringLike', 'system:serviceaccount:*', 'cluster'],
  ['StringNotLike', 'system:serviceaccount:prod:*', 'namespace'], // negation is the caller's business
  ['StringLike', 'repo:org/app:ref:refs/heads/main', 'other'],
  ['StringLike', 'system:node:*', 'other'],
  ['StringEquals', 'system:serviceaccount:prod', 'other'],
  ['StringEquals', 'system:serviceaccount:prod:', 'other'],
  ['StringEquals', 'system:serviceaccount::api', 'other'],
  ['StringEquals', 'System:ServiceAccount:prod:api', 'other'], // case-sensitive operator: never matches a real sub
];

for (const [op, value, expected] of scopes) {
  test(`subjectScope ${op} ${JSON.stringify(value)} ⇒ ${expected}`, () => {
    assert.is(subjectScope(parseOperator(op), value), expected);
  });
}

test.run();
