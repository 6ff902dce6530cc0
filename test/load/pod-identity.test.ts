/**
 * EKS Pod Identity associations read from every format (CloudFormation, Terraform plan JSON, CDK,
 * Pulumi, the ACK and Crossplane custom resources, `aws eks describe-/list-pod-identity-association`
 * output): the fields, their source text, and the role each association resolves to.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initHcl } from '../../src/load/hcl/parse.js';
import { loadSources } from '../../src/load/loader.js';
import type { PodIdentityAssociation } from '../../src/model/eks.js';
import { associationCluster } from '../../src/model/eks.js';
import { Index } from '../../src/model/index.js';
import type { Located, Span } from '../../src/model/span.js';

await initHcl();

function load(files: Record<string, string>) {
  const r = loadSources(Object.entries(files).map(([path, text]) => ({ path, text })));
  const index = new Index(r.resources);
  const src = (x: Span | Located<unknown> | undefined): string | undefined => {
    if (!x) return undefined;
    const s = 'span' in x ? x.span : x;
    const lines = files[s.file].split('\n');
    return s.line === s.endLine ? lines[s.line - 1].slice(s.column - 1, s.endColumn - 1) : `<lines ${s.line}-${s.endLine}>`;
  };
  const associations = index.ofKind<PodIdentityAssociation>('eks:PodIdentityAssociation');
  /** The fields as `name=value` (`?` after unknown values), then the role keys the index resolves. */
  const show = (a: PodIdentityAssociation): string[] => {
    const out: string[] = [`source=${a.source}`];
    for (const k of ['clusterName', 'namespace', 'serviceAccount', 'roleArn', 'targetRoleArn', 'associationArn'] as const) {
      const v = a[k];
      if (v) out.push(`${k}=${v.value}${v.unknown ? '?' : ''}`);
    }
    if (a.disableSessionTags) out.push(`disableSessionTags=${a.disableSessionTags.value}${a.disableSessionTags.unknown ? '?' : ''}`);
    if (a.roleRef) out.push(`roleRef=${a.roleRef.id}`);
    for (const r of index.associationRoles(a)) out.push(`role:${r.key}`);
    return out;
  };
  return { ...r, index, associations, src, show };
}

