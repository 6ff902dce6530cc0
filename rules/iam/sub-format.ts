import { defineRule } from '../../src/engine/types.js';
import { issuerHost } from '../../src/iam/arn.js';
import type { Condition, Role } from '../../src/model/iam.js';
import { claimConditions, trustedProviders, webIdentityStatements } from '../../src/model/trust.js';
import { unknownText } from '../../src/model/span.js';

const SA_PREFIX = 'system:serviceaccount:';
/** Namespace: a DNS label (RFC 1123), at most 63 characters. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Service account name: a DNS subdomain (RFC 1123), at most 253 characters. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const messages = {
  notServiceAccount: 'sub value "{{value}}" is not of the form "system:serviceaccount:<namespace>:<name>", so it never matches a service account token',
  upperCase: 'sub value "{{value}}" contains upper-case letters, but Kubernetes namespaces and service account names are lower case, so it never matches: write it in lower case',
  whitespace: 'sub value "{{value}}" contains whitespace, so it never matches a service account token: remove it',
  invalidNamespace: 'sub value "{{value}}" names namespace "{{part}}", which is not a valid Kubernetes namespace name (a DNS label: lower-case letters, digits and "-"), so it never matches a service account token',
  invalidName: 'sub value "{{value}}" names service account "{{part}}", which is not a valid Kubernetes service account name (a DNS subdomain: lower-case letters, digits, "-" and "."), so it never matches a service account token',
  invalidChar: 'sub pattern "{{value}}" contains "{{part}}", which cannot appear in a Kubernetes namespace or service account name, so the pattern never matches a service account token',
} as const;
type MessageId = keyof typeof messages;

/** What is wrong with one `sub` value, or undefined when it can match a service account token. */
function problemOf(c: Condition, value: string, k8sIssuer: boolean): { messageId: MessageId; part?: string } | undefined {
  const like = c.op.like;
  const ignoreCase = c.op.ignoreCase;
  if (!like && /[*?]/.test(value)) return undefined; // a literal wildcard: iam/no-wildcard-in-string-equals
  const looksLikeSa = value.toLowerCase().startsWith('system:');
  if (!k8sIssuer && !looksLikeSa) return undefined; // another kind of OIDC provider (GitHub, GitLab, …)
  if (/\s/.test(value)) return { messageId: 'whitespace' };
  if (!ignoreCase && /[A-Z]/.test(value)) return { messageId: 'upperCase' };
  const text = ignoreCase ? value.toLowerCase() : value;
  if (like) {
    // A leading `*` may stand for part of the prefix (`*`, `system:*`): only literal text can be wrong.
    const firstWildcard = text.search(/[*?]/);
    if (firstWildcard >= 0 && firstWildcard <= SA_PREFIX.length && SA_PREFIX.startsWith(text.slice(0, firstWildcard))) return undefined;
  }
  if (!text.startsWith(SA_PREFIX)) return { messageId: 'notServiceAccount' };
  const rest = text.slice(SA_PREFIX.length);
  const parts = rest.split(':');
  if (like && /[*?]/.test(rest)) {
    // A pattern: every literal character must be possible in a namespace or a name.
    const bad = /[^a-z0-9.\-:*?]/.exec(rest);
    if (bad) return { messageId: 'invalidChar', part: bad[0] };
    return undefined;
  }
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return { messageId: 'notServiceAccount' };
  const [ns, name] = parts;
  if (ns.length > 63 || !DNS_LABEL.test(ns)) return { messageId: 'invalidNamespace', part: ns };
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return { messageId: 'invalidName', part: name };
  return undefined;
}

export default defineRule({
  meta: {
    id: 'iam/sub-format',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy'],
    docs: {
      description: 'Require "sub" condition values to have the form system:serviceaccount:<namespace>:<name>',
      whatItChecks:
        'Every value of a `<provider>:sub` condition (string operators, positive or negated) in a web-identity statement whose provider issues Kubernetes service account tokens: an EKS issuer (`oidc.eks.…`), the configured `serviceAccountIssuer`, a ccoctl role, or any value starting with `system:`. Exact values must be `system:serviceaccount:<namespace>:<name>` with a namespace that is a DNS label and a name that is a DNS subdomain (lower-case letters, digits, `-`, and `.` in names); upper-case letters (except under `…IgnoreCase`) and whitespace are reported. `StringLike` patterns may use `*` and `?`, but their literal characters must still be possible. Values with `*`/`?` under `StringEquals` are left to `iam/no-wildcard-in-string-equals`; templated values are not checked.',
      whyItMatters:
        'The API server issues service account tokens with `sub` = `system:serviceaccount:<namespace>:<name>`, and Kubernetes names are lower-case DNS labels or subdomains. `StringEquals` and `StringLike` compare case-sensitively, so a value with upper-case letters, a space, a missing part or the group name `system:serviceaccounts:<namespace>` never equals any token\'s `sub`: the pods get "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity" (or, under a negated operator, the exclusion excludes nothing).',
      howToFix:
        'Write the subject exactly as the token carries it: `system:serviceaccount:<namespace>:<serviceaccount>` in lower case, e.g. `system:serviceaccount:kube-system:aws-load-balancer-controller`. For every service account of a namespace use `StringLike` with `system:serviceaccount:<namespace>:*`.',
      references: [
        'IAM reference_policies_iam-condition-keys.md (`<issuer>:sub` = system:serviceaccount:<namespace>:<serviceaccount>)',
        'kubernetes/kubernetes pkg/serviceaccount/util.go (MakeUsername: system:serviceaccount:<namespace>:<name>; group system:serviceaccounts:<namespace>)',
        'Kubernetes "Object Names and IDs" (namespaces are RFC 1123 DNS labels; service account names DNS subdomains)',
        'IAM reference_policies_elements_condition_operators.md (StringEquals and StringLike are case-sensitive)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages,
  },
  check(role: Role, ctx) {
    const issuer = ctx.facts.serviceAccountIssuer ? issuerHost(ctx.facts.serviceAccountIssuer).toLowerCase() : undefined;
    for (const s of webIdentityStatements(role.trust)) {
      if (s.node.unknown) continue;
      const reported = new Set<Condition>();
      for (const provider of trustedProviders(s) ?? []) {
        // A provider whose host is not static: only values written as service account subjects are judged.
        const host = provider.host?.toLowerCase();
        const k8sIssuer = host !== undefined && (/^oidc\.eks\./.test(host) || host === issuer || role.source === 'ccoctl');
        for (const c of claimConditions(s, 'sub', provider)) {
          if (reported.has(c) || !c.op.known || c.op.family !== 'string') continue;
          reported.add(c);
          for (const v of c.values) {
            if (unknownText(v)) continue;
            const p = problemOf(c, v.value, k8sIssuer);
            if (p) ctx.report({ at: v, messageId: p.messageId, data: { value: v.value, part: p.part ?? '' } });
          }
        }
      }
    }
  },
});
