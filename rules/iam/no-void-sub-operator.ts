import { defineRule } from '../../src/engine/types.js';
import type { Condition, Role } from '../../src/model/iam.js';
import { claimConditions, isPlainPositive, trustedProviders, webIdentityStatements } from '../../src/model/trust.js';
import { unknownText, type Span } from '../../src/model/span.js';

const spanKey = (s: Span): string => `${s.file}:${s.line}:${s.column}`;

/** The operator without `ForAllValues:`/`IfExists`, and positive: what the author should write. */
function plainOperator(c: Condition): string {
  const base = c.op.base.replace(/^String(Not)?/, 'String').replace(/^Arn(Not)?/, 'Arn');
  return c.op.qualifier === 'ForAnyValue' ? `ForAnyValue:${base}` : base;
}

const messages = {
  negatedOnly:
    'this statement restricts "sub" only by exclusion ("{{operator}}"), so it admits every service account of the cluster except {{values}}: use "{{fix}}" with the service accounts to admit',
  forAllValues:
    '"{{operator}}" on the single-valued key "{{key}}" is true for a request without the key, so this statement has no reliable subject restriction: use "{{fix}}"',
  nullOnly:
    '"{{operator}}" on "{{key}}" only tests that the token has a subject, which every service account token has, so this statement admits every service account of the cluster: use "StringEquals" with the service accounts to admit',
  ifExists:
    '"{{operator}}" on "{{key}}" is true for a request without the key, so this statement has no reliable subject restriction: use "{{fix}}"',
} as const;
type MessageId = keyof typeof messages;

export default defineRule({
  meta: {
    id: 'iam/no-void-sub-operator',
    type: 'hardening',
    severity: 'warning',
    securitySeverity: 6.5,
    tags: ['iam', 'trust-policy', 'security'],
    docs: {
      description: 'Warn when the only "sub" restriction of a web-identity statement is negated, "ForAllValues:" or "…IfExists"',
      whatItChecks:
        'In every `Allow` statement that lets an `oidc-provider` principal call `sts:AssumeRoleWithWebIdentity`, the `<provider>:sub` conditions (key prefix = the statement\'s provider) when none of them is a plain positive operator (`StringEquals`, `StringLike`, `ForAnyValue:…`, `ArnLike`, …): negated operators (`StringNotEquals`, `StringNotLike`, …) as the only `sub` restrictions, and otherwise `ForAllValues:` or `…IfExists` on `sub`; and a `"Null": {"<provider>:sub": "false"}` existence test as the only `sub` condition. Keys naming another issuer are reported by `iam/no-void-condition` and `iam/condition-key-matches-provider`; statements without any `sub` condition by `iam/require-sub-condition`. Templated principals and condition blocks are not checked.',
      whyItMatters:
        'A negated operator on `sub` inverts the restriction: `StringNotEquals {"…:sub": "system:serviceaccount:kube-system:default"}` admits every other service account of the cluster, including ones created later, and with several values they are ANDed (multi-value conditions), so it still excludes only the ones listed. `ForAllValues:` "returns true if there are no context keys in the request" and IAM says "Do not use ForAllValues with an Allow effect because it can be overly permissive" (Access Analyzer FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY: `sub` is single-valued); `…IfExists` is true "If the key is not present". `Null` with `false` only tests that the key exists. Kubernetes service account tokens always carry `sub`, so today these two behave like the plain operator, but the statement\'s only subject restriction then rests on the presence of the claim, and the same operator under a mistyped key prefix silently admits every token.',
      howToFix:
        'Restrict `sub` with a positive operator: `"StringEquals": {"<provider>:sub": "system:serviceaccount:<namespace>:<serviceaccount>"}` (a list for several service accounts, `StringLike` for a name pattern). Keep negated operators only as additional exclusions next to such a condition.',
      references: [
        'IAM reference_policies_multi-value-conditions.md (ForAllValues is true when the key is absent; "Do not use ForAllValues with an Allow effect"; negated operators with several values)',
        'IAM reference_policies_elements_condition_operators.md (IfExists: "If the key is not present, evaluate the condition element as true"; negated operators)',
        'IAM access-analyzer-reference-policy-checks.md (FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY)',
        'IAM reference_policies_iam-condition-keys.md (`<issuer>:sub` = system:serviceaccount:<namespace>:<serviceaccount>)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages,
  },
  check(role: Role, ctx) {
    for (const s of webIdentityStatements(role.trust)) {
      if (s.node.unknown || !s.conditionsStatic) continue;
      if (s.conditions.some((c) => c.claimUnknown || unknownText(c.operator))) continue;
      const providers = trustedProviders(s);
      if (!providers) continue;
      const reported = new Set<string>();
      const seen = new Set<string>();
      for (const provider of providers) {
        const id = provider.host === undefined ? provider.principal.value : provider.host.toLowerCase();
        if (seen.has(id)) continue;
        seen.add(id);
        const own = claimConditions(s, 'sub', provider);
        const subs = own.filter((c) => c.op.known && (c.op.family === 'string' || c.op.family === 'arn'));
        if (subs.length === 0) {
          // `"Null": {"<provider>:sub": "false"}` only says that the token has a subject: every token has one.
          const nullCheck = own.find(
            (c) => c.op.known && c.op.family === 'null' && !c.unknown && c.values.length > 0 && c.values.every((v) => !unknownText(v) && v.value.toLowerCase() === 'false'),
          );
          if (nullCheck && reported.has(spanKey(nullCheck.operator.span))) continue;
          if (nullCheck) reported.add(spanKey(nullCheck.operator.span));
          if (nullCheck) ctx.report({ at: nullCheck.operator, messageId: 'nullOnly', data: { operator: nullCheck.operator.value, key: nullCheck.key.value } });
          continue;
        }
        if (subs.some(isPlainPositive)) continue;
        // With a positive `…IfExists`/`ForAllValues:` condition, that one is the restriction (negated ones are exclusions next to it).
        const positives = subs.filter((c) => !c.op.negated);
        if (positives.length === 0) {
          // Only exclusions: one finding on the first, listing everything they exclude together.
          if (subs.some((c) => c.unknown || c.values.some(unknownText))) continue;
          const [c] = subs;
          const values = subs.flatMap((x) => x.values.map((v) => `${x.op.like ? 'those matching ' : ''}"${v.value}"`));
          ctx.report({
            at: c.operator,
            messageId: 'negatedOnly',
            data: { operator: c.operator.value, fix: plainOperator(c), values: values.length === 0 ? 'none' : values.join(', ') },
          });
          continue;
        }
        for (const c of positives) {
          const where = spanKey(c.operator.span);
          if (reported.has(where)) continue; // several keys under one operator: one finding on the operator
          if (c.unknown || c.values.some(unknownText)) continue;
          const messageId: MessageId = c.op.qualifier === 'ForAllValues' ? 'forAllValues' : 'ifExists';
          reported.add(where);
          ctx.report({
            at: c.operator,
            messageId,
            data: {
              operator: c.operator.value,
              key: c.key.value,
              fix: plainOperator(c),
            },
          });
        }
      }
    }
  },
});
