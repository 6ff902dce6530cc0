import { defineRule } from '../../src/engine/types.js';
import { subjectScope } from '../../src/iam/conditions.js';
import type { Condition, Role, Statement } from '../../src/model/iam.js';
import { claimConditions, trustedProviders, webIdentityStatements } from '../../src/model/trust.js';
import { unknownText } from '../../src/model/span.js';

const SA_PREFIX = 'system:serviceaccount:';

/** Positive `sub` conditions on one of the statement's providers (the ones that decide whom the statement admits). */
function subConditions(s: Statement): Condition[] {
  const out = new Set<Condition>();
  for (const p of trustedProviders(s) ?? []) {
    for (const c of claimConditions(s, 'sub', p)) if (c.op.known && !c.op.negated && (c.op.family === 'string' || c.op.family === 'arn')) out.add(c);
  }
  return s.conditions.filter((c) => out.has(c));
}

/** A condition whose values all name single service accounts or SA-name patterns inside one namespace. */
function isNarrow(c: Condition): boolean {
  return !c.unknown && c.values.every((v) => !unknownText(v) && ['exact', 'service-account-pattern'].includes(subjectScope(c.op, v.value)));
}

/** The namespace part of `system:serviceaccount:<ns>:<sa>` (everything after the prefix when there is no second colon). */
function namespacePart(value: string): string {
  const rest = value.slice(SA_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? rest : rest.slice(0, colon);
}

export default defineRule({
  meta: {
    id: 'iam/no-broad-sub-pattern',
    type: 'hardening',
    severity: 'warning',
    securitySeverity: 6.5,
    tags: ['iam', 'trust-policy', 'security'],
    docs: {
      description: 'Warn when a "sub" pattern admits every service account of a namespace or of the cluster',
      whatItChecks:
        'In every `Allow` statement that lets an `oidc-provider` principal call `sts:AssumeRoleWithWebIdentity`, each value of a `<provider>:sub` condition under a wildcard operator (`StringLike`, `ForAnyValue:StringLike`, `…IfExists`, `ArnLike`) that opens a whole namespace (`system:serviceaccount:<ns>:*`), namespaces by pattern (`system:serviceaccount:team-*:app`) or the whole cluster (`*`, `system:serviceaccount:*`, `system:serviceaccount:*:app`). Patterns on the service account name inside one namespace (`system:serviceaccount:<ns>:app-*`), negated operators (exclusions), templated values and statements that also require an exact or SA-name-pattern `sub` in another condition are not reported.',
      whyItMatters:
        'The `sub` claim is `system:serviceaccount:<namespace>:<name>` of the pod\'s service account, and anyone who can create a service account, or a pod using an existing one, in a matching namespace can obtain a token that satisfies the pattern. A namespace-wide pattern also admits service accounts created later; a cluster-wide one is as open as having no `sub` condition. AWS: "Scope the IAM Role trust policy for IRSA Roles to the service account name, namespace, and cluster"; the EKS guide offers the `StringLike` + `system:serviceaccount:<namespace>:*` form only as the way to admit every service account of a namespace.',
      howToFix:
        'List the exact subjects with `StringEquals` (`"system:serviceaccount:<namespace>:<name>"`, a list for several), or at least restrict the pattern to service account names inside one namespace.',
      references: [
        'aws/aws-eks-best-practices latest/bpg/security/iam.adoc ("Scope the IAM Role trust policy for IRSA Roles to the service account name, namespace, and cluster")',
        'EKS associate-service-account-role.md (StringLike with system:serviceaccount:<namespace>:* to admit every service account of a namespace)',
        'IAM reference_policies_elements_condition_operators.md (StringLike wildcards)',
        'IAM reference_policies_iam-condition-keys.md (`<issuer>:sub` = system:serviceaccount:<namespace>:<serviceaccount>)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      namespaceWide: 'sub pattern "{{value}}" admits every service account of namespace "{{namespace}}", including ones created later',
      namespacePattern: 'sub pattern "{{value}}" admits service accounts in every namespace whose name matches "{{namespace}}"',
      clusterWide: 'sub pattern "{{value}}" admits service accounts in every namespace of the cluster, including ones created later',
    },
  },
  check(role: Role, ctx) {
    for (const s of webIdentityStatements(role.trust)) {
      if (s.node.unknown || !s.conditionsStatic) continue;
      const subs = subConditions(s);
      for (const c of subs) {
        if (!c.op.like || c.claimUnknown) continue;
        // Another positive `sub` condition (ANDed with this one) that names exact subjects narrows it.
        if (subs.some((o) => o !== c && isNarrow(o))) continue;
        for (const v of c.values) {
          if (unknownText(v)) continue;
          const scope = subjectScope(c.op, v.value);
          if (scope === 'namespace') {
            ctx.report({ at: v, messageId: 'namespaceWide', data: { value: v.value, namespace: namespacePart(v.value) } });
          } else if (scope === 'namespace-pattern') {
            ctx.report({ at: v, messageId: 'namespacePattern', data: { value: v.value, namespace: namespacePart(v.value) } });
          } else if (scope === 'cluster') {
            ctx.report({ at: v, messageId: 'clusterWide', data: { value: v.value } });
          }
        }
      }
    }
  },
});
