import { defineRule, type Related, type RuleContext } from '../../src/engine/types.js';
import type { Role, Statement } from '../../src/model/iam.js';
import { containersOf } from '../../src/model/container.js';
import type { ServiceAccount, Workload } from '../../src/model/k8s.js';
import { sdkEnvironment } from '../../src/model/sdk-environment.js';
import { isUnknown } from '../../src/model/span.js';
import {
  grantsAction,
  podIdentityTrust,
  policyComplete,
  roleAdmits,
  serviceAccountSubject,
  WEB_IDENTITY_ACTION,
  webIdentityStatements,
} from '../../src/model/trust.js';

type Verdict = 'admits' | 'unknown' | 'noGrant' | 'podIdentity' | 'notTrusted';

/** Could this statement be meant as a web-identity grant (even a malformed one)? Other rules judge those. */
function concernsWebIdentity(s: Statement): boolean {
  return (
    grantsAction(s, WEB_IDENTITY_ACTION) ||
    s.actions.some((a) => a.unknown) ||
    s.federated.length > 0 ||
    !!s.effect?.unknown ||
    !!s.principal?.value.unknown ||
    !!s.actionEntry?.value.unknown
  );
}

function verdict(role: Role, sub: string): Verdict {
  const trust = role.trust;
  if (!policyComplete(trust)) return 'unknown';
  if (webIdentityStatements(trust).length === 0) {
    if (trust.statements.some(concernsWebIdentity)) return 'unknown';
    return (podIdentityTrust(trust)?.assume.length ?? 0) > 0 ? 'podIdentity' : 'noGrant';
  }
  const strict = roleAdmits(role, { sub }, ['sub']);
  if (strict === true) return 'admits';
  if (strict === undefined || roleAdmits(role, { sub }, ['sub'], { anyPrefix: true }) !== false) return 'unknown';
  return 'notTrusted';
}

export default defineRule({
  meta: {
    id: 'irsa/role-trusts-service-account',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'trust-policy', 'cross-reference'],
    docs: {
      description: "Require the role named in a ServiceAccount's role-arn annotation, or in a pod's own web identity settings, to trust that ServiceAccount",
      whatItChecks:
        'For a ServiceAccount annotated `eks.amazonaws.com/role-arn` (or `<annotation-prefix>/role-arn`) whose role is in the repository (by ARN, or by role name for files that give only a name, such as ccoctl `05-*-role.json`), the role\'s trust policy must let the token of exactly this ServiceAccount call `sts:AssumeRoleWithWebIdentity`: some `Allow` statement with an OIDC `Federated` principal whose `<issuer>:sub` conditions accept `system:serviceaccount:<namespace>:<name>`, evaluated with IAM semantics (`StringEquals` lists are ORed, `StringLike` honours `*` and `?`). The same holds for a container that names its role itself, for the pod\'s ServiceAccount (`serviceAccountName`, else `serviceAccount`, else `default`): `AWS_ROLE_ARN` beside `AWS_WEB_IDENTITY_TOKEN_FILE` in its environment, or the `role_arn` of the web identity profile (`role_arn` + `web_identity_token_file`) it selects in a shared config or credentials file mounted from a Secret or ConfigMap of the repository. A role that trusts only EKS Pod Identity (`Principal.Service` `pods.eks.amazonaws.com`) gets a message of its own. Templated values, roles not in the repository, trust policies whose `sub` key prefix is not the provider (another rule) and ServiceAccounts with an EKS Pod Identity association (the webhook then ignores the annotation: podid/no-irsa-overlap) are not judged.',
      whyItMatters:
        'The pod identity webhook injects `AWS_ROLE_ARN` and a projected token for whatever role the annotation names, without checking the role (pkg/handler/handler.go, pkg/cache/cache.go). STS then evaluates the trust policy against the token\'s `sub` claim; if it does not admit this ServiceAccount, every SDK call fails with "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity" and the pod may silently fall back to the node role.',
      howToFix:
        'Add `system:serviceaccount:<namespace>:<name>` to the role\'s `<issuer>:sub` condition (a `StringEquals` list, or a `StringLike` pattern), or point the annotation (or `AWS_ROLE_ARN`, or the profile\'s `role_arn`) at the role that was created for this ServiceAccount.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/cache/cache.go (role-arn annotation read from the ServiceAccount) and pkg/handler/handler.go (AWS_ROLE_ARN injection)',
        'IAM reference_policies_iam-condition-keys.md (`<issuer>:sub` = system:serviceaccount:<namespace>:<serviceaccount>)',
        'IAM reference_policies_elements_condition_operators.md (StringEquals, StringLike)',
        'EKS associate-service-account-role.md (trust policy for a ServiceAccount)',
        'boto/botocore botocore/credentials.py AssumeRoleWithWebIdentityProvider and aws/aws-sdk-js-v3 credential-provider-web-identity fromTokenFile (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or role_arn and web_identity_token_file of the profile)',
        'EKS user guide pod-id-role.adoc (the EKS Pod Identity trust policy: Principal.Service pods.eks.amazonaws.com, sts:AssumeRole and sts:TagSession) and pod-id-how-it-works.adoc (Pod Identity provides credentials through the container credential provider, IRSA through AssumeRoleWithWebIdentity)',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (buildPodPatchConfig: "Container credentials method takes precedence")',
      ],
    },
    appliesTo: ['k8s:ServiceAccount', 'k8s:PodSpecOwner'],
    messages: {
      noGrant: 'role "{{arn}}" has no trust policy statement that allows sts:AssumeRoleWithWebIdentity from an OIDC provider, so "{{subject}}" cannot assume it',
      podIdentityRole:
        'role "{{arn}}" trusts only EKS Pod Identity (pods.eks.amazonaws.com), not web identity, so "{{subject}}" cannot assume it through the role-arn annotation: expected an EKS Pod Identity association for the ServiceAccount instead',
      notTrusted: 'trust policy of role "{{arn}}" does not admit "{{subject}}"',
      notTrustedByPod: 'trust policy of role "{{arn}}", which container "{{container}}" names in {{source}}, does not admit "{{subject}}", the ServiceAccount of its pod',
      noGrantForPod:
        'role "{{arn}}", which container "{{container}}" names in {{source}}, has no trust policy statement that allows sts:AssumeRoleWithWebIdentity from an OIDC provider, so "{{subject}}" cannot assume it',
    },
  },
  check(resource: ServiceAccount | Workload, ctx) {
    if (resource.kind !== 'k8s:ServiceAccount') {
      checkWorkload(resource, ctx);
      return;
    }
    const sa = resource;
    const prefix = ctx.facts.annotationPrefix ?? 'eks.amazonaws.com';
    const ann = sa.annotations.get(`${prefix}/role-arn`);
    if (!ann || !sa.name || sa.name.unknown || sa.namespaceUnknown) return;
    // With an EKS Pod Identity association the webhook ignores the annotation (podid/no-irsa-overlap).
    if (ctx.index.associationsFor(sa.namespace, sa.name.value).length > 0) return;
    const arn = ann.value.value;
    // By ARN or name, or the role an IaC reference names (`aws_iam_role.app.arn`, whose account is unknown).
    const roles = ctx.index.rolesNamedBy(ann.value);
    if (roles.length === 0) return;
    const subject = serviceAccountSubject(sa.namespace, sa.name.value);
    const j = judge(roles, subject);
    if (j) ctx.report({ at: ann.value, messageId: j.messageId, data: { arn, subject }, related: j.related });
  },
});

