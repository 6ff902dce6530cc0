/**
 * What it checks: the conditions of the Pod Identity statements of an association's role admit
 * the request EKS Pod Identity makes for it: its session tags (namespace, ServiceAccount, cluster)
 * and the cluster's account and ARN.
 * Why it matters: a condition that rejects the association makes every credential request fail.
 * How to fix: correct the condition value, or the association's namespace, ServiceAccount or cluster.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import { likeMatch } from '../../src/iam/conditions.js';
import type { PodIdentityAssociation } from '../../src/model/eks.js';
import type { Condition, Role, Statement } from '../../src/model/iam.js';
import type { Located, Span } from '../../src/model/span.js';
import {
  isPlainPositive,
  podIdentityRejectingClauses,
  podIdentityRequest,
  podIdentityStatementAdmits,
  podIdentityTrust,
  requestTagOf,
  type PodIdentityRequest,
} from '../../src/model/trust.js';
import { roleField, roleName } from './_podid.js';

const messages = {
  tagMismatch: 'trust policy of role "{{role}}" admits session tag "{{tag}}" {{expected}}, not "{{value}}" of this association',
  tagsDisabled: 'this association disables session tags, but the trust policy of role "{{role}}" requires session tag "{{tag}}", so EKS Pod Identity cannot assume the role',
  tagNeverSet: 'trust policy of role "{{role}}" requires session tag "{{tag}}", which EKS Pod Identity never sets, so it cannot assume the role',
  sourceAccount: 'trust policy of role "{{role}}" admits aws:SourceAccount {{expected}}, not "{{account}}", the account of the association\'s cluster',
  sourceArn: 'trust policy of role "{{role}}" admits aws:SourceArn {{expected}}, which names neither cluster "{{cluster}}" of account "{{account}}" nor its associations',
} as const;
type MessageId = keyof typeof messages;

/** `StringEquals "a"`, `StringLike "team-*" or "ops"`. */
function expected(c: Condition): string {
  return `${c.operator.value} ${c.values.map((v) => JSON.stringify(v.value)).join(' or ')}`;
}

/** Could one ARN component `pattern` (operator semantics) equal `value`? */
function componentMatches(c: Condition, pattern: string, value: string): boolean {
  if (c.op.family === 'arn' || (c.op.like && c.op.family === 'string')) return likeMatch(pattern, value, c.op.ignoreCase);
  return c.op.ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
}

/**
 * Could an `aws:SourceArn` value of this condition be the ARN EKS Pod Identity passes? AWS does
 * not document whether that is the cluster's ARN or the association's; both carry the cluster's
 * account and name (`arn:<p>:eks:<region>:<account>:cluster/<name>`,
 * `...:podidentityassociation/<name>/<id>`), so a value that matches neither form for the
 * cluster's account and name cannot match. Undefined when that cannot be told.
 */
function sourceArnCanMatch(c: Condition, value: string, account: string, name: string): boolean | undefined {
  // StringLike's `*` may span colons: only ARN operators compare component by component.
  if (c.op.family === 'string' && c.op.like && /[*?]/.test(value)) return undefined;
  const parts = value.split(':');
  if (parts.length < 6) return c.op.family === 'arn' ? undefined : false;
  const [prefix, , service, , acct] = parts;
  const resource = parts.slice(5).join(':');
  if (!componentMatches(c, prefix, 'arn') || !componentMatches(c, service, 'eks') || !componentMatches(c, acct, account)) return false;
  if (componentMatches(c, resource, `cluster/${name}`)) return true;
  // An association ARN: `podidentityassociation/<name>/<id>` with an id the repository cannot know.
  const base = `podidentityassociation/${name}/`;
  const literal = c.op.family === 'arn' || c.op.like ? resource.split(/[*?]/)[0] : resource;
  if (literal !== resource) return base.startsWith(literal) || literal.startsWith(base) ? true : false;
  return resource.startsWith(base) && resource.length > base.length && !resource.slice(base.length).includes('/');
}

interface Rejection {
  readonly messageId: MessageId;
  readonly condition: Condition;
  readonly data: Record<string, string>;
  readonly at: Span | Located<unknown>;
}

