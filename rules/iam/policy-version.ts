import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { looksTemplated } from '../../src/model/span.js';
import { documentKey, isRoleTrustPolicy } from '../../src/model/trust.js';

export default defineRule({
  meta: {
    id: 'iam/policy-version',
    type: 'hardening',
    severity: 'warning',
    tags: ['iam', 'trust-policy'],
    docs: {
      description: 'Require trust policies to state "Version": "2012-10-17"',
      whatItChecks:
        'Every trust policy document must have a `Version` element with the value `2012-10-17`. A missing `Version`, the old `2008-10-17` and any other value are reported. Templated documents and values are not checked; CDK and Terraform policy documents get their `Version` when synthesized and are not affected.',
      whyItMatters:
        'Without `Version` IAM evaluates the policy under `2008-10-17`, the original policy language, in which policy variables such as `${aws:PrincipalTag/…}` are not replaced but compared as literal text, and newer features behave differently; Access Analyzer reports MISSING_VERSION. Any value other than the two published versions is rejected by IAM (Access Analyzer INVALID_VERSION), so the role cannot be created or updated.',
      howToFix: 'Add `"Version": "2012-10-17"` at the top level of the trust policy, next to `Statement`.',
      references: [
        'IAM reference_policies_elements_version.md ("2012-10-17" is the current version; without Version, "2008-10-17" applies and policy variables are not supported)',
        'IAM access-analyzer-reference-policy-checks.md (MISSING_VERSION, INVALID_VERSION)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      missingVersion: 'trust policy has no "Version", so IAM evaluates it as "2008-10-17", without policy variables: add "Version": "2012-10-17"',
      oldVersion: 'policy version "2008-10-17" does not support policy variables: use "2012-10-17"',
      invalidVersion: 'policy version "{{value}}" is not a policy language version, so IAM rejects the document: use "2012-10-17"',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || !isRoleTrustPolicy(role) || trust.node.type !== 'map') return;
    if (trust.statements.length === 0 && !trust.statementEntry) return; // not a policy document we can judge
    const v = trust.version;
    if (!v) {
      if (trust.node.entries.some((e) => e.key.value === 'Version' || e.key.unknown)) return; // a Version we could not read
      ctx.report({ at: documentKey(role, trust), messageId: 'missingVersion' });
      return;
    }
    if (v.unknown || looksTemplated(v.value)) return;
    const value = String(v.value);
    if (value === '2012-10-17') return;
    if (value === '2008-10-17') ctx.report({ at: v, messageId: 'oldVersion' });
    else ctx.report({ at: v, messageId: 'invalidVersion', data: { value } });
  },
});