/** Undefined when some description of the role admits the subject or cannot be judged; else what to report. */
function judge(roles: readonly Role[], subject: string): { messageId: 'noGrant' | 'podIdentityRole' | 'notTrusted'; related: Related[] } | undefined {
  const verdicts = roles.map((r) => verdict(r, subject));
  // Several descriptions of one role: judge only when every one of them rejects the subject.
  if (verdicts.some((v) => v === 'admits' || v === 'unknown')) return undefined;
  const related: Related[] = [];
  roles.forEach((role, i) => {
    if (verdicts[i] === 'noGrant') {
      if (role.trust) related.push({ at: role.trust.span, label: 'trust policy' });
      return;
    }
    if (verdicts[i] === 'podIdentity') {
      for (const s of podIdentityTrust(role.trust)?.assume ?? []) related.push({ at: s.span, label: 'EKS Pod Identity statement' });
      return;
    }
    for (const s of webIdentityStatements(role.trust)) {
      const subs = s.conditions.filter((c) => c.claim.toLowerCase() === 'sub');
      if (subs.length === 0) related.push({ at: s.span, label: 'web-identity statement' });
      for (const c of subs) related.push({ at: c.valuesSpan, label: 'trust policy "sub" condition' });
    }
  });
  const messageId = verdicts.every((v) => v === 'noGrant') ? 'noGrant' : verdicts.every((v) => v === 'noGrant' || v === 'podIdentity') ? 'podIdentityRole' : 'notTrusted';
  return { messageId, related };
}

/** A container's own web identity settings (not the webhook's, judged on the ServiceAccount): the role they name must trust the pod's ServiceAccount. */
function checkWorkload(w: Workload, ctx: RuleContext<'notTrustedByPod' | 'noGrantForPod'>): void {
  const spec = w.podSpec;
  if (w.namespaceUnknown || spec.serviceAccountUnknown) return;
  const subject = serviceAccountSubject(w.namespace, spec.effectiveServiceAccount);
  for (const c of containersOf(w)) {
    const wi = sdkEnvironment(ctx.index, w, c, { annotationPrefix: ctx.facts.annotationPrefix }).webIdentity;
    if (!wi || wi.source === 'webhook' || !wi.roleArn || isUnknown(wi.roleArn) || wi.roleArn.value.trim() === '') continue;
    const arn = wi.roleArn.value.trim();
    const roles = ctx.index.rolesByArnOrName(arn);
    if (roles.length === 0) continue;
    const j = judge(roles, subject);
    if (!j) continue;
    const source = wi.source === 'env' ? 'AWS_ROLE_ARN' : `the role_arn of profile "${wi.profile}"`;
    ctx.report({ at: wi.roleArn, messageId: j.messageId === 'notTrusted' ? 'notTrustedByPod' : 'noGrantForPod', data: { arn, container: c.name.value, source, subject }, related: [...j.related, { at: spec.serviceAccountSpan, label: 'the pod\'s ServiceAccount' }] });
  }
}
