import { defineRule, type Related } from '../../src/engine/types.js';
import { ccoctlRoleName } from '../../src/iam/arn.js';
import type { CredentialsRequest } from '../../src/model/k8s.js';
import { ccoctlPrefix, isCcoctlAws, nameOf, staticSecretRef } from './_shared.js';

export default defineRule({
  meta: {
    id: 'openshift/role-name-collision',
    type: 'problem',
    severity: 'error',
    tags: ['openshift', 'ccoctl'],
    docs: {
      description: 'Forbid CredentialsRequests that ccoctl would give the same IAM role',
      whatItChecks:
        'For every pair of AWS CredentialsRequests with different `spec.secretRef` (namespace, name), the role names `ccoctl aws create-iam-roles` derives, `<--name>-<secretRef.namespace>-<secretRef.name>` cut to 64 characters, must differ. The `--name` prefix is the `ccoctlPrefix` fact, else the prefix that the repository\'s ccoctl Secrets agree on (their `role_arn` role name minus `-<secretRef.namespace>-<secretRef.name>`). Without a prefix only names that are equal whatever the prefix (`a-b`/`c` and `a`/`b-c`) are reported. CredentialsRequests with `stsIAMRoleARN`, skipped by ccoctl, or with a templated `secretRef` are ignored.',
      whyItMatters:
        'ccoctl truncates the role name to 64 bytes with no hash and no de-duplication (create-iam-roles.go). The second CredentialsRequest finds the "existing" role: its trust policy is left as it is, `PutRolePolicy` with the same policy name overwrites the first CredentialsRequest\'s permissions, and both Secrets get the same role ARN. One workload silently loses its permissions and the other is not trusted by the role (or both share one role). The csi-operator EFS manifests rename a Secret for exactly this reason.',
      howToFix:
        'Use a shorter ccoctl `--name`, or rename one `secretRef.name` (and the workload\'s Secret reference) so that the first 64 characters of the role names differ.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (roleName truncated to 64, existing-role branch)',
        'openshift/csi-operator assets/overlays/aws-efs/base/credentials-node.yaml (Secret renamed so truncated role names differ)',
        'openshift/installer PR #10671 review (silent collision of truncated STS role names)',
      ],
    },
    appliesTo: ['k8s:CredentialsRequest'],
    messages: {
      truncated:
        'ccoctl role name "{{role}}" for secretRef {{ref}} is also the name for secretRef {{otherRef}} (CredentialsRequest "{{other}}") after truncation to 64 characters, so one role would serve both',
      sameName:
        'secretRef {{ref}} gives the same ccoctl role name "{{role}}" as secretRef {{otherRef}} (CredentialsRequest "{{other}}"), so one role would serve both',
    },
  },
  check(cr: CredentialsRequest, ctx) {
    if (!isCcoctlAws(cr)) return;
    const ref = staticSecretRef(cr);
    if (!ref) return;
    const p = ccoctlPrefix(ctx.facts, ctx.index);
    const roleOf = (r: { namespace: string; name: string }): string =>
      p ? ccoctlRoleName(p.prefix, r.namespace, r.name).toLowerCase() : `${r.namespace}-${r.name}`.toLowerCase();
    const mine = roleOf(ref);
    const refText = (r: { namespace: string; name: string }): string => `${r.namespace}/${r.name}`;
    // Colliding CredentialsRequests, grouped by their Secret (copies of one request share a role on purpose).
    const groups = new Map<string, { ref: { namespace: string; name: string }; crs: CredentialsRequest[] }>();
    for (const other of ctx.index.ofKind<CredentialsRequest>('k8s:CredentialsRequest')) {
      if (other === cr || !isCcoctlAws(other)) continue;
      const oref = staticSecretRef(other);
      if (!oref || (oref.namespace === ref.namespace && oref.name === ref.name)) continue;
      if (roleOf(oref) !== mine) continue;
      const k = refText(oref);
      const g = groups.get(k);
      if (g) g.crs.push(other);
      else groups.set(k, { ref: oref, crs: [other] });
    }
    for (const { ref: oref, crs } of groups.values()) {
      const related: Related[] = crs.map((o) => ({ at: o.secretRef!.span, label: 'other CredentialsRequest secretRef' }));
      if (p?.at) related.push({ at: p.at, label: 'role ARN the ccoctl --name prefix was read from' });
      const untruncatedSame = `${ref.namespace}-${ref.name}`.toLowerCase() === `${oref.namespace}-${oref.name}`.toLowerCase();
      const role = p ? ccoctlRoleName(p.prefix, ref.namespace, ref.name) : `<name>-${ref.namespace}-${ref.name}`;
      ctx.report({
        at: cr.secretRef!.span,
        messageId: untruncatedSame ? 'sameName' : 'truncated',
        data: { role, ref: refText(ref), other: nameOf(crs[0]), otherRef: refText(oref) },
        related,
      });
    }
  },
});
