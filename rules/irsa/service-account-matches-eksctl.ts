import { defineRule, type Related } from '../../src/engine/types.js';
import { parseRoleArn } from '../../src/iam/arn.js';
import type { ManagedRole, ServiceAccount } from '../../src/model/k8s.js';
import { unknownText } from '../../src/model/span.js';

/** eksctl writes this annotation whatever the webhook's `--annotation-prefix` (pkg/apis/eksctl.io/v1alpha5/iam.go `AnnotationEKSRoleARN`). */
const ROLE_ARN = 'eks.amazonaws.com/role-arn';

/**
 * Does the written ARN name the role eksctl annotates with? True / false, or undefined when the
 * file cannot tell (a templated value, a malformed ARN that another rule reports).
 */
function sameRole(written: string, role: ManagedRole): boolean | undefined {
  if (role.kind === 'arn') {
    if (unknownText(role.arn)) return undefined;
    return written.toLowerCase() === role.arn.value.trim().toLowerCase();
  }
  const arn = parseRoleArn(written);
  if (arn.name === undefined || arn.problems.some((p) => p.code === 'prefix' || p.code === 'resource-type' || p.code === 'role-name')) return undefined;
  if (role.kind === 'name') {
    if (unknownText(role.name)) return undefined;
    // eksctl's role has the path "/"; IAM role names are unique regardless of case.
    return arn.path === '/' && arn.name.toLowerCase() === role.name.value.trim().toLowerCase();
  }
  // CloudFormation names the role `<stack name, shortened>-<logical id>-<random>`.
  return arn.path === '/' && arn.name.includes(`-${role.logicalId}-`);
}

export default defineRule({
  meta: {
    id: 'irsa/service-account-matches-eksctl',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'eksctl', 'cross-reference'],
    docs: {
      description: 'Require a ServiceAccount manifest that eksctl also creates to name the role eksctl annotates it with',
      whatItChecks:
        'A ServiceAccount manifest with an `eks.amazonaws.com/role-arn` annotation, when an eksctl `ClusterConfig` of the repository lists the same namespace and name under `iam.serviceAccounts` without `roleOnly: true` (the namespace defaults to `default`). eksctl annotates its ServiceAccount with `attachRoleARN` when given (compared as written, ignoring case), else with the role it creates: named `roleName` (compared with the role name of the annotation; the path must be `/`, the account is not in the file), or, without `roleName`, a name CloudFormation generates for the logical id `Role1` (the annotation must name a role whose name contains `-Role1-`). Templated values, malformed ARNs (iam/well-formed-role-arn), a templated `roleOnly`, and ServiceAccount manifests without the annotation are not judged.',
      whyItMatters:
        'Both writers set the same annotation on the same object. eksctl creates the ServiceAccount or merges its annotation into an existing one (pkg/kubernetes/serviceaccount.go `MaybeCreateServiceAccountOrUpdateMetadata`; without `--override-existing-serviceaccounts` it skips ServiceAccounts that already exist, and creates no role for them either), and `kubectl apply` or a GitOps controller sets the manifest\'s value back. The pod identity webhook reads whichever value was written last when the pod is created, so pods alternate between two roles with different permissions and trust policies, and one of them is usually denied ("AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"). eksctl\'s documentation says to use `roleOnly` when another tool manages the ServiceAccount, so that the other tool alone maintains the annotation.',
      howToFix:
        'Keep one owner of the ServiceAccount: either set `roleOnly: true` (and a `roleName`) in the ClusterConfig and put that role in the manifest\'s annotation, or delete the ServiceAccount manifest (or its annotation) and let eksctl create and annotate it.',
      references: [
        'eksctl-io/eksctl pkg/cfn/manager/create_tasks.go (NewTasksToCreateIAMServiceAccounts: attachRoleARN skips the role; the ServiceAccount task unless roleOnly)',
        'eksctl-io/eksctl pkg/cfn/builder/iam.go (AddAllResources: the role is named roleName, or by CloudFormation when it is empty) and pkg/cfn/outputs/api.go (logical id Role1)',
        'eksctl-io/eksctl pkg/kubernetes/serviceaccount.go (MaybeCreateServiceAccountOrUpdateMetadata merges labels and annotations into an existing ServiceAccount)',
        'eksctl-io/eksctl pkg/apis/eksctl.io/v1alpha5/iam.go (SetAnnotations: eks.amazonaws.com/role-arn = the role ARN) and defaults.go (namespace "default")',
        'eksctl-io/eksctl pkg/ctl/cmdutils/filter/iamserviceaccount_filter.go (SetExcludeExistingFilter: existing ServiceAccounts are excluded without --override-existing-serviceaccounts)',
        'eksctl-io/eksctl userdocs/src/usage/iamserviceaccounts.md (roleOnly "to prevent conflicts" when another tool manages the ServiceAccount; CloudFormation-generated role names)',
      ],
    },
    appliesTo: ['k8s:ServiceAccount'],
    messages: {
      otherRole:
        'ServiceAccount "{{subject}}" names role "{{arn}}", but eksctl also creates it (iam.serviceAccounts) and annotates it with {{expected}}, so the two overwrite each other',
      otherGeneratedRole:
        'ServiceAccount "{{subject}}" names role "{{arn}}", but eksctl also creates it (iam.serviceAccounts) and annotates it with the role it creates, whose name CloudFormation generates{{stack}}, so the two overwrite each other',
    },
  },
  check(sa: ServiceAccount, ctx) {
    if (sa.managedBy || !sa.name || unknownText(sa.name) || sa.namespaceUnknown) return;
    const ann = sa.annotations.get(ROLE_ARN);
    if (!ann || unknownText(ann.value) || ann.value.value.trim() === '') return;
    const written = ann.value.value.trim();
    const subject = `${sa.namespace}/${sa.name.value}`;
    for (const other of ctx.index.serviceAccountsNamed(sa.namespace, sa.name.value)) {
      const m = other.managedBy;
      if (!m || !m.role || m.conditional || !other.name || unknownText(other.name)) continue;
      const role = m.role;
      if (sameRole(written, role) !== false) continue;
      const related: Related[] = [{ at: m.nameSpan, label: 'eksctl iam.serviceAccounts entry' }];
      if (role.kind === 'arn') related.push({ at: role.arn, label: 'eksctl attachRoleARN' });
      if (role.kind === 'name') related.push({ at: role.name, label: 'eksctl roleName' });
      if (role.kind === 'generated') {
        ctx.report({
          at: ann.value,
          messageId: 'otherGeneratedRole',
          data: { subject, arn: written, stack: role.stack ? ` in stack "${role.stack}"` : '' },
          related,
        });
      } else {
        const expected = role.kind === 'arn' ? `"${role.arn.value.trim()}"` : `role name "${role.name.value.trim()}"`;
        ctx.report({ at: ann.value, messageId: 'otherRole', data: { subject, arn: written, expected }, related });
      }
    }
  },
});
