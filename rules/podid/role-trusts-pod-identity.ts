/**
 * What it checks: the role of an EKS Pod Identity association trusts `pods.eks.amazonaws.com`
 * with both `sts:AssumeRole` and `sts:TagSession`.
 * Why it matters: the association is rejected when it is created, or the pods get no credentials.
 * How to fix: add the Pod Identity statement of the EKS user guide to the role's trust policy.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import { POD_IDENTITY_SERVICE, sessionTagsDisabled, type PodIdentityAssociation } from '../../src/model/eks.js';
import type { Role } from '../../src/model/iam.js';
import { podIdentityTrust } from '../../src/model/trust.js';
import { roleField, roleName } from './_podid.js';

type Verdict = 'ok' | 'unknown' | 'webIdentityOnly' | 'notTrusted' | 'noTagSession';

function verdict(role: Role, tagsDisabled: boolean | undefined): Verdict {
  const trust = podIdentityTrust(role.trust);
  if (!trust) return 'unknown';
  if (trust.assume.length === 0) return trust.naming.length === 0 && trust.webIdentity.length > 0 ? 'webIdentityOnly' : 'notTrusted';
  if (trust.tagSession.length > 0 || tagsDisabled === true) return 'ok';
  // Whether EKS passes session tags is not known: `sts:TagSession` may not be needed.
  return tagsDisabled === undefined ? 'unknown' : 'noTagSession';
}

export default defineRule({
  meta: {
    id: 'podid/role-trusts-pod-identity',
    type: 'problem',
    severity: 'error',
    tags: ['pod-identity', 'trust-policy', 'cross-reference'],
    docs: {
      description: 'Require the role of an EKS Pod Identity association to trust pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession',
      whatItChecks:
        'Every EKS Pod Identity association (CloudFormation `AWS::EKS::PodIdentityAssociation`, Terraform `aws_eks_pod_identity_association`, CDK `CfnPodIdentityAssociation` and `ServiceAccount` with `identityType: POD_IDENTITY`, Pulumi `aws.eks.PodIdentityAssociation`, the ACK and Crossplane `PodIdentityAssociation` resources, `aws eks describe-pod-identity-association` output) whose role is in the repository (by ARN, by role name, or by a reference such as `!GetAtt Role.Arn` or `aws_iam_role.x.arn`): the role\'s trust policy must have an `Allow` statement with `Principal.Service` `pods.eks.amazonaws.com` and the action `sts:AssumeRole`, and one with `sts:TagSession` (the same statement or another), unless the association sets `disableSessionTags: true`. A role that trusts only an OIDC provider (IRSA) gets a message of its own. Trust policies that are not static, statements with `NotPrincipal`, `NotAction` or a wildcard principal, and associations whose `disableSessionTags` is not static (when only `sts:TagSession` is missing) are not judged; conditions are judged by podid/trust-matches-association.',
      whyItMatters:
        'EKS Pod Identity "uses AssumeRole to assume the IAM role before passing the temporary credentials to your pods" and "uses TagSession to include session tags in the requests to AWS STS" (EKS user guide, pod-id-role); IAM: when session tags are passed, "For roles that don\'t have this permission in the trust policy, the AssumeRole operation will fail" (id_session-tags). Depending on what EKS checks when the association is created, the deployment fails there (`InvalidParameterException: Trust policy of the role provided is invalid` for a role that trusts only web identity, hashicorp/terraform-provider-aws#41483), or the association exists and the EKS Pod Identity Agent gets no credentials for the pods, whose SDKs then fail or fall back to the node role. A role made for IRSA trusts `sts:AssumeRoleWithWebIdentity` from the cluster\'s OIDC provider, which EKS Pod Identity never calls.',
      howToFix:
        'Add the statement `{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}` to the role\'s trust policy (keep the web identity statement during a migration from IRSA, when pods of other clusters still use it), or associate the role that was made for EKS Pod Identity. Disable session tags on the association only if the role must not receive them (`PackedPolicyTooLarge`).',
      references: [
        'EKS user guide pod-id-role.adoc (the trust policy: Principal.Service pods.eks.amazonaws.com, sts:AssumeRole and sts:TagSession)',
        'EKS user guide pod-id-abac.adoc (session tags, "Disable session tags")',
        'IAM id_session-tags.md ("Permissions required to add session tags": sts:TagSession; without it the AssumeRole operation fails)',
        'EKS user guide pod-id-association.adoc (the console lists only roles with the Pod Identity trust policy)',
        'hashicorp/terraform-provider-aws#41483 (CreatePodIdentityAssociation: "Trust policy of the role provided is invalid" for a web-identity role)',
        'aws/aws-cdk packages/aws-cdk-lib/aws-eks/lib/service-account.ts ("EKS Pod Identities requires both assumed role actions otherwise it would fail")',
      ],
    },
    appliesTo: ['eks:PodIdentityAssociation'],
    messages: {
      webIdentityOnly:
        'role "{{role}}" trusts only web identity (IRSA), not EKS Pod Identity, so this association gives the pods no credentials: expected a statement that allows "pods.eks.amazonaws.com" sts:AssumeRole and sts:TagSession',
      notTrusted: 'role "{{role}}" has no trust policy statement that allows "pods.eks.amazonaws.com" sts:AssumeRole, so this association gives the pods no credentials',
      noTagSession:
        'trust policy of role "{{role}}" allows "pods.eks.amazonaws.com" sts:AssumeRole but not sts:TagSession, so EKS Pod Identity cannot pass its session tags and the pods get no credentials',
    },
  },
  check(a: PodIdentityAssociation, ctx) {
    const roles = ctx.index.associationRoles(a);
    if (roles.length === 0) return;
    const tagsDisabled = sessionTagsDisabled(a);
    const verdicts = roles.map((r) => verdict(r, tagsDisabled));
    // Several descriptions of one role: judge only when every one of them fails.
    if (verdicts.some((v) => v === 'ok' || v === 'unknown')) return;
    const messageId = verdicts.every((v) => v === 'webIdentityOnly') ? 'webIdentityOnly' : verdicts.every((v) => v === 'noTagSession') ? 'noTagSession' : 'notTrusted';
    const related: Related[] = [];
    for (const r of roles) {
      const trust = podIdentityTrust(r.trust)!;
      if (messageId === 'noTagSession') for (const s of trust.assume) related.push({ at: s.actionEntry?.value.span ?? s.span, label: `actions allowed to ${POD_IDENTITY_SERVICE}` });
      else if (messageId === 'webIdentityOnly') for (const s of trust.webIdentity) related.push({ at: s.span, label: 'web-identity statement' });
      else if (trust.naming.length > 0) for (const s of trust.naming) related.push({ at: s.actionEntry?.value.span ?? s.span, label: `actions allowed to ${POD_IDENTITY_SERVICE}` });
      else if (r.trust) related.push({ at: r.trust.statementEntry?.key.span ?? r.trust.span, label: 'trust policy' });
    }
    ctx.report({ at: roleField(a), messageId, data: { role: roleName(a, roles[0]) }, related });
  },
});
