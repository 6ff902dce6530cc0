/**
 * What the `podid/*` rules share (not a rule itself): how to name an association's role in a
 * message and where to point at it (the request EKS Pod Identity makes for an association is the
 * model's: `podIdentityRequest` in src/model/trust.ts).
 */
import type { Related } from '../../src/engine/types.js';
import { parseRoleArn } from '../../src/iam/arn.js';
import { associationCluster, type PodIdentityAssociation } from '../../src/model/eks.js';
import type { Role } from '../../src/model/iam.js';
import type { Index } from '../../src/model/index.js';
import { isUnknown, type Located, type Span } from '../../src/model/span.js';

/** The association's role as written: its ARN, or the reference to a role of the same file. */
export function roleField(a: PodIdentityAssociation, which: 'role' | 'target' = 'role'): Span | Located<string> {
  const arn = which === 'role' ? a.roleArn : a.targetRoleArn;
  const ref = which === 'role' ? a.roleRef : a.targetRoleRef;
  return arn ?? ref?.span ?? a.anchor;
}

/** How to name a role in a message: the association's static ARN, else the role's name, else its label. */
export function roleName(a: PodIdentityAssociation, role: Role | undefined): string {
  if (a.roleArn && !isUnknown(a.roleArn) && a.roleArn.value.trim() !== '') return a.roleArn.value.trim();
  if (role?.arn && !isUnknown(role.arn)) return role.arn.value;
  if (role?.name && !isUnknown(role.name)) return role.name.value;
  return role?.label.replace(/^role /, '') ?? a.roleRef?.id ?? '';
}

/** The association as the other end of a finding on a ServiceAccount or workload. */
export function associationRelated(a: PodIdentityAssociation): Related {
  return { at: a.serviceAccount ?? a.anchor, label: 'EKS Pod Identity association' };
}

/** The cluster of an association for a message: its name, or `an unknown cluster`. */
export function clusterText(a: PodIdentityAssociation): string {
  const name = associationCluster(a).name;
  return name !== undefined ? `cluster "${name}"` : 'its cluster';
}

/** Roles of the association (for related locations and messages), with the index's lookup. */
export function rolesOf(index: Index, a: PodIdentityAssociation, which: 'role' | 'target' = 'role'): readonly Role[] {
  return index.associationRoles(a, which);
}

/**
 * Do two role ARNs name the same role? Equal text, or the same partition, account and role name
 * (names are unique case-insensitively in an account, whatever the path). A bare name (the
 * webhook's `--compose-role-arn`) is compared with the role name only.
 */
export function sameRoleArn(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  if (x === y) return true;
  const px = parseRoleArn(x);
  const py = parseRoleArn(y);
  const nx = x.startsWith('arn:') ? px.name : x;
  const ny = y.startsWith('arn:') ? py.name : y;
  if (!nx || !ny || nx.toLowerCase() !== ny.toLowerCase()) return false;
  if (!x.startsWith('arn:') || !y.startsWith('arn:')) return true;
  return px.account === py.account && px.partition === py.partition;
}
