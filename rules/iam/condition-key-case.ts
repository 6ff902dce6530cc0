import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { unknownText, type Located } from '../../src/model/span.js';

export default defineRule({
  meta: {
    id: 'iam/condition-key-case',
    type: 'problem',
    severity: 'warning',
    tags: ['iam', 'trust-policy'],
    docs: {
      description: 'Forbid condition keys under one operator that differ only in case',
      whatItChecks:
        'Within one condition operator of a statement (e.g. one `StringEquals` block), no two condition keys may differ only in letter case, such as `…/id/EXAMPLE:sub` and `…/id/EXAMPLE:Sub`, or an issuer written once in lower and once in upper case. A key written in another case on its own is fine: IAM compares condition key names case-insensitively. Templated keys are not checked.',
      whyItMatters:
        'Condition key names are not case-sensitive in IAM, so two such entries name the same key twice in one operator block, and which of their values IAM applies is not documented. Access Analyzer reports DUPLICATE_KEYS_WITH_DIFFERENT_CASE as an error. The author usually meant one key with several values (ORed), or made a copy-paste mistake in one of them; either way the policy may admit or deny other tokens than intended.',
      howToFix:
        'Keep one entry per key and list all its values in an array, e.g. `"<issuer>:sub": ["system:serviceaccount:ns:a", "system:serviceaccount:ns:b"]`.',
      references: [
        'IAM reference_policies_elements_condition.md (condition key names are not case-sensitive)',
        'IAM access-analyzer-reference-policy-checks.md (DUPLICATE_KEYS_WITH_DIFFERENT_CASE)',
        'IAM reference_policies_multi-value-conditions.md (one key with several values: the values are ORed)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      sameKeyDifferentCase:
        'condition key "{{key}}" differs from "{{other}}" under "{{operator}}" only in case, and IAM compares key names case-insensitively: merge their values into one entry',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || trust.node.unknown) return;
    for (const s of trust.statements) {
      if (s.node.unknown || s.conditionEntry?.value.unknown) continue;
      for (const block of s.operators) {
        if (unknownText(block.operator) || !block.isMap) continue;
        const first = new Map<string, Located<string>>();
        for (const kv of block.keys) {
          const key = kv.value;
          if (unknownText(kv)) continue;
          const seen = first.get(key.toLowerCase());
          if (!seen) {
            first.set(key.toLowerCase(), kv);
            continue;
          }
          if (seen.value === key) continue; // an exact duplicate: a syntax problem, reported by the loader
          ctx.report({
            at: kv,
            messageId: 'sameKeyDifferentCase',
            data: { key, other: seen.value, operator: block.operator.value },
            related: [{ at: seen, label: 'same key' }],
          });
        }
      }
    }
  },
});
