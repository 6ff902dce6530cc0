/** Resource kinds and groups. Kinds are written `domain:Kind`; groups are named nouns. */
import type { PNode } from './pnode.js';
import type { Located, Span } from './span.js';

export interface ResourceBase {
  /** `k8s:Deployment`, `iam:Role`, ... */
  readonly kind: string;
  /** Canonical identity: `k8s:ServiceAccount/ns/name`, a role ARN, or `iam:Role@file#n`. */
  readonly key: string;
  readonly file: string;
  /** Span of the object (document, list item or IaC resource). */
  readonly span: Span;
  /**
   * The positioned tree, where readers of the model need more than the typed fields (IAM policy
   * documents and statements). Kubernetes objects do not keep theirs: the model holds only what was
   * read from them, so memory follows the typed model, not the bytes of the manifests.
   */
  readonly node?: PNode;
  /** Human name used in messages, e.g. `ServiceAccount manual-sts/sa-manual-sts`. */
  readonly label: string;
}

/** Pod-spec owners, kube-linter's "DeploymentLike". */
export const POD_SPEC_OWNER_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'DeploymentConfig',
] as const;

export const KIND_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'k8s:PodSpecOwner': POD_SPEC_OWNER_KINDS.map((k) => `k8s:${k}`),
};

export function expandKinds(kinds: readonly string[]): string[] {
  return kinds.flatMap((k) => KIND_GROUPS[k] ?? [k]);
}

export type L<T> = Located<T>;
