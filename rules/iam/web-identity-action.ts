import { defineRule } from '../../src/engine/types.js';
import type { Role } from '../../src/model/iam.js';
import { grantsAction, isWebIdentityPolicy, providerOfFederated, WEB_IDENTITY_ACTION } from '../../src/model/trust.js';
import { unknownText } from '../../src/model/span.js';

export default defineRule({
  meta: {
    id: 'iam/web-identity-action',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy'],
    docs: {
      description: 'Require trust-policy statements for an OIDC provider to allow sts:AssumeRoleWithWebIdentity',
      whatItChecks:
        'Every `Allow` statement of a role trust policy whose `Principal.Federated` is an `oidc-provider` ARN must list an action that covers `sts:AssumeRoleWithWebIdentity` (the action itself, `sts:*` or `*`; actions are matched case-insensitively). `sts:TagSession` next to it is fine. Statements with `NotAction`, `Deny` statements and templated actions or principals are not checked.',
      whyItMatters:
        'An OIDC identity provider can only call `AssumeRoleWithWebIdentity`; a statement that allows it `sts:AssumeRole` (a frequent copy-paste from EC2 or cross-account trust policies) grants nothing, and every SDK call of the pod fails with "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity". IAM Access Analyzer reports the same mistake as the error MISMATCHED_ACTION_FOR_PRINCIPAL.',
      howToFix: 'Set `"Action": "sts:AssumeRoleWithWebIdentity"` (add `sts:TagSession` only if the provider passes session tags).',
      references: [
        'IAM access-analyzer-reference-policy-checks.md (MISMATCHED_ACTION_FOR_PRINCIPAL; aws/aws-cli awscli/examples/accessanalyzer/validate-policy.rst shows the issue code)',
        'IAM id_roles_create_for-idp_oidc.md (trust policy for an OIDC provider: Action sts:AssumeRoleWithWebIdentity)',
        'EKS associate-service-account-role.md (IRSA trust policy)',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (ccoctl trust policy template: "Action": "sts:AssumeRoleWithWebIdentity")',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      wrongAction: 'statement for OIDC provider "{{provider}}" allows {{actions}} but not "sts:AssumeRoleWithWebIdentity", so it grants no web identity access',
      noAction: 'statement for OIDC provider "{{provider}}" allows no action: add "sts:AssumeRoleWithWebIdentity"',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || !isWebIdentityPolicy(trust)) return;
    for (const s of trust.statements) {
      if (s.node.unknown || s.effect?.value !== 'Allow' || s.effect.unknown) continue;
      if (s.federated.some(unknownText)) continue;
      const provider = s.federated.map((f) => providerOfFederated(f.value)).find((p): p is string => p !== undefined);
      if (provider === undefined) continue;
      if (s.notActionEntry) continue; // NotAction is judged by IAM differently; not this rule
      const actionEntry = s.actionEntry;
      if (!actionEntry) {
        // No Action element at all: point at the principal that makes this an OIDC statement.
        if (s.principal) ctx.report({ at: s.principal.key.span, messageId: 'noAction', data: { provider } });
        continue;
      }
      if (actionEntry.value.unknown || s.actions.some(unknownText)) continue;
      if (grantsAction(s, WEB_IDENTITY_ACTION)) continue;
      if (s.actions.length === 0) {
        ctx.report({ at: actionEntry.key.span, messageId: 'noAction', data: { provider } });
        continue;
      }
      ctx.report({
        at: actionEntry.value.span,
        messageId: 'wrongAction',
        data: { provider, actions: s.actions.map((a) => `"${a.value}"`).join(', ') },
      });
    }
  },
});
