import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { foreignKeyConditions, isWebIdentityPolicy, providerOfFederated } from '../../src/model/trust.js';

export default defineRule({
  meta: {
    id: 'iam/no-void-condition',
    type: 'problem',
    severity: 'error',
    securitySeverity: 7.5,
    tags: ['iam', 'trust-policy', 'security'],
    docs: {
      description: "Forbid OIDC conditions that always pass because their key does not name the statement's provider",
      whatItChecks:
        'In every `Allow` statement whose `Principal.Federated` is an `oidc-provider` ARN, a condition key of the form `<issuer>:sub`, `:aud`, `:amr` or `:azp` whose prefix looks like an issuer (contains `.` or `/`) but is not the provider of the ARN (key names compare case-insensitively), under an operator that passes when the key is absent: `…IfExists`, negated operators (`StringNotEquals`, `StringNotLike`, …) and `ForAllValues:`. The same mistake under operators that fail on an absent key is reported by `iam/condition-key-matches-provider`. Templated keys and principals are not checked.',
      whyItMatters:
        'IAM puts the claims of a web identity token into the request as `<provider>:<claim>`, with the provider the statement trusts; a key with another prefix is absent from every request. "If the key is not present, evaluate the condition element as true" for `IfExists`, a negated operator on an absent key is true, and `ForAllValues` is true for an absent key. The restriction the author wrote therefore never applies: a `StringLikeIfExists` on `sub` admits every service account of the cluster, a `StringNotEquals` exclusion excludes nobody. The role still works, so nothing reveals that it is open wider than intended.',
      howToFix:
        'Write the condition key as `<provider>:<claim>` with exactly the provider of the statement\'s `Federated` ARN, and prefer plain `StringEquals`/`StringLike` on `sub` and `aud`: those keys are always present in a web identity request, so `IfExists` and `ForAllValues` add nothing but risk.',
      references: [
        'IAM reference_policies_elements_condition_operators.md (IfExists: "If the key is not present, evaluate the condition element as true"; negated operators on a missing key)',
        'IAM reference_policies_multi-value-conditions.md (ForAllValues returns true when the key is absent)',
        'IAM reference_policies_iam-condition-keys.md (`<issuer>:sub`, `:aud`, `:amr`, `:azp` keys for OIDC federation)',
        'EKS associate-service-account-role.md (condition keys built from the issuer with "https://" removed)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      voidRestriction:
        'condition key "{{key}}" does not name the statement\'s OIDC provider "{{provider}}", so the key is absent from every request and this "{{operator}}" restriction always passes',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || !isWebIdentityPolicy(trust)) return;
    for (const s of trust.statements) {
      for (const { condition, providers, whenAbsent } of foreignKeyConditions(s)) {
        if (!whenAbsent) continue; // nobody can assume: iam/condition-key-matches-provider
        ctx.report({
          at: condition.key,
          messageId: 'voidRestriction',
          data: { key: condition.key.value, provider: providers.join('" or "'), operator: condition.operator.value },
          related: s.federated.filter((f) => providerOfFederated(f.value) !== undefined).map((f) => ({ at: f, label: 'OIDC provider principal' })),
        });
      }
    }
  },
});