/** Why statement `s` rejects the request, or undefined when it admits it (or that is not known). */
function rejection(s: Statement, a: PodIdentityAssociation, role: Role, req: PodIdentityRequest): Rejection | undefined {
  const admits = podIdentityStatementAdmits(s, req);
  if (admits === undefined) return undefined;
  if (admits === false) {
    const c = podIdentityRejectingClauses(s, req)[0];
    if (!c) return undefined;
    const tag = requestTagOf(c.key.value);
    const base = { role: roleName(a, role) };
    if (tag !== undefined) {
      if (!req.sessionTags) return { messageId: 'tagsDisabled', condition: c, data: { ...base, tag }, at: a.disableSessionTags ?? a.anchor };
      const fields: Record<string, [Located<string> | undefined, string | undefined]> = {
        'kubernetes-namespace': [a.namespace, req.namespace],
        'kubernetes-service-account': [a.serviceAccount, req.serviceAccount],
        'eks-cluster-name': [a.clusterName, req.clusterName],
        'eks-cluster-arn': [a.clusterName ?? a.associationArn, req.clusterArn],
      };
      const f = fields[tag];
      if (!f) return { messageId: 'tagNeverSet', condition: c, data: { ...base, tag }, at: roleField(a) };
      return { messageId: 'tagMismatch', condition: c, data: { ...base, tag, expected: expected(c), value: f[1] ?? '' }, at: f[0] ?? a.anchor };
    }
    if (c.key.value.toLowerCase() === 'aws:sourceaccount' && req.account !== undefined) {
      return { messageId: 'sourceAccount', condition: c, data: { ...base, expected: expected(c), account: req.account }, at: roleField(a) };
    }
    return undefined;
  }
  // Admitted on the keys the request fixes; an aws:SourceArn condition may still reject it.
  const name = req.clusterName;
  const account = req.account;
  if (name === undefined || account === undefined) return undefined;
  for (const c of s.conditions) {
    if (c.key.value.toLowerCase() !== 'aws:sourcearn' || c.unknown || !isPlainPositive(c) || (c.op.family !== 'arn' && c.op.family !== 'string')) continue;
    const verdicts = c.values.map((v) => sourceArnCanMatch(c, v.value, account, name));
    if (verdicts.every((v) => v === false)) {
      return { messageId: 'sourceArn', condition: c, data: { role: roleName(a, role), expected: expected(c), cluster: name, account }, at: a.clusterName ?? a.anchor };
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'podid/trust-matches-association',
    type: 'problem',
    severity: 'error',
    tags: ['pod-identity', 'trust-policy', 'cross-reference'],
    docs: {
      description: "Require the conditions of a Pod Identity role's trust policy to admit the associations that use the role",
      whatItChecks:
        'For every EKS Pod Identity association whose role is in the repository and trusts `pods.eks.amazonaws.com` with `sts:AssumeRole`: the conditions of those statements are evaluated, with IAM semantics, against the request EKS Pod Identity makes for the association. Its session tags `aws:RequestTag/kubernetes-namespace`, `kubernetes-service-account`, `eks-cluster-name` (when the cluster name is static) and `eks-cluster-arn` (when the cluster ARN is known, from `describe-pod-identity-association` output), no `aws:RequestTag/*` key at all when the association sets `disableSessionTags: true`, and `aws:SourceAccount` equal to the cluster\'s account (the role\'s own account: EKS associates only roles of the cluster\'s account). When every such statement rejects the association, the first rejecting condition is reported at the association field it concerns. An `aws:SourceArn` condition with a positive operator is reported when none of its values can name the cluster (account and name) or one of its associations. Conditions on other keys (`kubernetes-pod-name`, `kubernetes-pod-uid`, `aws:SourceOrgId`, ...) count as satisfied; statements whose conditions are not static, and associations whose namespace, ServiceAccount or `disableSessionTags` is not static, are not judged.',
      whyItMatters:
        'EKS Pod Identity calls `sts:AssumeRole` with the session tags `eks-cluster-arn`, `eks-cluster-name`, `kubernetes-namespace`, `kubernetes-service-account`, `kubernetes-pod-name` and `kubernetes-pod-uid` (EKS user guide pod-id-role, pod-id-abac), which is how a trust policy restricts "which service accounts, namespaces, and clusters can use this role". A condition that names another namespace, ServiceAccount or cluster than the association (a copy from another environment, a renamed ServiceAccount) rejects every request: the pods get no credentials. With session tags disabled no `aws:RequestTag` key is in the request, so every positive condition on one fails; EKS Pod Identity "can\'t add additional custom tags", so a condition on any other request tag never matches either. `aws:SourceAccount` and `aws:SourceArn` are the confused-deputy keys AWS recommends for service principals; a value of another account or cluster rejects EKS Pod Identity too.',
      howToFix:
        'Make the condition value the association\'s namespace, ServiceAccount or cluster name (use `StringLike` with a wildcard to admit several), or correct the association. With session tags disabled, restrict the role with `aws:SourceAccount`/`aws:SourceArn` instead of `aws:RequestTag` conditions, or enable the session tags again.',
      references: [
        'EKS user guide pod-id-role.adoc ("Setting Conditions": the request tags, the example trust policy with aws:RequestTag/kubernetes-namespace and kubernetes-service-account)',
        'EKS user guide pod-id-abac.adoc (the six session tags; "Disable session tags"; "EKS Pod Identity can\'t add additional custom tags")',
        'EKS best practices guide security/iam.adoc ("ABAC and EKS Pod Identities": tag values, eks-cluster-arn format; aws:SourceOrgId)',
        'EKS user guide cross-service-confused-deputy-prevention.adoc (aws:SourceArn, aws:SourceAccount; EKS cluster ARN format)',
        'EKS user guide pod-identities.adoc ("You can only associate roles that are in the same AWS account as the cluster")',
        'IAM reference_policies_elements_condition_operators.md (a positive operator on an absent key is false; ARN operators compare each component)',
      ],
    },
    appliesTo: ['eks:PodIdentityAssociation'],
    messages,
  },
  check(a: PodIdentityAssociation, ctx) {
    const roles = ctx.index.associationRoles(a);
    if (roles.length === 0) return;
    const found: Rejection[] = [];
    const related: Related[] = [];
    for (const role of roles) {
      const trust = podIdentityTrust(role.trust);
      if (!trust || trust.assume.length === 0) return; // podid/role-trusts-pod-identity
      const req = podIdentityRequest(a, role);
      if (!req) return;
      // EKS assumes the role if any statement admits the request.
      const rejections = trust.assume.map((s) => rejection(s, a, role, req));
      if (rejections.some((r) => r === undefined)) return;
      for (const r of rejections as Rejection[]) {
        found.push(r);
        related.push({ at: r.condition.valuesSpan, label: `trust policy condition on ${r.condition.key.value}` });
      }
    }
    const first = found[0];
    if (!first) return;
    ctx.report({ at: first.at, messageId: first.messageId, data: first.data, related });
  },
});
