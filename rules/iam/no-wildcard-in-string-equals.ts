import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { isWebIdentityPolicy } from '../../src/model/trust.js';
import { unknownText } from '../../src/model/span.js';

/** The Like operator that honours the wildcards, keeping the set qualifier and `IfExists`. */
function likeOperator(raw: string): string {
  return raw.replace(/String(Not)?Equals(IgnoreCase)?/, (_m, not: string | undefined) => `String${not ?? ''}Like`);
}

export default defineRule({
  meta: {
    id: 'iam/no-wildcard-in-string-equals',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy'],
    docs: {
      description: 'Forbid "*" and "?" in OIDC claim values compared with StringEquals',
      whatItChecks:
        'In a web-identity trust policy, every value of an `<issuer>:<claim>` condition key (`sub`, `aud`, or any other claim of an OIDC provider: a key whose prefix contains `.` or `/`) under `StringEquals`, `StringNotEquals`, `StringEqualsIgnoreCase` or `StringNotEqualsIgnoreCase` (with or without `ForAnyValue:`/`ForAllValues:` and `IfExists`) must not contain `*` or `?`. Templated values are not checked.',
      whyItMatters:
        'Only `StringLike` and `StringNotLike` treat `*` and `?` as wildcards; `StringEquals` compares exactly, so `system:serviceaccount:team-a:*` matches only a service account literally named `*`, which Kubernetes does not allow. The intended service accounts are denied ("Not authorized to perform sts:AssumeRoleWithWebIdentity", crossplane/crossplane#5578), and under `StringNotEquals` the exclusion excludes nothing. Access Analyzer reports WILDCARD_WITHOUT_LIKE_OPERATOR.',
      howToFix:
        'Use `StringLike` (or `StringNotLike`) for patterns, and keep `StringEquals` for exact values. Prefer exact `sub` values: a pattern admits every matching service account, including ones created later.',
      references: [
        'IAM reference_policies_elements_condition_operators.md (string condition operators: only StringLike/StringNotLike honour * and ?)',
        'IAM access-analyzer-reference-policy-checks.md (WILDCARD_WITHOUT_LIKE_OPERATOR)',
        'crossplane/crossplane#5578 (StringEquals with a wildcard sub: AccessDenied)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      literalWildcard: '"{{operator}}" compares "{{value}}" exactly, so its "{{wildcard}}" matches only a literal "{{wildcard}}": use "{{like}}" for a pattern',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || !isWebIdentityPolicy(trust)) return;
    for (const s of trust.statements) {
      for (const c of s.conditions) {
        if (!c.op.known || c.op.family !== 'string' || c.op.like) continue;
        if (c.claimUnknown || (!c.prefixUnknown && !/[./]/.test(c.keyPrefix))) continue;
        for (const v of c.values) {
          if (unknownText(v)) continue;
          const wildcard = /[*?]/.exec(v.value)?.[0];
          if (wildcard === undefined) continue;
          ctx.report({
            at: v,
            messageId: 'literalWildcard',
            data: { operator: c.operator.value, value: v.value, wildcard, like: likeOperator(c.operator.value) },
          });
        }
      }
    }
  },
});
