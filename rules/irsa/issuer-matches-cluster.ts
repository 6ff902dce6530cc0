import { defineRule, type Related } from '../../src/engine/types.js';
import { issuerHost } from '../../src/iam/arn.js';
import type { Role } from '../../src/model/iam.js';
import type { AuthenticationConfig, CredentialsRequest } from '../../src/model/k8s.js';
import { looksTemplated, type Located } from '../../src/model/span.js';
import { parseSubject, staticProviderOf, webIdentityStatements } from '../../src/model/trust.js';

/** Issuer hosts compare case-insensitively (a case-only difference is not what this rule is about). */
const norm = (h: string): string => h.toLowerCase();

interface ClusterIssuer {
  readonly host: string;
  readonly at?: Located<string>;
}

/** The cluster's issuer: the configured fact, else the one static `Authentication` `spec.serviceAccountIssuer` of the repository. */
function clusterIssuer(auths: readonly AuthenticationConfig[], fact: string | undefined): ClusterIssuer | undefined {
  if (fact !== undefined) {
    const host = issuerHost(fact);
    return host === '' || looksTemplated(host) ? undefined : { host };
  }
  // Several Authentication resources: several clusters (or overlays) in one repository, not judged.
  if (auths.length !== 1) return undefined;
  const v = auths[0].serviceAccountIssuer;
  if (!v || v.unknown || looksTemplated(v.value) || !/^https:\/\//i.test(v.value.trim())) return undefined;
  const host = issuerHost(v.value);
  return host === '' ? undefined : { host, at: v };
}

export default defineRule({
  meta: {
    id: 'irsa/issuer-matches-cluster',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'openshift', 'trust-policy', 'oidc-provider', 'cross-reference'],
    docs: {
      description: "Require the OIDC provider of a ServiceAccount role's trust policy to be the cluster's service account issuer",
      whatItChecks:
        'The cluster\'s issuer is the configured fact `serviceAccountIssuer`, else the `spec.serviceAccountIssuer` of the one OpenShift `Authentication` (`config.openshift.io/v1`, ccoctl\'s `manifests/cluster-authentication-02-config.yaml`) in the repository (with several, or a templated one, nothing is judged). For every `Allow` statement of a trust policy that grants `sts:AssumeRoleWithWebIdentity` to an `oidc-provider` ARN and names ServiceAccounts in its `sub` condition, the provider part of the ARN (issuer host and path; the account may be unknown, e.g. `${AWS::AccountId}`) must equal that issuer without `https://`. Without the fact, only statements whose `sub` names a ServiceAccount that the repository defines, or that a CredentialsRequest lists (ccoctl builds `system:serviceaccount:<secretRef.namespace>:<name>`), are judged, so that roles of other clusters kept in the same repository are not.',
      whyItMatters:
        'The token a pod presents carries the cluster\'s `serviceAccountIssuer` as `iss`; STS looks up the IAM OIDC provider with that URL and evaluates trust policies with it as the federated principal. A role whose trust names the provider of another issuer (a previous cluster, a copied EKS provider id, a bucket URL that is not the configured issuer) never matches the pods\' tokens: they get "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", or "InvalidIdentityToken" when no provider exists for the issuer.',
      howToFix:
        'Make the trust policy name the provider created for this cluster\'s issuer (`arn:aws:iam::<account>:oidc-provider/<serviceAccountIssuer without https://>`; with ccoctl, regenerate the roles with `ccoctl aws create-iam-roles --identity-provider-arn` of the cluster\'s provider), or set `spec.serviceAccountIssuer` (and the `serviceAccountIssuer` fact) to the issuer the provider was created for.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create_identity_provider.go (cluster-authentication-02-config.yaml: spec.serviceAccountIssuer = the provider URL)',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (Federated = --identity-provider-arn, condition keys from the provider URL)',
        'IAM id_roles_providers_create_oidc.md (provider ARN from the issuer URL without https://)',
        'EKS enable-iam-roles-for-service-accounts.md (one IAM OIDC provider per cluster issuer)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      otherIssuer:
        'trust policy names OIDC provider "{{provider}}", but the cluster\'s service account issuer is "{{issuer}}", so STS never matches the pods\' tokens to this statement',
    },
  },
  check(role: Role, ctx) {
    const fact = ctx.facts.serviceAccountIssuer;
    const issuer = clusterIssuer(ctx.index.ofKind<AuthenticationConfig>('k8s:Authentication'), fact);
    if (!issuer) return;
    for (const s of webIdentityStatements(role.trust)) {
      // The ServiceAccounts the statement names (exact subjects under positive string operators).
      const inRepo: Related[] = [];
      let namesServiceAccounts = false;
      for (const c of s.conditions) {
        if (c.claim.toLowerCase() !== 'sub' || c.unknown || !c.op.known || c.op.family !== 'string' || c.op.negated) continue;
        for (const v of c.values) {
          if (v.unknown || looksTemplated(v.value) || !v.value.startsWith('system:serviceaccount:')) continue;
          namesServiceAccounts = true;
          const sub = parseSubject(v.value);
          if (!sub || /[*?]/.test(v.value)) continue;
          const sa = ctx.index.serviceAccount(sub.namespace, sub.name);
          if (sa) inRepo.push({ at: sa.name ?? sa.metadataSpan, label: `ServiceAccount ${sub.namespace}/${sub.name}` });
          else {
            const cr = ctx.index
              .ofKind<CredentialsRequest>('k8s:CredentialsRequest')
              .find((r) => r.secretRef?.namespace?.value === sub.namespace && r.serviceAccountNames?.items.some((n) => !n.unknown && n.value === sub.name));
            if (cr) inRepo.push({ at: cr.serviceAccountNames!.keySpan, label: `CredentialsRequest ${cr.name?.value ?? ''}` });
          }
        }
      }
      if (!namesServiceAccounts || (fact === undefined && inRepo.length === 0)) continue;
      for (const f of s.federated) {
        const host = staticProviderOf(f);
        if (host === undefined || norm(host) === norm(issuer.host)) continue;
        const related: Related[] = [];
        if (issuer.at) related.push({ at: issuer.at, label: 'cluster serviceAccountIssuer' });
        related.push(...inRepo.slice(0, 2));
        ctx.report({ at: f, messageId: 'otherIssuer', data: { provider: host, issuer: issuer.host }, related });
      }
    }
  },
});
