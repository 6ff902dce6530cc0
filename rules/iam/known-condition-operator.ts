import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { unknownText } from '../../src/model/span.js';
import { editDistance } from '../../src/edit-distance.js';

const BASES = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
];

/** Every operator IAM accepts: an optional set qualifier, a base, an optional `IfExists` (not on `Null`). */
const VALID: readonly string[] = ['', 'ForAnyValue:', 'ForAllValues:'].flatMap((q) =>
  BASES.flatMap((b) => (b === 'Null' ? [`${q}${b}`] : [`${q}${b}`, `${q}${b}IfExists`])),
);

/** The valid operator the author most likely meant: same name in another case, or one at most two edits away (ignoring case). */
function suggest(op: string): { fix: string; caseOnly: boolean } | undefined {
  const lower = op.toLowerCase();
  const same = VALID.find((v) => v.toLowerCase() === lower);
  if (same) return { fix: same, caseOnly: true };
  let best: string | undefined;
  let bestD = 3;
  for (const v of VALID) {
    const d = editDistance(lower, v.toLowerCase(), 2);
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best ? { fix: best, caseOnly: false } : undefined;
}

export default defineRule({
  meta: {
    id: 'iam/known-condition-operator',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy'],
    docs: {
      description: 'Require every condition operator of a trust policy to be one IAM knows',
      whatItChecks:
        'Every key of a statement\'s `Condition` block must be an IAM condition operator, spelt exactly: `StringEquals`, `StringLike`, `ArnLike`, `Bool`, `Null`, … optionally prefixed by `ForAnyValue:` or `ForAllValues:` and suffixed by `IfExists` (except `Null`). Wrong case (`stringEquals`), misspellings (`StringEqual`), `NullIfExists` and placeholders such as the `__doc_comment` keys of documentation examples are reported, with the likely intended operator when there is one. Templated operators are not checked.',
      whyItMatters:
        'Operator names are matched exactly, case included. IAM rejects a policy with an unknown operator ("MalformedPolicyDocument: Invalid Condition type : stringEquals", ministryofjustice/modernisation-platform-environments#8893; Access Analyzer INVALID_CONDITION_OPERATOR and NULL_WITH_IF_EXISTS), so the role cannot be created or its trust policy cannot be updated, and the deployment that carries it fails. "You can add IfExists to the end of any condition operator name except the Null condition".',
      howToFix:
        'Use the operator name exactly as IAM documents it, e.g. `StringEquals` for exact `sub`/`aud` values and `StringLike` for patterns; write `Null` without `IfExists`; remove comment keys from the `Condition` block.',
      references: [
        'IAM reference_policies_elements_condition_operators.md (operator names; IfExists not on Null)',
        'IAM access-analyzer-reference-policy-checks.md (INVALID_CONDITION_OPERATOR, NULL_WITH_IF_EXISTS)',
        'aws/amazon-eks-pod-identity-webhook README.md (illustrative "__doc_comment" keys inside Condition)',
        'ministryofjustice/modernisation-platform-environments#8893 (CreateRole: "MalformedPolicyDocument: Invalid Condition type : stringEquals")',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      wrongCase: 'condition operator "{{op}}" has the wrong case and IAM matches operator names exactly, so it rejects the policy ("Invalid Condition type"): use "{{fix}}"',
      nullIfExists: 'condition operator "{{op}}" is not valid because "Null" cannot take "IfExists", so IAM rejects the policy: use "{{fix}}"',
      misspelt: 'condition operator "{{op}}" is not an IAM condition operator, so IAM rejects the policy ("Invalid Condition type"): did you mean "{{fix}}"?',
      unknownOperator: 'condition operator "{{op}}" is not an IAM condition operator, so IAM rejects the policy ("Invalid Condition type")',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || trust.node.unknown) return;
    for (const s of trust.statements) {
      if (s.node.unknown || s.conditionEntry?.value.unknown) continue;
      for (const { operator, op: info } of s.operators) {
        const op = operator.value;
        if (unknownText(operator) || info.known) continue;
        if (info.family === 'null' && info.ifExists) {
          ctx.report({ at: operator, messageId: 'nullIfExists', data: { op, fix: op.slice(0, -'IfExists'.length) } });
          continue;
        }
        const s2 = suggest(op);
        if (s2?.caseOnly) ctx.report({ at: operator, messageId: 'wrongCase', data: { op, fix: s2.fix } });
        else if (s2) ctx.report({ at: operator, messageId: 'misspelt', data: { op, fix: s2.fix } });
        else ctx.report({ at: operator, messageId: 'unknownOperator', data: { op } });
      }
    }
  },
});
