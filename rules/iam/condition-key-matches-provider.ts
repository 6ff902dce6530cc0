import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { foreignKeyConditions, isWebIdentityPolicy, providerOfFederated } from '../../src/model/trust.js';

export default defineRule({
  meta: {
    id: 'iam/condition-key-matches-provider',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy'],
    docs: {
      description: "Require OIDC condition keys to carry the statement's provider as their prefix",
      whatItChecks:
        'In every `Allow` statement whose `Principal.Federated` is an `oidc-provider` ARN, each condition key of the form `<issuer>:sub`, `:aud`, `:amr` or `:azp` whose prefix looks like an issuer (contains `.` or `/`) must equal the provider part of the ARN (the issuer host and path, without `https://`; key names compare case-insensitively). This rule reports such keys under operators that fail when the key is absent (`StringEquals`, `StringLike`, `ForAnyValue:…`, …); the same mistake under `…IfExists`, negated or `ForAllValues:` operators is reported by `iam/no-void-condition`. Templated keys and principals are not checked.',
      whyItMatters:
        'IAM puts the claims of a web identity token into the request as `<provider>:<claim>`, with the provider the statement trusts. A key with another prefix (another cluster\'s issuer, a typo, `https://` left in, the EKS issuer instead of a self-hosted one) is absent from every request, and a positive operator on an absent key evaluates to false: the statement matches no token and every pod gets "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity".',
      howToFix:
        'Write the condition key as `<provider>:<claim>` with exactly the provider of the statement\'s `Federated` ARN, e.g. `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub` for `arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`.',
      references: [
        'IAM reference_policies_iam-condition-keys.md (`<issuer>:sub`, `:aud`, `:amr`, `:azp` keys for OIDC federation)',
        'IAM reference_policies_elements_condition_operators.md (a condition on a key absent from the request evaluates to false, except for IfExists and negated operators)',
        'EKS associate-service-account-role.md (condition keys built from the issuer with "https://" removed)',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (ccoctl uses the provider URL as the key prefix)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      nobodyCanAssume:
        'condition key "{{key}}" does not name the statement\'s OIDC provider "{{provider}}", so the key is absent from every request and nobody can assume the role through this statement',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || !isWebIdentityPolicy(trust)) return;
    for (const s of trust.statements) {
      for (const { condition, providers, whenAbsent } of foreignKeyConditions(s)) {
        if (whenAbsent) continue; // a void restriction: iam/no-void-condition
        ctx.report({
          at: condition.key,
          messageId: 'nobodyCanAssume',
          data: { key: condition.key.value, provider: providers.join('" or "') },
          related: s.federated.filter((f) => providerOfFederated(f.value) !== undefined).map((f) => ({ at: f, label: 'OIDC provider principal' })),
        });
      }
    }
  },
});
