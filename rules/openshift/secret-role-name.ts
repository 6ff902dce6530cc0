import { defineRule, type Related } from '../../src/engine/types.js';
import { ccoctlRoleName, roleNameFromArn } from '../../src/iam/arn.js';
import type { SecretLike } from '../../src/model/k8s.js';
import { isCcoctlAws, isUnknown, nameOf, roleArnSettings } from './_shared.js';

export default defineRule({
  meta: {
    id: 'openshift/secret-role-name',
    type: 'problem',
    severity: 'error',
    tags: ['openshift', 'ccoctl', 'cross-reference'],
    docs: {
      description: 'Require the role in a ccoctl Secret to be the role ccoctl creates for its CredentialsRequest',
      whatItChecks:
        'For every Secret that an AWS CredentialsRequest of the repository names in `spec.secretRef` (same namespace and name; CredentialsRequests with `stsIAMRoleARN` or skipped by ccoctl are ignored), the role name in each profile\'s `role_arn` must be the one `ccoctl aws create-iam-roles` gives that CredentialsRequest: `<--name>-<secretRef.namespace>-<secretRef.name>`, cut to 64 characters. With the `ccoctlPrefix` fact the whole name is compared; without it the name must end in `-<secretRef.namespace>-<secretRef.name>` (names of 64 characters, which may be truncated, are then not judged). Names are compared case-insensitively; templated ARNs are skipped.',
      whyItMatters:
        'ccoctl names each role after the Secret it writes (create-iam-roles.go: `fmt.Sprintf("%s-%s-%s", name, secretRef.Namespace, secretRef.Name)`, truncated to 64) and builds that role\'s trust policy for `system:serviceaccount:<secretRef.namespace>:<serviceAccountNames>` and its permissions from the CredentialsRequest. A Secret that points at another role (copied from another CredentialsRequest, left over after `secretRef` was renamed, or edited by hand) gives the workload a role whose trust policy names other ServiceAccounts, so `AssumeRoleWithWebIdentity` is denied, or a role with someone else\'s permissions.',
      howToFix:
        'Regenerate the Secret with `ccoctl aws create-iam-roles` for this CredentialsRequest, or put the ARN of the role ccoctl created for it (`<name>-<secretRef.namespace>-<secretRef.name>`, at most 64 characters) into `role_arn`.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (roleName and its 64-character truncation, writeCredReqSecret)',
        'openshift/csi-operator assets/overlays/aws-efs/base/credentials-node.yaml (comment: role <cluster name>-<namespace>-<secret name>, truncated at 64 characters)',
      ],
    },
    appliesTo: ['k8s:Secret'],
    messages: {
      notExpected:
        'role "{{role}}" is not "{{expected}}", the role ccoctl --name "{{prefix}}" creates for CredentialsRequest "{{cr}}" (secretRef {{ref}})',
      wrongSuffix:
        'role "{{role}}" does not end in "{{suffix}}": ccoctl names the role for CredentialsRequest "{{cr}}" <name>-<secretRef.namespace>-<secretRef.name>',
    },
  },
  check(secret: SecretLike, ctx) {
    if (secret.namespaceUnknown || !secret.name || isUnknown(secret.name)) return;
    const ns = secret.namespace;
    const name = secret.name.value;
    const crs = ctx.index.credentialsRequestsFor(ns, name).filter(isCcoctlAws);
    if (crs.length === 0) return;
    const cr = crs[0];
    const related: Related[] = crs.filter((c) => c.secretRef).map((c) => ({ at: c.secretRef!.span, label: 'CredentialsRequest secretRef' }));
    const facts = ctx.facts.ccoctlPrefix;
    for (const s of roleArnSettings(secret)) {
      if (isUnknown(s.value)) continue;
      const role = roleNameFromArn(s.value.value);
      if (!role) continue;
      if (facts) {
        const expected = ccoctlRoleName(facts, ns, name);
        if (role.toLowerCase() !== expected.toLowerCase()) {
          ctx.report({ at: s.value, messageId: 'notExpected', data: { role, expected, prefix: facts, cr: nameOf(cr), ref: `${ns}/${name}` }, related });
        }
        continue;
      }
      if (role.length >= 64) continue;
      const suffix = `-${ns}-${name}`;
      if (role.toLowerCase().endsWith(suffix.toLowerCase()) && role.length > suffix.length) continue;
      ctx.report({ at: s.value, messageId: 'wrongSuffix', data: { role, suffix, cr: nameOf(cr) }, related });
    }
  },
});
