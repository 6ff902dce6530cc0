/**
 * EKS Pod Identity: associations between a ServiceAccount of a cluster and an IAM role, and the
 * fixed values of the mechanism (service principal, session tags, what the pod identity webhook
 * injects, where the agent listens).
 *
 * Sources:
 * - EKS user guide `pod-id-how-it-works` (what the cluster adds to a pod whose ServiceAccount has
 *   an association), `pod-id-role` (trust policy: `pods.eks.amazonaws.com`, `sts:AssumeRole` and
 *   `sts:TagSession`; the request tags), `pod-id-abac` (the six session tags; disabling them),
 *   `pod-identities` (considerations and restrictions), `pod-id-assign-target-role` (target roles);
 * - aws/amazon-eks-pod-identity-webhook `main.go` (`--container-credentials-*` defaults) and
 *   `pkg/handler/handler.go` (container credentials take precedence over the role-arn annotation);
 * - aws/eks-pod-identity-agent `internal/validation/request.go`, `charts/.../values.yaml`;
 * - EKS API reference `PodIdentityAssociation` (fields), AWS CLI `describe-pod-identity-association`
 *   and `list-pod-identity-associations` examples (association ARN format).
 */
import type { L, ResourceBase } from './resource.js';
import type { Span } from './span.js';

/** The service principal EKS Pod Identity assumes roles as (EKS user guide `pod-id-role`). */
export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';

/** The request tags EKS Pod Identity passes to `sts:AssumeRole`, unless the association disables session tags (`pod-id-abac`). */
export const SESSION_TAGS = ['eks-cluster-arn', 'eks-cluster-name', 'kubernetes-namespace', 'kubernetes-service-account', 'kubernetes-pod-name', 'kubernetes-pod-uid'] as const;
export type SessionTag = (typeof SESSION_TAGS)[number];

/** What the pod identity webhook adds to a container (webhook `main.go` defaults; EKS `pod-id-how-it-works`). */
export const CONTAINER_CREDENTIALS_FULL_URI = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
export const CONTAINER_AUTHORIZATION_TOKEN_FILE = 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE';
export const CONTAINER_AUTHORIZATION_TOKEN = 'AWS_CONTAINER_AUTHORIZATION_TOKEN';
export const CONTAINER_CREDENTIALS_RELATIVE_URI = 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI';
export const POD_IDENTITY_FULL_URI = 'http://169.254.170.23/v1/credentials';
export const POD_IDENTITY_MOUNT_PATH = '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount';
export const POD_IDENTITY_VOLUME = 'eks-pod-identity-token';
export const POD_IDENTITY_TOKEN_FILE = `${POD_IDENTITY_MOUNT_PATH}/eks-pod-identity-token`;
/** The addresses the agent listens on: `169.254.170.23` and `[fd00:ec2::23]` (EKS `pod-identities`, considerations). */
export const POD_IDENTITY_AGENT_HOSTS: readonly string[] = ['169.254.170.23', 'fd00:ec2::23', '[fd00:ec2::23]'];

/** A reference to a role defined in the same file: a CloudFormation logical id, a Terraform address, a CDK/Pulumi variable. */
export interface RoleRef {
  readonly file: string;
  readonly id: string;
  /** The expression that makes the reference. */
  readonly span: Span;
}

export interface PodIdentityAssociation extends ResourceBase {
  readonly kind: 'eks:PodIdentityAssociation';
  /**
   * How it was read: `cloudformation`, `terraform`, `cdk`, `pulumi`, `ack` (ACK EKS controller),
   * `crossplane` (Upbound AWS provider), `describe` (`aws eks describe-pod-identity-association`),
   * `list` (`aws eks list-pod-identity-associations`, which gives no role).
   */
  readonly source: string;
  readonly clusterName?: L<string>;
  readonly namespace?: L<string>;
  readonly serviceAccount?: L<string>;
  readonly roleArn?: L<string>;
  /** The role as a reference to a role of the same file, when `roleArn` is not static. */
  readonly roleRef?: RoleRef;
  /** The target role of cross-account role chaining (`targetRoleArn`). */
  readonly targetRoleArn?: L<string>;
  readonly targetRoleRef?: RoleRef;
  /** `disableSessionTags` as written (true: EKS adds no session tags when it assumes the role). */
  readonly disableSessionTags?: L<boolean>;
  /** `associationArn` of describe/list output: `arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/<id>`. */
  readonly associationArn?: L<string>;
  /** Where to point at the association as a whole: its type, kind or key. */
  readonly anchor: Span;
}

/** The cluster an association ARN belongs to: partition, region, account and name. */
export interface ClusterIdentity {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
  /** `arn:<partition>:eks:<region>:<account>:cluster/<name>`. */
  readonly arn: string;
}

/** Parse `arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/<id>`. */
export function clusterOfAssociationArn(arn: string): ClusterIdentity | undefined {
  const m = /^arn:([a-z-]+):eks:([a-z0-9-]+):(\d{12}):podidentityassociation\/([^/]+)\/[^/]+$/.exec(arn.trim());
  if (!m) return undefined;
  const [, partition, region, account, name] = m;
  return { partition, region, account, name, arn: `arn:${partition}:eks:${region}:${account}:cluster/${name}` };
}

/** The static value of a located string, or undefined when absent or not static. */
function known(l: L<string> | undefined): string | undefined {
  return l && !l.unknown && !/\$\{|\{\{/.test(l.value) ? l.value : undefined;
}

/** What is known of an association's cluster: its name, and (from an association ARN) its ARN and account. */
export function associationCluster(a: PodIdentityAssociation): { name?: string; arn?: string; account?: string; region?: string } {
  const fromArn = a.associationArn ? clusterOfAssociationArn(known(a.associationArn) ?? '') : undefined;
  const name = known(a.clusterName) ?? fromArn?.name;
  return {
    ...(name !== undefined ? { name } : {}),
    ...(fromArn && (name === undefined || name === fromArn.name) ? { arn: fromArn.arn, account: fromArn.account, region: fromArn.region } : {}),
  };
}

/** The namespace and ServiceAccount an association names, when both are static. */
export function associationSubject(a: PodIdentityAssociation): { namespace: string; serviceAccount: string } | undefined {
  const namespace = known(a.namespace);
  const serviceAccount = known(a.serviceAccount);
  return namespace !== undefined && serviceAccount !== undefined && namespace !== '' && serviceAccount !== '' ? { namespace, serviceAccount } : undefined;
}

/** Session tags are disabled: `true` only when written `true` (absent or unknown is not disabled). */
export function sessionTagsDisabled(a: PodIdentityAssociation): boolean | undefined {
  const d = a.disableSessionTags;
  if (!d) return false;
  if (d.unknown) return undefined;
  return d.value;
}
