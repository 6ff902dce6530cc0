import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import type { Index } from '../../src/model/index.js';
import type { ServiceAccount } from '../../src/model/k8s.js';
import { looksTemplated } from '../../src/model/span.js';
import { parseSubject, webIdentityStatements } from '../../src/model/trust.js';

/** ServiceAccounts the cluster creates in every namespace (Kubernetes: `default`; OpenShift: also `builder`, `deployer`). */
const IMPLICIT = new Set(['default', 'builder', 'deployer']);

/** A ServiceAccount whose name or namespace is a template could be this one. */
function mayBeDefinedElsewhere(index: Index, namespace: string, name: string): boolean {
  const unknownName = (sa: ServiceAccount): boolean => !sa.name || !!sa.name.unknown || looksTemplated(sa.name.value);
  if (index.serviceAccountsIn(namespace).some(unknownName)) return true;
  return index.ofKind<ServiceAccount>('k8s:ServiceAccount').some((sa) => sa.namespaceUnknown && (unknownName(sa) || sa.name?.value === name));
}

export default defineRule({
  meta: {
    id: 'irsa/trust-subject-exists',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'trust-policy', 'cross-reference'],
    docs: {
      description: 'Require every ServiceAccount named in a trust policy to exist in its namespace',
      whatItChecks:
        'Each exact `sub` value `system:serviceaccount:<namespace>:<name>` of a web-identity statement (an `Allow` of `sts:AssumeRoleWithWebIdentity` to an OIDC provider), under `StringEquals` or a `StringLike` without `*`/`?`. When the repository defines ServiceAccounts in that namespace but not this one, the subject names a ServiceAccount that does not exist. Namespaces for which the repository defines no ServiceAccount, ServiceAccounts with a templated name or namespace (which could be this one), templated values and the ServiceAccounts the cluster creates in every namespace (`default`; on OpenShift also `builder` and `deployer`) are not checked.',
      whyItMatters:
        'The Kubernetes API server issues tokens whose `sub` claim is `system:serviceaccount:<namespace>:<name>` of the pod\'s ServiceAccount, and IAM compares it exactly. A subject that names no real ServiceAccount (a typo, a renamed account, the CredentialsRequest namespace instead of the Secret namespace) admits nobody, while the intended workload gets "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity".',
      howToFix:
        'Correct the namespace or name in the `sub` condition (ccoctl builds it from `spec.secretRef.namespace` and `serviceAccountNames`), or add the missing ServiceAccount manifest.',
      references: [
        'IAM reference_policies_iam-condition-keys.md (`<issuer>:sub` condition key)',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (createRolePolicyDocument: sub = system:serviceaccount:<secretRef.namespace>:<serviceAccountName>)',
        'kubernetes/kubernetes pkg/controller/serviceaccount/serviceaccounts_controller.go (ensures the "default" ServiceAccount in every namespace)',
        'openshift/origin bootstrappolicy (DefaultServiceAccountName, BuilderServiceAccountName, DeployerServiceAccountName: the ServiceAccountConfig.ManagedNames created in every namespace)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      missing:
        'trust policy admits ServiceAccount "{{name}}" in namespace "{{namespace}}", which is not among the ServiceAccounts defined in that namespace',
    },
  },
  check(role: Role, ctx) {
    for (const s of webIdentityStatements(role.trust)) {
      for (const c of s.conditions) {
        if (c.claim.toLowerCase() !== 'sub' || c.unknown) continue;
        const op = c.op;
        // Positive string operators name the subjects they admit; negated ones name exclusions.
        if (!op.known || op.family !== 'string' || op.negated || op.ignoreCase) continue;
        for (const v of c.values) {
          if (v.unknown || /[*?]/.test(v.value) || looksTemplated(v.value)) continue;
          const subject = parseSubject(v.value);
          if (!subject || IMPLICIT.has(subject.name) || looksTemplated(subject.namespace)) continue;
          const defined = ctx.index.serviceAccountsIn(subject.namespace);
          if (defined.length === 0 || ctx.index.serviceAccount(subject.namespace, subject.name)) continue;
          if (mayBeDefinedElsewhere(ctx.index, subject.namespace, subject.name)) continue;
          const first = defined[0];
          ctx.report({
            at: v,
            messageId: 'missing',
            data: { namespace: subject.namespace, name: subject.name },
            related: [{ at: first.name ?? first.metadataSpan, label: `ServiceAccounts of namespace "${subject.namespace}" are defined here` }],
          });
        }
      }
    }
  },
});
