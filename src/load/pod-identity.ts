/**
 * The one constructor of `eks:PodIdentityAssociation` resources, shared by the readers of every
 * format (CloudFormation, Terraform, CDK/Pulumi, the ACK and Crossplane custom resources, EKS API
 * output). Each reader finds the fields; this only assembles them.
 */
import type { PodIdentityAssociation } from '../model/eks.js';

/** What a reader gives: the association without its kind (optional fields may be undefined). */
export type AssociationParts = Omit<PodIdentityAssociation, 'kind'>;

export function makeAssociation(p: AssociationParts): PodIdentityAssociation {
  const out: { -readonly [K in keyof PodIdentityAssociation]?: PodIdentityAssociation[K] } = {
    kind: 'eks:PodIdentityAssociation',
    key: p.key,
    file: p.file,
    span: p.span,
    ...(p.node ? { node: p.node } : {}),
    label: p.label,
    source: p.source,
    anchor: p.anchor,
  };
  // Only the fields that are there, so that the objects print and compare without `undefined`s.
  if (p.clusterName) out.clusterName = p.clusterName;
  if (p.namespace) out.namespace = p.namespace;
  if (p.serviceAccount) out.serviceAccount = p.serviceAccount;
  if (p.roleArn) out.roleArn = p.roleArn;
  if (p.roleRef) out.roleRef = p.roleRef;
  if (p.targetRoleArn) out.targetRoleArn = p.targetRoleArn;
  if (p.targetRoleRef) out.targetRoleRef = p.targetRoleRef;
  if (p.disableSessionTags) out.disableSessionTags = p.disableSessionTags;
  if (p.associationArn) out.associationArn = p.associationArn;
  return out as PodIdentityAssociation;
}
