import { defineRule } from '../../src/engine/types.js';
import { parseOidcProviderArn, parseRoleArn, partitionOfDnsSuffix } from '../../src/iam/arn.js';
import type { Role } from '../../src/model/iam.js';
import type { Index } from '../../src/model/index.js';
import type { CredentialsRequest, ServiceAccount } from '../../src/model/k8s.js';
import { subSpan, type Located } from '../../src/model/span.js';
import { isWebIdentityPolicy } from '../../src/model/trust.js';
import { unknownText } from '../../src/model/span.js';

/** A role ARN with a valid partition and account, where it was written. */
interface RoleArnSource {
  at: Located<string>;
  label: string;
  partition: string;
  account: string;
}

function validRoleArn(at: Located<string>, label: string): RoleArnSource | undefined {
  if (unknownText(at)) return undefined;
  const arn = parseRoleArn(at.value);
  if (!arn.partition || !arn.account || arn.problems.some((p) => ['prefix', 'partition', 'account', 'resource-type', 'whitespace'].includes(p.code))) return undefined;
  return { at, label, partition: arn.partition, account: arn.account };
}

/**
 * Where the role's ARN is known: the role's own `Arn` (get-role output, IaC), else the role ARNs of
 * ServiceAccount annotations and CredentialsRequests that resolve to this role by name, when
 * they all agree on partition and account.
 */
function roleArnOf(role: Role, index: Index, annotationKey: string): RoleArnSource | undefined {
  if (role.arn) return validRoleArn(role.arn, 'role ARN');
  const found = namingArns(index, annotationKey).get(role) ?? [];
  if (found.length === 0) return undefined;
  const [first] = found;
  return found.every((f) => f.account === first.account && f.partition === first.partition) ? first : undefined;
}

/** The role ARNs that ServiceAccount annotations and CredentialsRequests give, by the role each resolves to (built once per index). */
function namingArns(index: Index, annotationKey: string): Map<Role, RoleArnSource[]> {
  return index.memo(`iam/provider-account-matches-role:namingArns:${annotationKey}`, () => {
    const out = new Map<Role, RoleArnSource[]>();
    const add = (at: Located<string>, label: string) => {
      const roles = index.rolesByArnOrName(at.value.trim());
      if (roles.length === 0) return;
      const src = validRoleArn(at, label);
      if (!src) return;
      for (const r of new Set(roles)) {
        const list = out.get(r);
        if (list) list.push(src);
        else out.set(r, [src]);
      }
    };
    for (const sa of index.ofKind<ServiceAccount>('k8s:ServiceAccount')) {
      const ann = sa.annotations.get(annotationKey);
      if (ann && !unknownText(ann.value)) add(ann.value, `role ARN in ServiceAccount ${sa.namespace}/${sa.name?.value ?? ''}`);
    }
    for (const cr of index.ofKind<CredentialsRequest>('k8s:CredentialsRequest')) {
      const v = cr.stsIAMRoleARN;
      if (v && !unknownText(v)) add(v, `stsIAMRoleARN of CredentialsRequest ${cr.name?.value ?? ''}`);
    }
    return out;
  });
}

