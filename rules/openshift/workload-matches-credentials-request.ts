import { defineRule, type Related } from '../../src/engine/types.js';
import type { CredentialsRequest, Workload } from '../../src/model/k8s.js';
import { isCcoctlAws, isUnknown, nameOf, podSecretRefs } from './_shared.js';

export default defineRule({
  meta: {
    id: 'openshift/workload-matches-credentials-request',
    type: 'problem',
    severity: 'error',
    tags: ['openshift', 'ccoctl', 'cross-reference'],
    docs: {
      description: 'Require a workload that uses a CredentialsRequest\'s Secret to run as one of its serviceAccountNames',
      whatItChecks:
        'For every workload whose pod refers to a Secret (a `secret` volume, a `secret` source of a `projected` volume, `env[].valueFrom.secretKeyRef` or `envFrom[].secretRef`) that an AWS CredentialsRequest of the repository names in `spec.secretRef` (same namespace and name), the pod\'s ServiceAccount (`serviceAccountName`, else `serviceAccount`, else `default`) must be listed in that CredentialsRequest\'s `spec.serviceAccountNames`. CredentialsRequests with `stsIAMRoleARN` (a role made outside ccoctl), ones ccoctl skips (`release.openshift.io/delete: "true"`, `release.openshift.io/feature-set`), and ones without a usable `serviceAccountNames` list are not checked here; templated names are skipped.',
      whyItMatters:
        '`ccoctl aws create-iam-roles` writes the role\'s trust policy with one condition, `StringEquals` `<issuer>:sub` = `system:serviceaccount:<secretRef.namespace>:<name>` for each entry of `serviceAccountNames` (create-iam-roles.go). A pod running as any other ServiceAccount presents a token whose `sub` is not in that list, so `AssumeRoleWithWebIdentity` fails with AccessDenied although the pod has the Secret. ccoctl also never updates the trust policy of an existing role, so adding the name later requires updating the role by hand.',
      howToFix:
        'Run the workload as one of the ServiceAccounts in `serviceAccountNames`, or add its ServiceAccount to the list and re-create the role (or update its trust policy): re-running ccoctl does not change the trust policy of an existing role.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (trust policy condition built from spec.secretRef.namespace and spec.serviceAccountNames; existing roles keep their trust policy)',
        'openshift/cloud-credential-operator pkg/apis/cloudcredential/v1/types_credentialsrequest.go (serviceAccountNames)',
        'AWS IAM User Guide: AssumeRoleWithWebIdentity, condition keys for OIDC federation (`<provider>:sub`)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      notListed:
        'service account "{{sa}}" is not in serviceAccountNames ({{names}}) of CredentialsRequest "{{cr}}", so the role behind Secret "{{secret}}" does not trust this pod\'s token',
    },
  },
  check(w: Workload, ctx) {
    const spec = w.podSpec;
    if (w.namespaceUnknown || spec.serviceAccountUnknown) return;
    const sa = spec.effectiveServiceAccount;
    const seen = new Set<string>();
    for (const ref of podSecretRefs(spec)) {
      const secret = ref.name.value;
      if (seen.has(secret)) continue;
      seen.add(secret);
      const crs = ctx.index.credentialsRequestsFor(w.namespace, secret).filter((cr): cr is CredentialsRequest & { serviceAccountNames: NonNullable<CredentialsRequest['serviceAccountNames']> } => {
        if (!isCcoctlAws(cr) || !cr.serviceAccountNames) return false;
        const items = cr.serviceAccountNames.items;
        return items.length > 0 && !items.some((i) => isUnknown(i));
      });
      if (crs.length === 0) continue;
      if (crs.some((cr) => cr.serviceAccountNames.items.some((i) => i.value === sa))) continue;
      const cr = crs[0];
      const related: Related[] = [];
      for (const c of crs) {
        related.push({ at: c.serviceAccountNames.span, label: 'CredentialsRequest serviceAccountNames' });
        if (c.secretRef) related.push({ at: c.secretRef.span, label: 'CredentialsRequest secretRef' });
      }
      related.push({ at: ref.name, label: 'Secret reference' });
      ctx.report({
        at: spec.serviceAccountSpan,
        messageId: 'notListed',
        data: { sa, names: cr.serviceAccountNames.items.map((i) => `"${i.value}"`).join(', '), cr: nameOf(cr), secret },
        related,
      });
    }
  },
});
