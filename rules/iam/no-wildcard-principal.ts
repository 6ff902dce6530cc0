import { defineRule } from '../../src/engine/types.js';
import type { Condition, Role } from '../../src/model/iam.js';
import { isRoleTrustPolicy } from '../../src/model/trust.js';
import { unknownText } from '../../src/model/span.js';

/** Global condition keys that restrict who the calling principal is (IAM reference_policies_condition-keys.md). */
const PRINCIPAL_KEYS = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
]);

/** A positive condition on one of the principal-restricting global keys (with values we can read). */
const restrictsPrincipal = (c: Condition): boolean =>
  c.op.known && !c.op.negated && !c.op.ifExists && c.op.family !== 'null' && PRINCIPAL_KEYS.has(c.key.value.toLowerCase());

export default defineRule({
  meta: {
    id: 'iam/no-wildcard-principal',
    type: 'problem',
    severity: 'error',
    securitySeverity: 8.5,
    tags: ['iam', 'trust-policy', 'security'],
    docs: {
      description: 'Forbid "Principal": "*" and "NotPrincipal" in role trust policies',
      whatItChecks:
        'Every statement of a role trust policy (a role description, an IaC role, or a policy file whose actions are all `sts:` actions): an `Allow` statement must not use `"Principal": "*"`, nor `{"AWS": "*"}` unless a condition restricts the caller with `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths`; and no statement may use `NotPrincipal`. Templated statements are not checked.',
      whyItMatters:
        'A trust policy decides who can become the role. `{"AWS": "*"}` admits every principal of every AWS account, so the IAM documentation advises against a wildcard principal in a role trust policy unless a `Condition` restricts access. The short form `"Principal": "*"` is refused by the IAM API in a trust policy with MalformedPolicyDocument (aws/aws-cdk#5746), and Access Analyzer reports ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL as an error. `NotPrincipal` is not supported in role trust policies (Access Analyzer ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL). A role for service accounts only needs the OIDC provider as a `Federated` principal.',
      howToFix:
        'Name the trusted principal exactly: for IRSA and OpenShift STS `"Principal": {"Federated": "arn:aws:iam::<account>:oidc-provider/<issuer>"}` with `sub` and `aud` conditions; for another account, its account or role ARN. Replace `NotPrincipal` by `Principal` with the principals to trust.',
      references: [
        'IAM access-analyzer-reference-policy-checks.md (ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL, ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL)',
        'IAM reference_policies_elements_principal.md (wildcard principal in role trust policies only with a Condition that restricts access)',
        'IAM reference_policies_elements_notprincipal.md (NotPrincipal is not supported in role trust policies)',
        'aws/aws-cdk#5746 ("Principal": "*" in an AssumeRole policy is rejected by the IAM API as MalformedPolicyDocument)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      wildcardPrincipal:
        'trust statement allows principal "*" without a condition on the calling account or organization, so any principal of any AWS account can assume the role: name the trusted principal instead',
      scalarWildcard:
        'principal "*" is rejected in a role trust policy (MalformedPolicyDocument) and would admit any principal of any AWS account: name the trusted principal instead',
      notPrincipal: '"NotPrincipal" is not supported in a role trust policy: use "Principal" with the principals to trust',
    },
  },
  check(role: Role, ctx) {
    if (!isRoleTrustPolicy(role)) return;
    for (const s of role.trust!.statements) {
      if (s.node.unknown) continue;
      if (s.notPrincipal && !s.notPrincipal.key.unknown) {
        ctx.report({ at: s.notPrincipal.key.span, messageId: 'notPrincipal' });
      }
      const w = s.principalWildcard;
      if (!w || unknownText(w) || s.effect?.value !== 'Allow' || s.effect.unknown) continue;
      if (s.principal && s.principal.value.type === 'scalar') {
        // `"Principal": "*"`: the IAM API refuses it in a trust policy, conditions or not.
        ctx.report({ at: w, messageId: 'scalarWildcard' });
        continue;
      }
      if (s.conditionEntry?.value.unknown) continue;
      if (s.conditions.some((c) => c.unknown || unknownText(c.key) || unknownText(c.operator))) continue;
      if (s.conditions.some(restrictsPrincipal)) continue;
      ctx.report({ at: w, messageId: 'wildcardPrincipal' });
    }
  },
});
