import { defineRule, type Related } from '../../src/engine/types.js';
import { issuerHost } from '../../src/iam/arn.js';
import type { OidcProvider, Role } from '../../src/model/iam.js';
import { looksTemplated } from '../../src/model/span.js';
import { staticProviderOf } from '../../src/model/trust.js';

/** At most this many provider definitions are listed as related locations. */
const MAX_RELATED = 3;

/** Provider hosts compare case-insensitively (a case-only difference is not what this rule is about). */
const norm = (h: string): string => h.toLowerCase();

export default defineRule({
  meta: {
    id: 'iam/known-provider',
    type: 'problem',
    severity: 'warning',
    tags: ['iam', 'trust-policy', 'oidc-provider', 'cross-reference'],
    docs: {
      description: 'Require the OIDC provider a trust policy names to be one of the providers the repository or configuration defines',
      whatItChecks:
        'When OIDC providers are known, from the repository (`aws iam get-open-id-connect-provider` output, ccoctl `04-iam-identity-provider.json`, CloudFormation `AWS::IAM::OIDCProvider`, Terraform `aws_iam_openid_connect_provider`, CDK/Pulumi providers) or from the configured facts `oidcProviders`, each `Principal.Federated` `oidc-provider` ARN of an `Allow` statement must name one of them: its provider part (issuer host and path) must equal a known provider\'s URL without `https://`. The account part is not compared (`iam/provider-account-matches-role` does that), so an ARN with an unknown account (`${AWS::AccountId}`) is still matched by its host. Nothing is checked when no provider is known, when a known provider\'s URL is not static, or when the ARN\'s provider part is templated.',
      whyItMatters:
        'STS looks up the provider named by the token\'s `iss` claim in the account and evaluates the trust policy with that provider as the principal. A trust policy that names a provider that is not registered (another cluster\'s issuer, an old cluster id, a typo in the `id/...` part) matches no token: every pod gets "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", or, when the provider is missing from the account, "InvalidIdentityToken: No OpenIDConnect provider found in your account".',
      howToFix:
        'Write the ARN of the provider created for the cluster (`arn:aws:iam::<account>:oidc-provider/<issuer without https://>`, as `aws iam list-open-id-connect-providers` shows it, or as ccoctl derives it from `--name` and the bucket/issuer URL), or add the missing provider definition to the repository or to the configured `oidcProviders`.',
      references: [
        'IAM id_roles_providers_create_oidc.md (the provider ARN is built from the issuer URL without https://)',
        'IAM reference_policies_elements_principal.md (Federated principal for web identity)',
        'STS AssumeRoleWithWebIdentity API reference (InvalidIdentityToken, AccessDenied)',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create_identity_provider.go (04-iam-identity-provider.json: Url, ClientIDList)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      unknownProvider: 'OIDC provider "{{provider}}" is not one of the known OIDC providers ({{known}})',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust) return;
    const repo = ctx.index.providers;
    const facts = ctx.facts.oidcProviders ?? [];
    if (repo.length === 0 && facts.length === 0) return;
    // Known hosts; any provider whose URL is not static could be the one named: judge nothing.
    const known = new Map<string, { host: string; provider?: OidcProvider }>();
    for (const p of repo) {
      if (!p.host || !p.url || p.url.unknown || looksTemplated(p.url.value)) return;
      if (!known.has(norm(p.host))) known.set(norm(p.host), { host: p.host, provider: p });
    }
    for (const f of facts) {
      const h = f.issuer !== undefined ? issuerHost(f.issuer) : f.arn !== undefined ? staticProviderOf({ value: f.arn }) : undefined;
      if (!h || looksTemplated(h)) return;
      if (!known.has(norm(h))) known.set(norm(h), { host: h });
    }
    if (known.size === 0) return;
    const list = [...known.values()].map((k) => k.host);
    const knownText = list.slice(0, MAX_RELATED).map((h) => `"${h}"`).join(', ') + (list.length > MAX_RELATED ? `, and ${list.length - MAX_RELATED} more` : '');
    const related: Related[] = [];
    for (const { provider: p } of known.values()) {
      if (p && related.length < MAX_RELATED) related.push({ at: p.url ?? p.span, label: `known OIDC provider "${p.host}"` });
    }
    for (const s of trust.statements) {
      if (s.effect?.value !== 'Allow' || s.effect.unknown) continue;
      for (const f of s.federated) {
        const host = staticProviderOf(f);
        if (host === undefined || known.has(norm(host))) continue;
        ctx.report({ at: f, messageId: 'unknownProvider', data: { provider: host, known: knownText }, related });
      }
    }
  },
});
