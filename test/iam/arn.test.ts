import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  PARTITIONS,
  ccoctlRoleName,
  issuerHost,
  parseOidcProviderArn,
  parseRoleArn,
  partitionOfDnsSuffix,
  partitionOfRegion,
  roleNameFromArn,
  type ArnProblem,
} from '../../src/iam/arn.js';

/** The problems as `code@text-of-span`, which checks codes and offsets in one readable string. */
const show = (text: string, problems: readonly ArnProblem[]): string[] =>
  problems.map((p) => `${p.code}@${JSON.stringify(text.slice(p.start, p.end))}`);

// ---------------------------------------------------------------- partitions

test('PARTITIONS lists the eight partitions', () => {
  assert.equal([...PARTITIONS], ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
});

const hosts: [host: string, partition: string | undefined][] = [
  ['oidc.eks.us-east-1.amazonaws.com', 'aws'],
  ['oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', 'aws'],
  ['https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', 'aws'],
  ['OIDC.EKS.US-EAST-1.AMAZONAWS.COM', 'aws'],
  ['my-bucket.s3.us-east-2.amazonaws.com', 'aws'],
  ['oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC', 'aws-cn'],
  ['oidc.eks.us-gov-west-1.amazonaws.com/id/ABC', 'aws-us-gov'],
  ['oidc.eks.eusc-de-east-1.amazonaws.eu/id/ABC', 'aws-eusc'],
  ['oidc.eks.us-iso-east-1.c2s.ic.gov', 'aws-iso'],
  ['oidc.eks.us-isob-east-1.sc2s.sgov.gov', 'aws-iso-b'],
  ['oidc.eks.eu-isoe-west-1.cloud.adc-e.uk', 'aws-iso-e'],
  ['oidc.eks.us-isof-south-1.csp.hci.ic.gov', 'aws-iso-f'],
  ['d1234abcd.cloudfront.net', undefined],
  ['issuer.example.com', undefined],
  ['amazonaws.com.evil.example', undefined],
  ['notamazonaws.com', undefined],
  ['', undefined],
];

for (const [host, partition] of hosts) {
  test(`partitionOfDnsSuffix ${JSON.stringify(host)} ⇒ ${partition}`, () => {
    assert.is(partitionOfDnsSuffix(host), partition);
  });
}

const regions: [region: string, partition: string | undefined][] = [
  ['us-east-1', 'aws'],
  ['eu-central-2', 'aws'],
  ['ap-southeast-4', 'aws'],
  ['cn-north-1', 'aws-cn'],
  ['cn-northwest-1', 'aws-cn'],
  ['us-gov-west-1', 'aws-us-gov'],
  ['us-iso-east-1', 'aws-iso'],
  ['us-isob-east-1', 'aws-iso-b'],
  ['eu-isoe-west-1', 'aws-iso-e'],
  ['us-isof-south-1', 'aws-iso-f'],
  ['eusc-de-east-1', 'aws-eusc'],
  ['global', undefined],
  ['', undefined],
  ['us-east', undefined],
];

for (const [region, partition] of regions) {
  test(`partitionOfRegion ${JSON.stringify(region)} ⇒ ${partition}`, () => {
    assert.is(partitionOfRegion(region), partition);
  });
}

// ---------------------------------------------------------------- parseRoleArn

const NAME_64 = 'r'.repeat(64);
const NAME_65 = 'r'.repeat(65);

const roles: [arn: string, expected: { partition?: string; account?: string; path?: string; name?: string }, problems: string[]][] = [
  ['arn:aws:iam::123456789012:role/prefix-role-manual-sts-manual-sts',
    { partition: 'aws', account: '123456789012', path: '/', name: 'prefix-role-manual-sts-manual-sts' }, []],
  // The seed's 10-digit account.
  ['arn:aws:iam::1234567890:role/prefix-role-manual-sts-manual-sts',
    { partition: 'aws', account: '1234567890', name: 'prefix-role-manual-sts-manual-sts' }, ['account@"1234567890"']],
  ['arn:aws:iam::012345678901:role/keeps-leading-zero', { account: '012345678901' }, []],
  ['arn:aws:iam::12345678901a:role/x', {}, ['account@"12345678901a"']],
  ['arn:aws:iam:::role/x', { account: undefined }, ['account@""']],
  ['arn:aws:iam::123456789012:role/application_abc/component_xyz/RDSAccess',
    { path: '/application_abc/component_xyz/', name: 'RDSAccess' }, []],
  ['arn:aws:iam::123456789012:role/service-role/my+role=a,b.c@d_e-f', { path: '/service-role/', name: 'my+role=a,b.c@d_e-f' }, []],
  [`arn:aws:iam::123456789012:role/${NAME_64}`, { name: NAME_64 }, []],
  [`arn:aws:iam::123456789012:role/${NAME_65}`, { name: NAME_65 }, [`role-name@"${NAME_65}"`]],
  ['arn:aws:iam::123456789012:role/my role', { name: 'my role' }, ['role-name@"my role"']],
  ['arn:aws:iam::123456789012:role/my*role', {}, ['role-name@"my*role"']],
  ['arn:aws:iam::123456789012:role/', { name: undefined }, ['role-name@""']],
  ['arn:aws:iam::123456789012:role/pa th/x', { path: '/pa th/', name: 'x' }, ['role-path@"pa th/"']],
  [`arn:aws:iam::123456789012:role/${'p'.repeat(511)}/x`, {}, [`role-path@"${'p'.repeat(511)}/"`]],
  [`arn:aws:iam::123456789012:role/${'p'.repeat(510)}/x`, {}, []],
  ['arn:aws-cn:iam::123456789012:role/cn-role', { partition: 'aws-cn', name: 'cn-role' }, []],
  ['arn:aws-us-gov:iam::123456789012:role/gov-role', { partition: 'aws-us-gov' }, []],
  ['arn:aws-eusc:iam::123456789012:role/eu-role', { partition: 'aws-eusc' }, []],
  ['arn:amazon:iam::123456789012:role/x', { partition: 'amazon' }, ['partition@"amazon"']],
  ['arn::iam::123456789012:role/x', { partition: undefined }, ['partition@""']],
  ['arn:aws:IAM::123456789012:role/x', {}, ['service@"IAM"']],
  ['arn:aws:sts::123456789012:assumed-role/x/y', {}, ['service@"sts"', 'resource-type@"assumed-role"']],
  ['arn:aws:iam:us-east-1:123456789012:role/x', {}, ['region@"us-east-1"']],
  ['arn:aws:iam::123456789012:user/x', {}, ['resource-type@"user"']],
  ['arn:aws:iam::123456789012:Role/x', {}, ['resource-type@"Role"']],
  ['arn:aws:iam::123456789012:oidc-provider/x', {}, ['resource-type@"oidc-provider"']],
  ['arn:aws:iam::123456789012:role', {}, ['resource-type@"role"']],
  ['ARN:aws:iam::123456789012:role/x', { name: 'x' }, ['prefix@"ARN"']],
  ['my-role', { partition: undefined, name: undefined }, ['prefix@"my-role"']],
  ['arn:aws:iam::123456789012', {}, ['resource-type@"arn:aws:iam::123456789012"']],
  ['', {}, ['prefix@""']],
  [' arn:aws:iam::123456789012:role/x\n', { name: 'x', account: '123456789012' }, ['whitespace@" "', 'whitespace@"\\n"']],
  ['  arn:aws:iam::1234567890:role/x', {}, ['whitespace@"  "', 'account@"1234567890"']],
  ['arn:aws:iam::123456789012:role/x ', { name: 'x' }, ['whitespace@" "']],
];

for (const [arn, expected, problems] of roles) {
  test(`parseRoleArn ${JSON.stringify(arn.length > 80 ? `${arn.slice(0, 60)}…` : arn)}`, () => {
    const r = parseRoleArn(arn);
    assert.equal(show(arn, r.problems), problems);
    for (const [k, v] of Object.entries(expected)) assert.is(r[k as keyof typeof expected], v, k);
  });
}

test('parseRoleArn: problems carry a message and ordered offsets', () => {
  const arn = 'arn:aws:iam::1234567890:role/prefix-role-manual-sts-manual-sts';
  const [p] = parseRoleArn(arn).problems;
  assert.equal({ start: p!.start, end: p!.end }, { start: 13, end: 23 });
  assert.match(p!.message, /12 digits/);
});

// ---------------------------------------------------------------- parseOidcProviderArn

const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

const providers: [arn: string, expected: { partition?: string; account?: string; provider?: string }, problems: string[]][] = [
  [`arn:aws:iam::123456789012:oidc-provider/${EKS}`, { partition: 'aws', account: '123456789012', provider: EKS }, []],
  ['arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC', { partition: 'aws-cn' }, []],
  ['arn:aws:iam::123456789012:oidc-provider/my-bucket.s3.us-east-2.amazonaws.com', { provider: 'my-bucket.s3.us-east-2.amazonaws.com' }, []],
  ['arn:aws:iam::123456789012:oidc-provider/https://x', { provider: 'https://x' }, ['provider@"https://"']],
  ['arn:aws:iam::123456789012:oidc-provider/HTTP://x', {}, ['provider@"HTTP://"']],
  ['arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/*', {}, ['provider@"*"']],
  ['arn:aws:iam::123456789012:oidc-provider/oidc.eks.*.amazonaws.com/id/A?C', {}, ['provider@"*"', 'provider@"?"']],
  ['arn:aws:iam::123456789012:oidc-provider/oidc.example.com/', {}, ['provider@"/"']],
  ['arn:aws:iam::123456789012:oidc-provider/https://oidc.example.com/', {}, ['provider@"https://"', 'provider@"/"']],
  ['arn:aws:iam::123456789012:oidc-provider/oidc example.com', {}, ['provider@" "']],
  ['arn:aws:iam::123456789012:oidc-provider/', { provider: undefined }, ['provider@""']],
  [`arn:aws:iam::1234567890:oidc-provider/${EKS}`, {}, ['account@"1234567890"']],
  [`arn:aws:iam::123456789012:role/${EKS}`, {}, ['resource-type@"role"']],
  [`arn:aws:iam::123456789012:oidc-provider${EKS}`, {}, ['resource-type@"oidc-provideroidc.eks.us-east-1.amazonaws.com"']],
  [`arn:aws-foo:iam::123456789012:oidc-provider/${EKS}`, {}, ['partition@"aws-foo"']],
  [EKS, {}, [`prefix@"${EKS}"`]],
  [`arn:aws:iam::123456789012:oidc-provider/${EKS} `, { provider: EKS }, ['whitespace@" "']],
];

for (const [arn, expected, problems] of providers) {
  test(`parseOidcProviderArn ${JSON.stringify(arn)}`, () => {
    const r = parseOidcProviderArn(arn);
    assert.equal(show(arn, r.problems), problems);
    for (const [k, v] of Object.entries(expected)) assert.is(r[k as keyof typeof expected], v, k);
  });
}

// ---------------------------------------------------------------- helpers

const names: [arn: string, name: string | undefined][] = [
  ['arn:aws:iam::123456789012:role/prefix-role-manual-sts-manual-sts', 'prefix-role-manual-sts-manual-sts'],
  ['arn:aws:iam::1234567890:role/lenient-about-account', 'lenient-about-account'],
  ['arn:aws:iam::123456789012:role/a/b/RDSAccess', 'RDSAccess'],
  [' arn:aws-cn:iam::123456789012:role/x ', 'x'],
  ['arn:aws:iam::123456789012:role/', undefined],
  ['arn:aws:iam::123456789012:user/x', undefined],
  ['my-role', undefined],
];

for (const [arn, name] of names) {
  test(`roleNameFromArn ${JSON.stringify(arn)} ⇒ ${name}`, () => {
    assert.is(roleNameFromArn(arn), name);
  });
}

test('ccoctlRoleName: short names are joined with dashes', () => {
  assert.is(ccoctlRoleName('prefix', 'openshift-image-registry', 'installer-cloud-credentials'), 'prefix-openshift-image-registry-installer-cloud-credentials');
});

test('ccoctlRoleName: exactly 64 characters are kept', () => {
  const name = ccoctlRoleName('p'.repeat(20), 'n'.repeat(20), 's'.repeat(22));
  assert.is(name.length, 64);
  assert.is(name, `${'p'.repeat(20)}-${'n'.repeat(20)}-${'s'.repeat(22)}`);
});

test('ccoctlRoleName: longer names are cut to exactly 64, colliding like ccoctl does', () => {
  const a = ccoctlRoleName('my-cluster-name-x', 'aws-load-balancer-operator', 'aws-load-balancer-operator');
  const b = ccoctlRoleName('my-cluster-name-x', 'aws-load-balancer-operator', 'aws-load-balancer-controller-cluster');
  assert.is(a.length, 64);
  assert.is(a, 'my-cluster-name-x-aws-load-balancer-operator-aws-load-balancer-o');
  assert.is(b.length, 64);
  assert.is(a.slice(0, 62), b.slice(0, 62));
  // An 18-character --name makes the two CRs collide (ccoctl.md §2.2).
  const prefix = 'abcdefghijklmnopqr';
  assert.is(
    ccoctlRoleName(prefix, 'aws-load-balancer-operator', 'aws-load-balancer-operator'),
    ccoctlRoleName(prefix, 'aws-load-balancer-operator', 'aws-load-balancer-controller-cluster'),
  );
});

const issuers: [url: string, host: string][] = [
  ['https://oidc.eks.us-east-1.amazonaws.com/id/ABC', 'oidc.eks.us-east-1.amazonaws.com/id/ABC'],
  ['https://oidc.eks.us-east-1.amazonaws.com/id/ABC/', 'oidc.eks.us-east-1.amazonaws.com/id/ABC'],
  ['https://my-bucket.s3.us-east-2.amazonaws.com/', 'my-bucket.s3.us-east-2.amazonaws.com'],
  ['oidc.example.com', 'oidc.example.com'],
  ['  https://Example.COM/Path  ', 'Example.COM/Path'],
];

for (const [url, host] of issuers) {
  test(`issuerHost ${JSON.stringify(url)} ⇒ ${JSON.stringify(host)}`, () => {
    assert.is(issuerHost(url), host);
  });
}

test.run();
