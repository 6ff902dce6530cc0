/**
 * EKS Pod Identity in the model: what a trust policy grants pods.eks.amazonaws.com and whether its
 * conditions admit an association's request (src/model/trust.ts), and what the SDK in a container
 * of an associated ServiceAccount sees (src/model/sdk-environment.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseJson } from '../../src/load/json.js';
import { parsePolicy } from '../../src/load/iam.js';
import { loadSources } from '../../src/load/loader.js';
import { clusterOfAssociationArn } from '../../src/model/eks.js';
import type { PolicyDocument } from '../../src/model/iam.js';
import { Index } from '../../src/model/index.js';
import type { Workload } from '../../src/model/k8s.js';
import { sdkEnvironments } from '../../src/model/sdk-environment.js';
import { podIdentityRejectingClauses, podIdentityStatementAdmits, podIdentityTrust, type PodIdentityRequest } from '../../src/model/trust.js';

function policy(statements: unknown[]): PolicyDocument {
  return parsePolicy(parseJson(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'p.json').node!);
}

const POD = { Service: 'pods.eks.amazonaws.com' };
const REQ: PodIdentityRequest = { namespace: 'shop', serviceAccount: 'cart', clusterName: 'prod', account: '111122223333', sessionTags: true };

test('podIdentityTrust: AssumeRole and TagSession statements, in one statement or two, wildcards included', () => {
  const count = (d: PolicyDocument) => {
    const t = podIdentityTrust(d);
    return t && [t.assume.length, t.tagSession.length, t.naming.length, t.webIdentity.length];
  };
  assert.equal(count(policy([{ Effect: 'Allow', Principal: POD, Action: ['sts:AssumeRole', 'sts:TagSession'] }])), [1, 1, 1, 0]);
  assert.equal(count(policy([{ Effect: 'Allow', Principal: POD, Action: 'sts:AssumeRole' }, { Effect: 'Allow', Principal: POD, Action: 'sts:TagSession' }])), [1, 1, 2, 0]);
  assert.equal(count(policy([{ Effect: 'Allow', Principal: POD, Action: 'sts:*' }])), [1, 1, 1, 0]);
  assert.equal(count(policy([{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', 'pods.eks.amazonaws.com'] }, Action: 'sts:AssumeRole' }])), [1, 0, 1, 0]);
  assert.equal(count(policy([{ Effect: 'Deny', Principal: POD, Action: 'sts:AssumeRole' }])), [0, 0, 0, 0]);
  assert.equal(count(policy([{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/h' }, Action: 'sts:AssumeRoleWithWebIdentity' }])), [0, 0, 0, 1]);
  // Not decidable: NotAction, NotPrincipal, a wildcard principal, a templated service.
  assert.is(podIdentityTrust(policy([{ Effect: 'Allow', Principal: POD, NotAction: 'sts:GetCallerIdentity' }])), undefined);
  assert.is(podIdentityTrust(policy([{ Effect: 'Allow', NotPrincipal: POD, Action: 'sts:AssumeRole' }])), undefined);
  assert.is(podIdentityTrust(policy([{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }])), undefined);
  assert.is(podIdentityTrust(policy([{ Effect: 'Allow', Principal: { Service: '${service}' }, Action: 'sts:AssumeRole' }])), undefined);
  // A Federated principal whose ARN is not static cannot be the service.
  assert.equal(count(policy([{ Effect: 'Allow', Principal: { Federated: '${module.eks.oidc_provider_arn}' }, Action: 'sts:AssumeRoleWithWebIdentity' }])), [0, 0, 0, 1]);
});

test('podIdentityStatementAdmits: session tags, absent tags, keys the request does not fix', () => {
  const admits = (condition: unknown, req: PodIdentityRequest = REQ) => podIdentityStatementAdmits(policy([{ Effect: 'Allow', Principal: POD, Action: 'sts:AssumeRole', Condition: condition }]).statements[0], req);
  assert.is(admits({ StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'shop', 'aws:RequestTag/kubernetes-service-account': ['web', 'cart'] } }), true);
  assert.is(admits({ StringEquals: { 'aws:requesttag/KUBERNETES-NAMESPACE': 'shop' } }), true, 'keys compare case-insensitively');
  assert.is(admits({ StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'orders' } }), false);
  assert.is(admits({ StringLike: { 'aws:RequestTag/kubernetes-service-account': 'car?' } }), true);
  assert.is(admits({ StringEquals: { 'aws:RequestTag/eks-cluster-name': 'staging' } }), false);
  assert.is(admits({ StringEquals: { 'aws:RequestTag/eks-cluster-name': 'staging' } }, { ...REQ, clusterName: undefined }), true, 'an unknown cluster name is not judged');
  assert.is(admits({ StringEquals: { 'aws:RequestTag/kubernetes-pod-name': 'x' } }), true, 'pod names are never known');
  assert.is(admits({ StringEquals: { 'aws:RequestTag/team': 'x' } }), false, 'EKS never sets other tags');
  assert.is(admits({ StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'shop' } }, { ...REQ, sessionTags: false }), false, 'no tags when they are disabled');
  assert.is(admits({ StringEqualsIfExists: { 'aws:RequestTag/kubernetes-namespace': 'shop' } }, { ...REQ, sessionTags: false }), true);
  assert.is(admits({ StringEquals: { 'aws:SourceAccount': '444455556666' } }), false);
  assert.is(admits({ StringEquals: { 'aws:SourceAccount': '444455556666' } }, { ...REQ, account: undefined }), true);
  assert.is(admits({ StringEquals: { 'aws:SourceOrgId': 'o-exampleorgid' } }), true, 'keys the request does not fix count as satisfied');
  assert.is(admits({ StringEquals: { 'aws:RequestTag/kubernetes-namespace': '${var.ns}' } }), undefined);
  const s = policy([{ Effect: 'Allow', Principal: POD, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'orders', 'aws:RequestTag/kubernetes-service-account': 'cart' } } }]).statements[0];
  assert.equal(podIdentityRejectingClauses(s, REQ).map((c) => c.key.value), ['aws:RequestTag/kubernetes-namespace']);
});

test('clusterOfAssociationArn', () => {
  assert.equal(clusterOfAssociationArn('arn:aws:eks:us-west-2:111122223333:podidentityassociation/eks-customer/a-9njjin9gfghecgocd'), {
    partition: 'aws',
    region: 'us-west-2',
    account: '111122223333',
    name: 'eks-customer',
    arn: 'arn:aws:eks:us-west-2:111122223333:cluster/eks-customer',
  });
  assert.is(clusterOfAssociationArn('arn:aws:eks:us-west-2:111122223333:cluster/eks-customer'), undefined);
});

const ASSOCIATION = `apiVersion: eks.services.k8s.aws/v1alpha1
kind: PodIdentityAssociation
metadata:
  name: cart
spec:
  clusterName: prod
  namespace: shop
  serviceAccount: cart
  roleARN: arn:aws:iam::111122223333:role/cart
`;
const SA = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: cart
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/cart-irsa
`;

function containers(pod: string, withAssociation = true) {
  const files = [{ path: 'sa.yaml', text: SA }, { path: 'pod.yaml', text: pod }, ...(withAssociation ? [{ path: 'assoc.yaml', text: ASSOCIATION }] : [])];
  const index = new Index(loadSources(files).resources);
  return sdkEnvironments(index, index.ofKind<Workload>('k8s:PodSpecOwner')[0]);
}

const pod = (containersYaml: string, metadata = '') => `apiVersion: v1
kind: Pod
metadata:
  name: cart
  namespace: shop
${metadata}spec:
  serviceAccountName: cart
  containers:
${containersYaml}`;

test('sdk environment: an association takes precedence over the role-arn annotation', () => {
  const [c] = containers(pod('    - name: app\n      image: x\n'));
  assert.is(c.webhookRole, undefined);
  assert.is(c.webIdentity, undefined);
  assert.equal(c.podIdentity?.associations.length, 1);
  assert.is(c.podIdentity?.injectsEnv, true);
  assert.is(c.containerCredentials?.source, 'podIdentity');
  assert.equal(c.chain.sources.map((s) => s.kind), ['containerCredentials']);
  assert.is(c.chain.used('botocore')?.kind, 'containerCredentials');
  assert.is(c.chain.used('jsv3')?.kind, 'containerCredentials');
  const [irsa] = containers(pod('    - name: app\n      image: x\n'), false);
  assert.is(irsa.webhookRole?.value.value, 'arn:aws:iam::111122223333:role/cart-irsa');
  assert.is(irsa.podIdentity, undefined);
  assert.equal(irsa.chain.sources.map((s) => s.kind), ['envWebIdentity']);
});

test('sdk environment: skipped containers, hand-written variables, the chain order', () => {
  const [skipped, own, keys] = containers(
    pod(
      `    - name: skipped
      image: x
    - name: own
      image: x
      env:
        - name: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
          value: /token
    - name: keys
      image: x
      env:
        - name: AWS_ACCESS_KEY_ID
          valueFrom:
            secretKeyRef: { name: keys, key: id }
        - name: AWS_SECRET_ACCESS_KEY
          valueFrom:
            secretKeyRef: { name: keys, key: secret }
        - name: AWS_ROLE_ARN
          value: arn:aws:iam::111122223333:role/manual
        - name: AWS_WEB_IDENTITY_TOKEN_FILE
          value: /var/run/secrets/token
`,
      '  annotations:\n    eks.amazonaws.com/skip-containers: skipped\n',
    ),
  );
  assert.is(skipped.podIdentity, undefined);
  assert.is(skipped.containerCredentials, undefined);
  assert.is(own.podIdentity?.injectsEnv, false);
  assert.is(own.containerCredentials?.tokenFile.state, 'set');
  assert.equal(keys.chain.sources.map((s) => [s.kind, s.state]), [
    ['envKeys', 'set'],
    ['envWebIdentity', 'set'],
    ['containerCredentials', 'set'],
  ]);
  assert.is(keys.chain.used('botocore')?.kind, 'envKeys');
  assert.is(keys.chain.used('jsv3')?.kind, 'envKeys');
  const [envKeys, , container] = keys.chain.sources;
  assert.equal(keys.chain.position(container), { botocore: { state: 'shadowed', by: envKeys }, jsv3: { state: 'shadowed', by: envKeys } });
});

test('sdk environment: an endpoint the container sets itself, without an association', () => {
  const [c] = containers(pod('    - name: app\n      image: x\n      env:\n        - name: AWS_CONTAINER_CREDENTIALS_FULL_URI\n          value: http://127.0.0.1:9911/creds\n'), false);
  assert.is(c.containerCredentials?.source, 'env');
  assert.equal(c.chain.sources.map((s) => s.kind), ['envWebIdentity', 'containerCredentials']);
  assert.is(c.chain.used('jsv3')?.kind, 'envWebIdentity');
});

test.run();