test('CloudFormation: AWS::EKS::PodIdentityAssociation, !GetAtt of a role of the template as a reference', () => {
  const t = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Cluster:
    Type: String
    Default: prod
Resources:
  PodRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: pods.eks.amazonaws.com }
            Action: [sts:AssumeRole, sts:TagSession]
  Named:
    Type: AWS::IAM::Role
    Properties:
      RoleName: named
      AssumeRolePolicyDocument: { Statement: [] }
  Assoc:
    Type: AWS::EKS::PodIdentityAssociation
    Properties:
      ClusterName: !Ref Cluster
      Namespace: app
      ServiceAccount: api
      RoleArn: !GetAtt PodRole.Arn
      TargetRoleArn: arn:aws:iam::444455556666:role/data
      DisableSessionTags: "true"
  ByName:
    Type: AWS::EKS::PodIdentityAssociation
    Properties:
      ClusterName: prod
      Namespace: app
      ServiceAccount: worker
      RoleArn: !Sub arn:aws:iam::\${AWS::AccountId}:role/named
`;
  const r = load({ 't.yaml': t });
  assert.equal(r.problems, []);
  const [a, b] = r.associations;
  assert.equal(r.show(a), [
    'source=cloudformation',
    'clusterName=prod',
    'namespace=app',
    'serviceAccount=api',
    'roleArn=${PodRole.Arn}?',
    'targetRoleArn=arn:aws:iam::444455556666:role/data',
    'disableSessionTags=true',
    'roleRef=PodRole',
    'role:iam:Role/PodRole@t.yaml#PodRole',
  ]);
  assert.equal([r.src(a.clusterName), r.src(a.roleRef!.span), r.src(a.anchor), a.key], ['Cluster', 'PodRole.Arn', 'Assoc', 'eks:PodIdentityAssociation@t.yaml#Assoc']);
  // An ARN whose account is not known but whose role name is: the role of that name.
  assert.equal(r.show(b).slice(-1), ['role:iam:Role/named@t.yaml#Named']);
});

test('Terraform plan: planned values, and role_arn through the configuration references of a role created in the same plan', () => {
  const plan = {
    format_version: '1.2',
    planned_values: {
      root_module: {
        resources: [
          { address: 'aws_iam_role.pod', mode: 'managed', type: 'aws_iam_role', name: 'pod', values: { name: 'pod', assume_role_policy: '{"Statement":[]}' } },
          { address: 'aws_eks_pod_identity_association.a', mode: 'managed', type: 'aws_eks_pod_identity_association', name: 'a', values: { cluster_name: 'prod', namespace: 'shop', service_account: 'cart', disable_session_tags: false } },
          { address: 'aws_eks_pod_identity_association.b', mode: 'managed', type: 'aws_eks_pod_identity_association', name: 'b', values: { cluster_name: 'prod', namespace: 'shop', service_account: 'web', role_arn: 'arn:aws:iam::111122223333:role/web', association_arn: 'arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/a-0123456789abcdef0' } },
        ],
        child_modules: [
          {
            address: 'module.search',
            resources: [
              { address: 'module.search.aws_iam_role.this[0]', mode: 'managed', type: 'aws_iam_role', name: 'this', index: 0, values: { name_prefix: 'search-', assume_role_policy: '{"Statement":[]}' } },
              { address: 'module.search.aws_eks_pod_identity_association.this["indexer"]', mode: 'managed', type: 'aws_eks_pod_identity_association', name: 'this', values: { cluster_name: 'prod', namespace: 'search', service_account: 'indexer' } },
            ],
          },
        ],
      },
    },
    configuration: {
      root_module: {
        resources: [{ address: 'aws_eks_pod_identity_association.a', expressions: { role_arn: { references: ['aws_iam_role.pod.arn', 'aws_iam_role.pod'] } } }],
        module_calls: {
          search: { module: { resources: [{ address: 'aws_eks_pod_identity_association.this', expressions: { role_arn: { references: ['aws_iam_role.this[0].arn', 'aws_iam_role.this'] } } }] } },
        },
      },
    },
  };
  const text = JSON.stringify(plan, null, 2);
  const r = load({ 'plan.json': text });
  assert.equal(r.problems, []);
  const [a, b, c] = r.associations;
  assert.equal(r.show(a), ['source=terraform', 'clusterName=prod', 'namespace=shop', 'serviceAccount=cart', 'disableSessionTags=false', 'roleRef=aws_iam_role.pod', 'role:iam:Role/pod@plan.json#aws_iam_role.pod']);
  assert.is(r.src(a.roleRef!.span), '"aws_iam_role.pod.arn"');
  assert.equal(r.show(b).slice(-2), ['roleArn=arn:aws:iam::111122223333:role/web', 'associationArn=arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/a-0123456789abcdef0']);
  assert.is(b.key, 'arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/a-0123456789abcdef0');
  assert.equal(associationCluster(b), { name: 'prod', arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod', account: '111122223333', region: 'eu-west-1' });
  assert.equal(r.show(c).slice(-2), ['roleRef=module.search.aws_iam_role.this[0]', 'role:iam:Role/module.search.aws_iam_role.this[0]@plan.json#module.search.aws_iam_role.this[0]']);
});

test('ACK and Crossplane custom resources: the spec fields, references as unknown values, the CR namespace is not the association namespace', () => {
  const yaml = `apiVersion: eks.services.k8s.aws/v1alpha1
kind: PodIdentityAssociation
metadata:
  name: orders
  namespace: ack-system
spec:
  clusterName: prod
  namespace: orders
  serviceAccount: orders-api
  roleARN: arn:aws:iam::111122223333:role/orders
  targetRoleARN: arn:aws:iam::444455556666:role/orders-data
  disableSessionTags: true
---
apiVersion: eks.services.k8s.aws/v1alpha1
kind: PodIdentityAssociation
metadata:
  name: by-ref
spec:
  clusterRef:
    from:
      name: prod
  namespace: orders
  serviceAccount: worker
  roleRef:
    from:
      name: worker-role
---
apiVersion: eks.aws.upbound.io/v1beta1
kind: PodIdentityAssociation
metadata:
  name: cart
spec:
  forProvider:
    region: eu-west-1
    clusterNameSelector:
      matchLabels:
        cluster: prod
    namespace: shop
    roleArnRef:
      name: cart
  initProvider:
    serviceAccount: cart
---
apiVersion: example.com/v1
kind: PodIdentityAssociation
metadata:
  name: someone-else
spec:
  namespace: x
`;
  const r = load({ 'k8s.yaml': yaml });
  assert.equal(r.problems, []);
  assert.equal(r.associations.map(r.show), [
    ['source=ack', 'clusterName=prod', 'namespace=orders', 'serviceAccount=orders-api', 'roleArn=arn:aws:iam::111122223333:role/orders', 'targetRoleArn=arn:aws:iam::444455556666:role/orders-data', 'disableSessionTags=true'],
    ['source=ack', 'clusterName=${clusterRef}?', 'namespace=orders', 'serviceAccount=worker', 'roleArn=${roleRef}?'],
    ['source=crossplane', 'clusterName=${clusterNameSelector}?', 'namespace=shop', 'serviceAccount=cart', 'roleArn=${roleArnRef}?'],
  ]);
  assert.equal([r.src(r.associations[0].namespace), r.src(r.associations[0].anchor)], ['orders', 'PodIdentityAssociation']);
  assert.equal(r.index.associationsFor('orders', 'orders-api').length, 1);
  assert.equal(r.index.associationsFor('ack-system', 'orders-api').length, 0);
});

test('describe and list output: association and associations, the cluster ARN from the association ARN', () => {
  const describe = JSON.stringify(
    {
      association: {
        clusterName: 'eks-customer',
        namespace: 'default',
        serviceAccount: 'default',
        roleArn: 'arn:aws:iam::111122223333:role/my-role',
        associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/eks-customer/a-9njjin9gfghecgocd',
        associationId: 'a-9njjin9gfghecgocd',
        tags: { Key1: 'value1' },
        createdAt: '2025-05-24T19:52:14.135000-05:00',
        modifiedAt: '2025-05-24T19:52:14.135000-05:00',
        disableSessionTags: false,
      },
    },
    null,
    2,
  );
  const list = `associations:
  - clusterName: eks-customer
    namespace: kube-system
    serviceAccount: coredns
    associationArn: arn:aws:eks:us-west-2:111122223333:podidentityassociation/eks-customer/a-yrpsdroc4ei7k6xps
    associationId: a-yrpsdroc4ei7k6xps
`;
  const r = load({ 'describe.json': describe, 'list.yaml': list });
  assert.equal(r.problems, []);
  const [d, l] = r.associations;
  assert.equal(r.show(d), [
    'source=describe',
    'clusterName=eks-customer',
    'namespace=default',
    'serviceAccount=default',
    'roleArn=arn:aws:iam::111122223333:role/my-role',
    'associationArn=arn:aws:eks:us-west-2:111122223333:podidentityassociation/eks-customer/a-9njjin9gfghecgocd',
    'disableSessionTags=false',
  ]);
  assert.equal(r.show(l), ['source=list', 'clusterName=eks-customer', 'namespace=kube-system', 'serviceAccount=coredns', 'associationArn=arn:aws:eks:us-west-2:111122223333:podidentityassociation/eks-customer/a-yrpsdroc4ei7k6xps']);
  assert.equal([r.src(d.anchor), r.src(l.anchor)], ['"associationId"', 'associationId']);
  assert.is(associationCluster(l).arn, 'arn:aws:eks:us-west-2:111122223333:cluster/eks-customer');
});

test('CDK: CfnPodIdentityAssociation with role.roleArn and attrArn; ServiceAccount with POD_IDENTITY creates the association', () => {
  const ts = `import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
const role = new iam.Role(this, 'R', { roleName: 'r', assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
const cfn = new iam.CfnRole(this, 'C', { assumeRolePolicyDocument: { Statement: [] } });
new eks.CfnPodIdentityAssociation(this, 'A', { clusterName: 'prod', namespace: 'ns', serviceAccount: 'sa', roleArn: role.roleArn, disableSessionTags: true });
new eks.CfnPodIdentityAssociation(this, 'B', { clusterName: 'prod', namespace: 'ns', serviceAccount: 'sb', roleArn: cfn.attrArn, targetRoleArn: 'arn:aws:iam::444455556666:role/t' });
new eks.ServiceAccount(this, 'S', { cluster, name: 'exporter', namespace: 'reports', identityType: eks.IdentityType.POD_IDENTITY });
cluster.addServiceAccount('I', { name: 'irsa' });
`;
  const r = load({ 'stack.ts': ts });
  assert.equal(r.problems, []);
  assert.equal(r.associations.map(r.show), [
    ['source=cdk', 'clusterName=prod', 'namespace=ns', 'serviceAccount=sa', 'roleArn=${role.roleArn}?', 'disableSessionTags=true', 'roleRef=role', 'role:iam:Role/r@stack.ts#R'],
    ['source=cdk', 'clusterName=prod', 'namespace=ns', 'serviceAccount=sb', 'roleArn=${cfn.attrArn}?', 'targetRoleArn=arn:aws:iam::444455556666:role/t', 'roleRef=cfn', 'role:iam:Role/C@stack.ts#C'],
    ['source=cdk', 'clusterName=${cluster.clusterName}?', 'namespace=reports', 'serviceAccount=exporter', 'roleRef=S/Role', 'role:iam:Role/S/Role@stack.ts#S/Role'],
  ]);
  assert.is(r.src(r.associations[0].roleRef!.span), 'role.roleArn');
});

test('Pulumi: aws.eks.PodIdentityAssociation with role.arn of a role variable', () => {
  const ts = `import * as aws from '@pulumi/aws';
const podRole = new aws.iam.Role('pod', { assumeRolePolicy: JSON.stringify({ Statement: [] }) });
new aws.eks.PodIdentityAssociation('assoc', { clusterName: 'prod', namespace: 'shop', serviceAccount: 'cart', roleArn: podRole.arn });
let other = podRole;
new aws.eks.PodIdentityAssociation('viaLet', { clusterName: 'prod', namespace: 'shop', serviceAccount: 'web', roleArn: other.arn });
`;
  const r = load({ 'index.ts': ts });
  assert.equal(r.problems, []);
  assert.equal(r.associations.map(r.show), [
    ['source=pulumi', 'clusterName=prod', 'namespace=shop', 'serviceAccount=cart', 'roleArn=${podRole.arn}?', 'roleRef=podRole', 'role:iam:Role/pod@index.ts#pod'],
    ['source=pulumi', 'clusterName=prod', 'namespace=shop', 'serviceAccount=web', 'roleArn=${other.arn}?'],
  ]);
});

test('Terraform HCL: aws_eks_pod_identity_association with a reference to a role of the configuration', () => {
  const tf = `resource "aws_iam_role" "pod" {
  name = "orders-pod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }]
  })
}

variable "cluster_name" {
  default = "prod"
}

resource "aws_eks_pod_identity_association" "orders" {
  cluster_name         = var.cluster_name
  namespace            = "orders"
  service_account      = "orders-api"
  role_arn             = aws_iam_role.pod.arn
  target_role_arn      = "arn:aws:iam::444455556666:role/orders-data"
  disable_session_tags = true
}

resource "aws_eks_pod_identity_association" "external" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "orders"
  service_account = "worker"
  role_arn        = "arn:aws:iam::111122223333:role/worker"
}
`;
  const r = load({ 'main.tf': tf });
  assert.equal(r.problems, []);
  const [a, b] = r.associations;
  assert.equal(r.show(a), [
    'source=terraform',
    'clusterName=prod',
    'namespace=orders',
    'serviceAccount=orders-api',
    'roleArn=${aws_iam_role.pod.arn}?',
    'targetRoleArn=arn:aws:iam::444455556666:role/orders-data',
    'disableSessionTags=true',
    'role:iam:Role/orders-pod@main.tf#aws_iam_role.pod',
  ]);
  assert.equal([r.src(a.namespace), r.src(a.roleArn), r.src(a.anchor)], ['"orders"', 'aws_iam_role.pod.arn', '"aws_eks_pod_identity_association" "orders"']);
  assert.equal(r.show(b).slice(0, 2), ['source=terraform', 'clusterName=${aws_eks_cluster.this.name}?']);
});

test('eksctl: iam.podIdentityAssociations and addons[].podIdentityAssociations, the roles and ServiceAccounts eksctl creates', () => {
  const yaml = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
iam:
  podIdentityAssociations:
    - namespace: orders
      serviceAccountName: orders-api
      roleARN: arn:aws:iam::111122223333:role/orders-api
      disableSessionTags: true
    - namespace: shop
      serviceAccountName: cart
      roleName: cart-pod-identity
      createServiceAccount: true
      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess]
addons:
  - name: vpc-cni
    podIdentityAssociations:
      - namespace: kube-system
        serviceAccountName: aws-node
        permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]
`;
  const r = load({ 'cluster.yaml': yaml });
  assert.equal(r.problems, []);
  assert.equal(r.associations.map(r.show), [
    ['source=eksctl', 'clusterName=prod', 'namespace=orders', 'serviceAccount=orders-api', 'roleArn=arn:aws:iam::111122223333:role/orders-api', 'disableSessionTags=true'],
    ['source=eksctl', 'clusterName=prod', 'namespace=shop', 'serviceAccount=cart', 'roleRef=iam/podidentityassociation/shop/cart', 'role:iam:Role/cart-pod-identity@cluster.yaml#iam/podidentityassociation/shop/cart'],
    ['source=eksctl', 'clusterName=prod', 'namespace=kube-system', 'serviceAccount=aws-node', 'roleRef=addon/vpc-cni/podidentityassociation/kube-system/aws-node', 'role:iam:Role/addon/vpc-cni/podidentityassociation/kube-system/aws-node@cluster.yaml#addon/vpc-cni/podidentityassociation/kube-system/aws-node'],
  ]);
  const cart = r.index.associationRoles(r.associations[1])[0];
  assert.equal(cart.trust!.statements.map((s) => [s.services.map((v) => v.value), s.actions.map((v) => v.value)]), [[['pods.eks.amazonaws.com'], ['sts:AssumeRole', 'sts:TagSession']]]);
  assert.is(r.src(r.associations[1].anchor), 'serviceAccountName');
  // createServiceAccount: eksctl creates the ServiceAccount, with no role annotation.
  const sa = r.index.serviceAccount('shop', 'cart');
  assert.ok(sa?.managedBy && !sa.managedBy.role && sa.annotations.size === 0);
  assert.is(r.index.serviceAccount('orders', 'orders-api'), undefined);
});

test('odd shapes never throw and give no association', () => {
  const r = load({
    'a.yaml': 'apiVersion: eks.services.k8s.aws/v1alpha1\nkind: PodIdentityAssociation\nspec: [1, 2]\n',
    'b.json': '{"association": {"clusterName": ["x"], "namespace": {}, "serviceAccount": null}}',
    'c.json': '{"associations": "none"}',
  });
  assert.equal(r.problems, []);
  assert.equal(r.associations.map(r.show), [['source=ack'], ['source=describe']]);
});

test.run();
