import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import type { Index } from '../../src/model/index.js';
import type { ServiceAccount } from '../../src/model/k8s.js';
import { looksTemplated, unknownText } from '../../src/model/span.js';
import { parseSubject, webIdentityStatements } from '../../src/model/trust.js';

/** ServiceAccounts the cluster creates in every namespace (Kubernetes: `default`; OpenShift: also `builder`, `deployer`). */
const IMPLICIT = new Set(['default', 'builder', 'deployer']);

/**
 * A ServiceAccount whose name or namespace is a template could be this one; a role made for this
 * ServiceAccount by a tool that leaves creating it to another (eksctl `roleOnly`) says it exists.
 */
function mayBeDefinedElsewhere(index: Index, namespace: string, name: string): boolean {
  const unknownName = (sa: ServiceAccount): boolean => !sa.name || !!sa.name.unknown || looksTemplated(sa.name.value);
  if (index.serviceAccountsIn(namespace).some(unknownName)) return true;
  if (index.serviceAccountsInUnknownNamespace.some((sa) => unknownName(sa) || sa.name?.value === name)) return true;
  if (index.rolesMadeFor(namespace, name).length > 0) return true;
  return index.rolesMadeForServiceAccounts.some((r) => {
    const sa = r.serviceAccount!;
    if (!unknownText(sa.namespace) && !unknownText(sa.name)) return false; // looked up exactly above
    return (unknownText(sa.namespace) || sa.namespace.value === namespace) && (unknownText(sa.name) || sa.name.value === name);
  });
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
        'Each exact `sub` value `system:serviceaccount:<namespace>:<name>` of a web-identity statement (an `Allow` of `sts:AssumeRoleWithWebIdentity` to an OIDC provider), under `StringEquals` or a `StringLike` without `*`/`?`. When the repository defines ServiceAccounts in that namespace (as manifests, or through eksctl `iam.serviceAccounts` and CDK `addServiceAccount`, which create them) but not this one, the subject names a ServiceAccount that does not exist; names are those kustomize builds (`namePrefix`/`nameSuffix` of the kustomizations that list the manifest), and a subject that is the name as written in such a manifest is reported as such. Namespaces for which the repository defines no ServiceAccount, ServiceAccounts with a templated name or namespace (which could be this one), ServiceAccounts for which an eksctl `ClusterConfig` makes a role with `roleOnly: true` (another tool creates them), templated values and the ServiceAccounts the cluster creates in every namespace (`default`; on OpenShift also `builder` and `deployer`) are not checked.',
      whyItMatters:
        'The Kubernetes API server issues tokens whose `sub` claim is `system:serviceaccount:<namespace>:<name>` of the pod\'s ServiceAccount, and IAM compares it exactly. A subject that names no real ServiceAccount (a typo, a renamed account, the CredentialsRequest namespace instead of the Secret namespace) admits nobody, while the intended workload gets "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity".',
      howToFix:
        'Correct the namespace or name in the `sub` condition (ccoctl builds it from `spec.secretRef.namespace` and `serviceAccountNames`; with kustomize, write the built name, prefix and suffix included), or add the missing ServiceAccount manifest.',
      references: [
        'IAM reference_policies_iam-condition-keys.md (`<issuer>:sub` condition key)',
        'kubernetes-sigs/kustomize api/internal/konfig/builtinpluginconsts/nameprefix.go and namereference.go (namePrefix renames metadata.name; references are rewritten only inside the build)',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (createRolePolicyDocument: sub = system:serviceaccount:<secretRef.namespace>:<serviceAccountName>)',
        'kubernetes/kubernetes pkg/controller/serviceaccount/serviceaccounts_controller.go (ensures the "default" ServiceAccount in every namespace)',
        'eksctl-io/eksctl pkg/cfn/manager/create_tasks.go (iam.serviceAccounts: the ServiceAccount is created unless roleOnly) and userdocs/src/usage/iamserviceaccounts.md (roleOnly when another tool, such as Helm, manages the ServiceAccount)',
        'openshift/origin bootstrappolicy (DefaultServiceAccountName, BuilderServiceAccountName, DeployerServiceAccountName: the ServiceAccountConfig.ManagedNames created in every namespace)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      missing:
        'trust policy admits ServiceAccount "{{name}}" in namespace "{{namespace}}", which is not among the ServiceAccounts defined in that namespace',
      renamed:
        'trust policy admits ServiceAccount "{{name}}" in namespace "{{namespace}}", but kustomize builds that ServiceAccount as "{{renamed}}" (namePrefix/nameSuffix), and the token\'s sub claim carries the built name',
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
          // The subject is the name as written in a manifest that kustomize renames: it renames
          // references inside the build, never the ones in an IAM trust policy.
          const renamed = defined.find((sa) => sa.writtenName && !unknownText(sa.writtenName) && sa.writtenName.value === subject.name && sa.name && !unknownText(sa.name));
          if (renamed) {
            ctx.report({
              at: v,
              messageId: 'renamed',
              data: { namespace: subject.namespace, name: subject.name, renamed: renamed.name!.value },
              related: [{ at: renamed.name!, label: 'ServiceAccount renamed by kustomize' }],
            });
            continue;
          }
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
