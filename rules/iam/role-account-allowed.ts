import { defineRule, type RuleContext } from '../../src/engine/types.js';
import { parseOidcProviderArn, parseRoleArn } from '../../src/iam/arn.js';
import type { Resource } from '../../src/model/index.js';
import { subSpan, unknownText, type Located } from '../../src/model/span.js';

const messages = {
  roleAccount: 'role ARN in {{where}} is in account "{{account}}", which is not one of the configured accounts ("{{accounts}}")',
  providerAccount: 'OIDC provider ARN in {{where}} is in account "{{account}}", which is not one of the configured accounts ("{{accounts}}")',
} as const;
type MessageId = keyof typeof messages;
type Ctx = RuleContext<MessageId>;

/** Offset of the account field: after `arn:<partition>:<service>:<region>:`. */
function accountStart(text: string): number {
  let i = -1;
  for (let n = 0; n < 4; n++) {
    i = text.indexOf(':', i + 1);
    if (i === -1) return -1;
  }
  return i + 1;
}

/** Reports an ARN (role or OIDC provider) whose well-formed account is not one of the configured accounts. */
function check(ctx: Ctx, l: Located<string>, kind: 'role' | 'provider', where: string, accounts: ReadonlySet<string>): void {
  if (unknownText(l)) return;
  const text = l.value.trim();
  const parsed = kind === 'role' ? parseRoleArn(text) : parseOidcProviderArn(text);
  // A malformed account is iam/well-formed-role-arn's (or well-formed-federated-principal's) finding.
  if (!parsed.account || parsed.problems.some((p) => ['prefix', 'partition', 'account', 'resource-type', 'whitespace'].includes(p.code))) return;
  if (accounts.has(parsed.account)) return;
  const start = l.value.indexOf(text) + accountStart(text);
  ctx.report({
    at: subSpan(l, start, start + parsed.account.length),
    messageId: kind === 'role' ? 'roleAccount' : 'providerAccount',
    data: { account: parsed.account, where, accounts: [...accounts].sort().join('", "') },
  });
}

export default defineRule({
  meta: {
    id: 'iam/role-account-allowed',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'arn'],
    docs: {
      description: 'Require role and OIDC provider ARNs to be in one of the configured AWS accounts',
      whatItChecks:
        'Only when the configuration lists `facts.accounts`: every role ARN the repository states (the ServiceAccount `role-arn` annotation, `role_arn` in AWS profiles held by Secrets and ConfigMaps, `stsIAMRoleARN` of a CredentialsRequest, literal `AWS_ROLE_ARN` env values, the `Arn` of described roles, the role and target role of EKS Pod Identity associations) and every OIDC provider ARN in a trust policy `Principal.Federated` must be in one of those accounts. The finding points at the account id. Templated and malformed ARNs are left to the well-formed-* rules.',
      whyItMatters:
        'A role ARN copied from another environment (staging into production, a sample into a real repository) is well formed and passes every syntax check, but the pod then asks STS for a role in an account whose trust policies do not know this cluster: "Not authorized to perform sts:AssumeRoleWithWebIdentity". A provider ARN in a foreign account fails the same way, because AssumeRoleWithWebIdentity needs the OIDC provider in the role\'s own account.',
      howToFix:
        'Use the role of this environment\'s account (`aws iam get-role --role-name <name> --query Role.Arn` with that account\'s credentials), or add the account to `facts.accounts` in `.irsa-lint.yaml` when roles really live there.',
      references: [
        'IAM reference_identifiers.md (role and OIDC provider ARN format)',
        'IAM id_roles_providers_create_oidc.md (the provider must exist in the account of the role that trusts it)',
      ],
    },
    appliesTo: ['k8s:ServiceAccount', 'k8s:Secret', 'k8s:ConfigMap', 'k8s:CredentialsRequest', 'iam:Role', 'k8s:PodSpecOwner', 'eks:PodIdentityAssociation'],
    messages,
  },
  check(r: Resource, ctx) {
    const list = ctx.facts.accounts;
    if (!list || list.length === 0) return;
    const accounts = new Set(list);
    switch (r.kind) {
      case 'k8s:ServiceAccount': {
        const key = `${ctx.facts.annotationPrefix ?? 'eks.amazonaws.com'}/role-arn`;
        const ann = r.annotations.get(key);
        if (ann && ann.value.value.includes('arn:')) check(ctx, ann.value, 'role', `annotation "${key}"`, accounts);
        return;
      }
      case 'k8s:Secret':
      case 'k8s:ConfigMap':
        for (const [entryKey, profiles] of r.awsProfiles) {
          for (const profile of profiles) {
            for (const [name, setting] of profile.settings) {
              if (name.toLowerCase() === 'role_arn') check(ctx, setting.value, 'role', `profile "${profile.name}" of key "${entryKey}"`, accounts);
            }
          }
        }
        return;
      case 'k8s:CredentialsRequest':
        if (r.stsIAMRoleARN) check(ctx, r.stsIAMRoleARN, 'role', 'stsIAMRoleARN', accounts);
        return;
      case 'iam:Role':
        if (r.arn) check(ctx, r.arn, 'role', 'the role description', accounts);
        for (const s of r.trust?.statements ?? []) for (const f of s.federated) if (f.value.includes(':oidc-provider/')) check(ctx, f, 'provider', 'the trust policy', accounts);
        return;
      case 'eks:PodIdentityAssociation':
        if (r.roleArn) check(ctx, r.roleArn, 'role', 'the Pod Identity association', accounts);
        if (r.targetRoleArn) check(ctx, r.targetRoleArn, 'role', 'the target role of the Pod Identity association', accounts);
        return;
      case 'iam:OIDCProvider':
      case 'k8s:Authentication':
        return;
      default:
        for (const c of [...r.podSpec.initContainers, ...r.podSpec.containers]) {
          for (const e of c.env) {
            if (e.name.value === 'AWS_ROLE_ARN' && e.value && !e.valueFrom) check(ctx, e.value, 'role', `AWS_ROLE_ARN of container "${c.name.value}"`, accounts);
          }
        }
    }
  },
});
