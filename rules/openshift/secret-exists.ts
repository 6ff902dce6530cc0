import { defineRule, type Related } from '../../src/engine/types.js';
import type { CredentialsRequest, Workload } from '../../src/model/k8s.js';
import { nameOf, podSecretRefs, skippedByCcoctl, staticSecretRef } from './_shared.js';

export default defineRule({
  meta: {
    id: 'openshift/secret-exists',
    type: 'problem',
    severity: 'error',
    tags: ['openshift', 'ccoctl', 'cross-reference'],
    docs: {
      description: 'Require a CredentialsRequest\'s Secret to be created in the namespace of the pods that use it',
      whatItChecks:
        'For every workload whose pod refers to a Secret by name (a `secret` volume, a `secret` source of a `projected` volume, `env[].valueFrom.secretKeyRef`, `envFrom[].secretRef`) that the repository neither defines in the pod\'s namespace nor has any CredentialsRequest write there, while an AWS CredentialsRequest names a Secret of that name in another namespace (`spec.secretRef.namespace`). To stay precise the rule only reports when the repository clearly provisions that pod: its ServiceAccount is in the CredentialsRequest\'s `serviceAccountNames`, or the repository defines Secrets or CredentialsRequest targets in the pod\'s namespace. Workloads without an explicit `metadata.namespace` and templated names and namespaces are skipped.',
      whyItMatters:
        'Secrets are namespaced and a pod can only use Secrets of its own namespace. ccoctl writes the manifest `<secretRef.namespace>-<secretRef.name>-credentials.yaml` with `metadata.namespace: <secretRef.namespace>`, and in-cluster CCO creates the Secret in `secretRef.namespace` too (actuator.go); the CredentialsRequest\'s own namespace plays no part. A pod in another namespace stays in ContainerCreating (volume) or CreateContainerConfigError (env) waiting for a Secret that is never created there; ccoctl also puts `secretRef.namespace` into the role\'s trust policy, so the pod\'s token would not be trusted either.',
      howToFix:
        'Set `spec.secretRef.namespace` of the CredentialsRequest to the namespace the workload runs in (and re-create the role: its name and trust policy contain that namespace), or deploy the workload in `secretRef.namespace`.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (writeCredReqSecret: Secret metadata from spec.secretRef; trust policy namespace)',
        'openshift/cloud-credential-operator pkg/aws/actuator/actuator.go (STS Secret created in secretRef.namespace)',
        'kubernetes/website content/en/docs/concepts/configuration/secret.md (a Pod can only reference Secrets in its own namespace)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      otherNamespace:
        'Secret "{{secret}}" is not created in namespace "{{ns}}": CredentialsRequest "{{cr}}" writes it to namespace "{{crNs}}", and a pod can only use Secrets of its own namespace',
    },
  },
  check(w: Workload, ctx) {
    const spec = w.podSpec;
    // Only an explicit namespace: manifests without one are often applied with `-n`.
    if (w.namespaceUnknown || !w.namespaceNode) return;
    const ns = w.namespace;
    const all = ctx.index.ofKind<CredentialsRequest>('k8s:CredentialsRequest');
    // Does the repository provision anything in the pod's namespace?
    const provisionsNs =
      ctx.index.secretsIn(ns).length > 0 ||
      all.some((cr) => staticSecretRef(cr)?.namespace === ns);
    const seen = new Set<string>();
    for (const ref of podSecretRefs(spec)) {
      const secret = ref.name.value;
      if (seen.has(secret)) continue;
      seen.add(secret);
      if (ctx.index.secret(ns, secret) || ctx.index.credentialsRequestsFor(ns, secret).length > 0) continue;
      const elsewhere = all.filter((cr) => {
        const sr = staticSecretRef(cr);
        return cr.isAws && !skippedByCcoctl(cr) && sr !== undefined && sr.name === secret && sr.namespace !== ns;
      });
      if (elsewhere.length === 0) continue;
      const listsSa =
        !spec.serviceAccountUnknown &&
        elsewhere.some((cr) => cr.serviceAccountNames?.items.some((i) => i.value === spec.effectiveServiceAccount));
      if (!listsSa && !provisionsNs) continue;
      const cr = elsewhere[0];
      const related: Related[] = elsewhere.map((c) => ({ at: c.secretRef!.namespace!, label: 'CredentialsRequest secretRef namespace' }));
      ctx.report({
        at: ref.name,
        messageId: 'otherNamespace',
        data: { secret, ns, cr: nameOf(cr), crNs: cr.secretRef!.namespace!.value },
        related,
      });
    }
  },
});