export default defineRule({
  meta: {
    id: 'iam/provider-account-matches-role',
    type: 'problem',
    severity: 'error',
    tags: ['iam', 'trust-policy', 'arn'],
    docs: {
      description: "Require a trust policy's OIDC provider to be in the role's own account and partition",
      whatItChecks:
        'For every `oidc-provider` ARN in `Principal.Federated` of a web-identity trust policy: its account must equal the role\'s account and its partition the role\'s partition. The role ARN is the role\'s own `Arn` (`aws iam get-role` output, IaC), or else the role ARN of ServiceAccount `eks.amazonaws.com/role-arn` annotations and CredentialsRequest `stsIAMRoleARN` values that name this role (when they agree). Independently, for an EKS issuer (`oidc.eks.<region>.amazonaws.com[.cn]`) the provider ARN\'s partition must be the partition of the issuer\'s domain (`amazonaws.com.cn` ⇒ `aws-cn`, `us-gov-*` ⇒ `aws-us-gov`). Malformed and templated ARNs are not checked (see `iam/well-formed-federated-principal`, `iam/well-formed-role-arn`).',
      whyItMatters:
        'STS resolves the token\'s issuer to an IAM OIDC provider "in your account", the account of the role being assumed. A statement that trusts a provider ARN of another account never matches, and the pods get "InvalidIdentityToken: No OpenIDConnect provider found in your account" or "Not authorized to perform sts:AssumeRoleWithWebIdentity" (kubernetes-sigs/aws-load-balancer-controller#1226, #2315). Cross-account IRSA needs a provider for the cluster\'s issuer in the role\'s account (EKS cross-account-access.md). Partitions are separate IAM namespaces: an `arn:aws:` provider cannot be trusted by an `arn:aws-cn:` role, and an EKS cluster in China or GovCloud issues tokens from a domain of that partition.',
      howToFix:
        'Create an IAM OIDC provider for the cluster\'s issuer in the role\'s account (`eksctl utils associate-iam-oidc-provider`, `aws iam create-open-id-connect-provider`, or ccoctl) and use its ARN, `arn:<role partition>:iam::<role account>:oidc-provider/<issuer>`, in the trust policy. Use the partition of the region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`.',
      references: [
        'kubernetes-sigs/aws-load-balancer-controller#1226 and #2315 ("No OpenIDConnect provider found in your account")',
        'EKS cross-account-access.md (a provider in the role\'s account for the other cluster\'s issuer)',
        'IAM reference_identifiers.md (arn:<partition>:iam::<account>:oidc-provider/<provider>)',
        'botocore botocore/data/partitions.json (partitions and DNS suffixes)',
        'aws/amazon-eks-pod-identity-webhook main.go (--compose-role-arn derives the partition from the region)',
      ],
    },
    appliesTo: ['iam:Role'],
    messages: {
      accountMismatch:
        'OIDC provider is in account "{{providerAccount}}" but the role is in account "{{roleAccount}}", and STS looks the provider up in the role\'s account: use the provider in account "{{roleAccount}}"',
      partitionMismatch: 'OIDC provider ARN is in partition "{{providerPartition}}" but the role is in partition "{{rolePartition}}": use "arn:{{rolePartition}}:iam::…"',
      issuerPartition: 'OIDC provider ARN is in partition "{{providerPartition}}" but its EKS issuer "{{issuer}}" belongs to partition "{{issuerPartition}}": use "arn:{{issuerPartition}}:iam::…"',
    },
  },
  check(role: Role, ctx) {
    const trust = role.trust;
    if (!trust || trust.node.unknown || !isWebIdentityPolicy(trust)) return;
    const annotationKey = `${ctx.facts.annotationPrefix ?? 'eks.amazonaws.com'}/role-arn`;
    let roleArn: RoleArnSource | undefined | null = null; // computed on first use
    for (const s of trust.statements) {
      if (s.node.unknown) continue;
      for (const f of s.federated) {
        if (unknownText(f) || !f.value.includes(':oidc-provider/')) continue;
        const p = parseOidcProviderArn(f.value);
        if (!p.partition || !p.account || p.problems.some((x) => ['prefix', 'partition', 'account', 'resource-type', 'whitespace'].includes(x.code))) continue;
        const fields = f.value.split(':');
        const partitionStart = fields[0].length + 1;
        const partitionSpan = subSpan(f, partitionStart, partitionStart + p.partition.length);
        const accountStart = fields.slice(0, 4).join(':').length + 1;
        const accountSpan = subSpan(f, accountStart, accountStart + p.account.length);

        if (roleArn === null) roleArn = roleArnOf(role, ctx.index, annotationKey);
        if (roleArn) {
          const related = [{ at: roleArn.at, label: roleArn.label }];
          if (roleArn.partition !== p.partition) {
            ctx.report({ at: partitionSpan, messageId: 'partitionMismatch', data: { providerPartition: p.partition, rolePartition: roleArn.partition }, related });
            continue;
          }
          if (roleArn.account !== p.account) {
            ctx.report({ at: accountSpan, messageId: 'accountMismatch', data: { providerAccount: p.account, roleAccount: roleArn.account }, related });
            continue;
          }
        }
        const host = p.provider ?? '';
        if (!/^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//i.test(host)) continue;
        const issuerPartition = partitionOfDnsSuffix(host);
        if (issuerPartition && issuerPartition !== p.partition) {
          ctx.report({ at: partitionSpan, messageId: 'issuerPartition', data: { providerPartition: p.partition, issuer: host.replace(/\/.*$/, ''), issuerPartition } });
        }
      }
    }
  },
});
