import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { isRoleTrustPolicy } from '../../src/model/trust.js';

export default defineRule({
  meta: {
    id: 'iam/no-resource-in-trust-policy',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy'],
    docs: {
      description: 'Forbid "Resource" and "NotResource" in role trust policy statements',
      whatItChecks:
        'No statement of a role trust policy (a role description, an IaC role, or a policy file whose actions are all `sts:` actions) may have a `Resource` or `NotResource` element. Templated statements are not checked.',
      whyItMatters:
        'A trust policy is the resource policy of the role itself, so its statements have no `Resource`. IAM rejects such a document with "MalformedPolicyDocument: Has prohibited field Resource" when the role is created or its trust policy updated (Access Analyzer ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE), and the deployment that carries it fails. The element usually comes from copying a permissions policy.',
      howToFix:
        'Remove `Resource`/`NotResource` from the trust policy. Permissions on other resources belong in the role\'s permissions policies.',
      references: [
        'IAM access-analyzer-reference-policy-checks.md (ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE)',
        'IAM reference_policies_elements_resource.md (trust policies do not specify a Resource)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      prohibitedField: '"{{field}}" is not allowed in a role trust policy statement, so IAM rejects the document ("Has prohibited field {{field}}"): remove it',
    },
  },
  check(role: Role, ctx) {
    if (!isRoleTrustPolicy(role)) return;
    for (const s of role.trust!.statements) {
      if (s.node.unknown) continue;
      for (const e of s.node.entries) {
        const field = e.key.value;
        if (e.key.unknown || (field !== 'Resource' && field !== 'NotResource')) continue;
        ctx.report({ at: e.key.span, messageId: 'prohibitedField', data: { field } });
      }
    }
  },
});
