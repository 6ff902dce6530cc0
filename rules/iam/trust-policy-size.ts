import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { documentKey, isRoleTrustPolicy } from '../../src/model/trust.js';

/** IAM's default "Role trust policy length" quota (IAM reference_iam-quotas.md), in characters without whitespace. */
const DEFAULT_TRUST_POLICY_QUOTA = 2048;

export default defineRule({
  meta: {
    id: 'iam/trust-policy-size',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy', 'quota'],
    docs: {
      description: 'Keep trust policies within the role trust policy length quota',
      whatItChecks:
        'The length of each trust policy, counted as IAM counts it (the JSON document without whitespace), must not exceed the role trust policy length quota: 2,048 characters by default, or the `trustPolicySizeQuota` fact when the account has a raised quota. Values that are not static count as the shortest value they could be, so a templated policy is reported only when it is too long whatever the templates expand to.',
      whyItMatters:
        'IAM refuses a trust policy above the quota with "LimitExceeded: Cannot exceed quota for ACLSizePerRole: 2048" (kubeflow/kubeflow#6687; Access Analyzer POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA), so the role is not created or not updated and the service accounts added last never get access. It typically happens when one role trusts many service accounts or clusters, one statement per `sub`.',
      howToFix:
        'Shorten the policy: list several `sub` values in one `StringEquals` array instead of one statement each, or use a `StringLike` pattern for service account names in one namespace; split unrelated workloads onto separate roles. The quota can be raised through Service Quotas (up to 4,096 in the IAM quota table, later reports mention 8,192); set the `trustPolicySizeQuota` fact to the account\'s quota.',
      references: [
        'IAM reference_iam-quotas.md ("Role trust policy length", 2,048 characters by default; whitespace is not counted)',
        'IAM access-analyzer-reference-policy-checks.md (POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA)',
        'kubeflow/kubeflow#6687 (LimitExceeded: Cannot exceed quota for ACLSizePerRole: 2048)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      tooLarge: 'trust policy is {{size}} characters without whitespace, above the {{quota}}-character role trust policy quota, so IAM rejects it: shorten the policy or split the role',
      atLeastTooLarge: 'trust policy is at least {{size}} characters without whitespace, above the {{quota}}-character role trust policy quota, so IAM rejects it: shorten the policy or split the role',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || !isRoleTrustPolicy(role)) return;
    const fact = ctx.facts.trustPolicySizeQuota;
    const quota = typeof fact === 'number' && Number.isInteger(fact) && fact > 0 ? fact : DEFAULT_TRUST_POLICY_QUOTA;
    const { size, exact } = trust.compactSize;
    if (size <= quota) return;
    ctx.report({ at: documentKey(role, trust), messageId: exact ? 'tooLarge' : 'atLeastTooLarge', data: { size, quota } });
  },
});
