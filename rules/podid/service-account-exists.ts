/**
 * What it checks: the ServiceAccount an EKS Pod Identity association names is defined in its
 * namespace, when the repository defines that namespace's ServiceAccounts; or, when it defines
 * none there, that the namespace's workloads do not run as a near miss of the name.
 * Why it matters: the association then gives credentials to nobody and the intended pods run
 * without them.
 * How to fix: correct the association's `serviceAccount` (or `namespace`), or add the ServiceAccount.
 */
import { defineRule } from '../../src/engine/types.js';
import { editDistance } from '../../src/edit-distance.js';
import { associationSubject, type PodIdentityAssociation } from '../../src/model/eks.js';
import type { ServiceAccount } from '../../src/model/k8s.js';
import { looksTemplated } from '../../src/model/span.js';

/** ServiceAccounts the cluster creates in every namespace (Kubernetes: `default`; OpenShift: also `builder`, `deployer`). */
const IMPLICIT = new Set(['default', 'builder', 'deployer']);

const unknownName = (sa: ServiceAccount): boolean => !sa.name || !!sa.name.unknown || looksTemplated(sa.name.value);

export default defineRule({
  meta: {
    id: 'podid/service-account-exists',
    type: 'problem',
    severity: 'error',
    tags: ['pod-identity', 'cross-reference'],
    docs: {
      description: 'Require the ServiceAccount an EKS Pod Identity association names to exist in its namespace',
      whatItChecks:
        'Each EKS Pod Identity association with a static namespace and ServiceAccount. When the repository defines ServiceAccounts in that namespace but not this one, the association names a ServiceAccount that does not exist (the closest defined name, within two edits, is suggested). When it defines none there but has workloads in the namespace, the association is reported only if none of them runs as its ServiceAccount while one runs as a near miss of it (within two edits, such as `orders-api` and `order-api`). Namespaces the repository says nothing about, ServiceAccounts with a templated name or namespace (which could be this one) and the ServiceAccounts the cluster creates in every namespace (`default`; on OpenShift also `builder` and `deployer`) are not checked.',
      whyItMatters:
        'An association maps "a role to a service account in a namespace in the specified cluster", and EKS adds the Pod Identity variables only to pods that "use a service account with an EKS Pod Identity association" (EKS user guide, pod-identities, pod-id-how-it-works). EKS accepts a ServiceAccount that does not exist ("Optionally, you can specify a service account by name that doesn\'t exist in the cluster", pod-id-association), so a typo or a renamed ServiceAccount goes unnoticed: the association gives credentials to nobody, and the pods of the real ServiceAccount get none — their SDKs fail, or silently use the node role.',
      howToFix:
        'Correct `serviceAccount` (or `namespace`) of the association to the ServiceAccount the pods run as (`spec.serviceAccountName`), or add the ServiceAccount manifest. The namespace of an association is its own field (`namespace` of the API; `spec.namespace` of the ACK resource, `spec.forProvider.namespace` of the Crossplane one), not the namespace the custom resource lives in.',
      references: [
        'EKS user guide pod-identities.adoc (each association maps a role to a service account in a namespace in the specified cluster)',
        'EKS user guide pod-id-association.adoc (a namespace or service account that does not exist in the cluster can be named)',
        'EKS user guide pod-id-how-it-works.adoc (the cluster adds the variables to pods that use a service account with an association)',
        'aws/amazon-eks-pod-identity-webhook pkg/containercredentials/config.go (associations are looked up by the pod\'s namespace and spec.serviceAccountName)',
        'kubernetes/kubernetes pkg/controller/serviceaccount/serviceaccounts_controller.go (the "default" ServiceAccount of every namespace)',
      ],
    },
    appliesTo: ['eks:PodIdentityAssociation'],
    messages: {
      missing: 'association names ServiceAccount "{{name}}" in namespace "{{namespace}}", which is not among the ServiceAccounts defined in that namespace',
      missingNear: 'association names ServiceAccount "{{name}}" in namespace "{{namespace}}", which is not among the ServiceAccounts defined in that namespace: did you mean "{{suggestion}}"?',
      workloadsElsewhere: 'association names ServiceAccount "{{name}}", but the workloads of namespace "{{namespace}}" run as "{{suggestion}}"',
    },
  },
  check(a: PodIdentityAssociation, ctx) {
    const subject = associationSubject(a);
    if (!subject || !a.serviceAccount) return;
    const { namespace, serviceAccount: name } = subject;
    if (IMPLICIT.has(name) || ctx.index.serviceAccount(namespace, name)) return;
    if (ctx.index.serviceAccountsInUnknownNamespace.some((sa) => unknownName(sa) || sa.name?.value === name)) return;
    const defined = ctx.index.serviceAccountsIn(namespace);
    if (defined.some(unknownName)) return;
    const near = (names: string[]) => {
      let best: string | undefined;
      let bestD = 3;
      for (const n of [...new Set(names)].sort()) {
        const d = editDistance(n, name, 2);
        if (d < bestD) [best, bestD] = [n, d];
      }
      return best;
    };
    if (defined.length > 0) {
      const suggestion = near(defined.map((sa) => sa.name!.value));
      const first = defined[0];
      const target = suggestion ? defined.find((sa) => sa.name!.value === suggestion)! : first;
      ctx.report({
        at: a.serviceAccount,
        messageId: suggestion ? 'missingNear' : 'missing',
        data: { name, namespace, ...(suggestion ? { suggestion } : {}) },
        related: [{ at: target.name ?? target.metadataSpan, label: suggestion ? 'ServiceAccount' : `ServiceAccounts of namespace "${namespace}" are defined here` }],
      });
      return;
    }
    // No ServiceAccount of the namespace in the repository: judge by the workloads that run there.
    const workloads = [...ctx.index.workloadsInUnknownNamespace, ...ctx.index.workloadsIn(namespace)];
    if (workloads.length === 0 || workloads.some((w) => w.namespaceUnknown || w.podSpec.serviceAccountUnknown || w.podSpec.effectiveServiceAccount === name)) return;
    const suggestion = near(workloads.map((w) => w.podSpec.effectiveServiceAccount));
    if (!suggestion) return;
    const w = workloads.find((x) => x.podSpec.effectiveServiceAccount === suggestion)!;
    ctx.report({
      at: a.serviceAccount,
      messageId: 'workloadsElsewhere',
      data: { name, namespace, suggestion },
      related: [{ at: w.podSpec.serviceAccountSpan, label: 'ServiceAccount of the workload' }],
    });
  },
});
