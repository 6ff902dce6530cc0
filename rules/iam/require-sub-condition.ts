import { defineRule } from '../../src/engine/types.js';
import { evaluateOperator } from '../../src/iam/conditions.js';
import type { Role, Statement } from '../../src/model/iam.js';
import { claimConditions, OIDC_CLAIMS, policyComplete, trustedProviders, webIdentityStatements, type TrustedProvider } from '../../src/model/trust.js';
import { unknownText } from '../../src/model/span.js';

/**
 * The first provider of a web-identity statement that has no `sub` condition, or undefined when
 * every provider has one or nothing can be said: a templated claim or operator, a `Condition`
 * that is not a static map, or a key whose issuer prefix is not the statement's provider
 * (iam/condition-key-matches-provider and iam/no-void-condition judge those; such a key either
 * blocks the statement or is itself the `sub` restriction that no longer applies). A provider
 * whose host is not static (a Terraform or CloudFormation reference) counts every `sub` key as
 * possibly its own.
 */
function providerWithoutSub(s: Statement): TrustedProvider | undefined {
  if (s.node.unknown || !s.conditionsStatic) return undefined;
  if (s.conditions.some((c) => c.claimUnknown || unknownText(c.operator))) return undefined;
  const providers = trustedProviders(s);
  if (!providers) return undefined;
  if (providers.every((p) => p.host !== undefined)) {
    const known = new Set(providers.map((p) => p.host!.toLowerCase()));
    for (const c of s.conditions) {
      const claim = c.claim.toLowerCase();
      if (c.prefixUnknown || !OIDC_CLAIMS.has(claim) || !/[./]/.test(c.keyPrefix) || known.has(c.keyPrefix.toLowerCase())) continue;
      if (claim === 'sub') return undefined;
      const whenAbsent = c.op.known ? evaluateOperator(c.operator.value, c.values.map((v) => v.value), undefined) : undefined;
      if (whenAbsent !== true) return undefined; // the statement matches no request (or cannot be evaluated)
    }
  }
  return providers.find((p) => claimConditions(s, 'sub', p).length === 0);
}

export default defineRule({
  meta: {
    id: 'iam/require-sub-condition',
    type: 'problem',
    severity: 'error',
    securitySeverity: 8,
    tags: ['iam', 'trust-policy', 'security'],
    docs: {
      description: 'Require every web-identity trust statement to restrict the token subject with a "<provider>:sub" condition',
      whatItChecks:
        'Every `Allow` statement that lets an `oidc-provider` principal call `sts:AssumeRoleWithWebIdentity` must have a condition on `<provider>:sub` for each of its providers (any operator; how wide a `StringLike` pattern is, is `iam/no-broad-sub-pattern`). A statement with only an `:aud` condition, or with no `Condition` at all, is reported. Statements whose principal or condition keys are templated, whose `Condition` is not a static map, and statements with a condition key naming another issuer (reported by `iam/condition-key-matches-provider` or `iam/no-void-condition`) are not judged.',
      whyItMatters:
        'STS accepts any token the provider signed whose `aud` is one of the provider\'s client IDs; the `sub` condition is the only thing that ties the role to one service account. Without it any pod in the cluster can request a projected token with audience `sts.amazonaws.com` (or `openshift`) for its own service account and assume the role. AWS: "Scope the IAM Role trust policy for IRSA Roles to the service account name, namespace, and cluster"; Access Analyzer reports MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL. ccoctl before September 2021 wrote exactly such an `aud`-only policy, and its fix says the old shape let any service account in the cluster assume the role.',
      howToFix:
        'Add `"StringEquals": {"<provider>:sub": "system:serviceaccount:<namespace>:<serviceaccount>"}` next to the `:aud` condition (a list of subjects if several service accounts share the role). For roles created by an old ccoctl, recreate the role: ccoctl never updates the trust policy of an existing role.',
      references: [
        'aws/aws-eks-best-practices latest/bpg/security/iam.adoc ("Scope the IAM Role trust policy for IRSA Roles to the service account name, namespace, and cluster")',
        'IAM access-analyzer-reference-policy-checks.md (MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL)',
        'openshift/cloud-credential-operator commit 7b7ad6ffd, PR #386 (ccoctl create-iam-roles: sub condition from serviceAccountNames instead of aud = openshift)',
        'EKS associate-service-account-role.md (trust policy with `:sub` and `:aud` conditions)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      noSubCondition:
        'web-identity statement has no "{{provider}}:sub" condition, so any service account in the cluster (any subject the provider issues tokens for) can assume the role',
      noSubConditionUnknownProvider:
        'web-identity statement has no "sub" condition for its OIDC provider, so any service account in the cluster (any subject the provider issues tokens for) can assume the role',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    // Statements added elsewhere (CDK addToAssumeRolePolicy) may be missing from the model: judge only complete policies.
    if (!policyComplete(trust)) return;
    for (const s of webIdentityStatements(trust)) {
      const provider = providerWithoutSub(s);
      if (provider === undefined) continue;
      const at = s.conditionEntry?.key.span ?? s.principal?.key.span;
      if (!at) continue;
      const same = provider.host === undefined ? [provider] : (trustedProviders(s) ?? []).filter((p) => p.host === provider.host);
      const related = same.map((p) => ({ at: p.principal, label: 'OIDC provider principal' }));
      if (provider.host === undefined) ctx.report({ at, messageId: 'noSubConditionUnknownProvider', related });
      else ctx.report({ at, messageId: 'noSubCondition', data: { provider: provider.host }, related });
    }
  },
});
