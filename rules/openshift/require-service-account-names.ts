import { defineRule } from '../../src/engine/types.js';
import type { CredentialsRequest } from '../../src/model/k8s.js';
import { isCcoctlAws, isUnknown, nameOf } from './_shared.js';

export default defineRule({
  meta: {
    id: 'openshift/require-service-account-names',
    type: 'problem',
    severity: 'error',
    tags: ['openshift', 'ccoctl'],
    docs: {
      description: 'Require AWS CredentialsRequests to list the ServiceAccounts that may assume their role',
      whatItChecks:
        'Every AWS CredentialsRequest (`providerSpec.kind: AWSProviderSpec`) must have a non-empty `spec.serviceAccountNames` list. CredentialsRequests that set `stsIAMRoleARN` (the in-cluster Cloud Credential Operator path, which does not read the list), that ccoctl skips (`release.openshift.io/delete: "true"`, `release.openshift.io/feature-set`), or whose `secretRef` is templated (rendered by an operator at run time) are not checked.',
      whyItMatters:
        '`ccoctl aws create-iam-roles` builds the role\'s trust policy from `serviceAccountNames` and stops with "CredentialsRequest must provide ServieAccounts to bind the Role policy to" when the list is missing or empty; since ccoctl aborts the whole run on the first error, the roles of the CredentialsRequests after it are not created either. Before CCO PR #386 (2021) ccoctl instead wrote an audience-only trust policy (`<issuer>:aud = openshift`) that let every ServiceAccount of the cluster assume the role.',
      howToFix:
        'Add `spec.serviceAccountNames` with the ServiceAccounts of the pods that use the Secret (they must run in `spec.secretRef.namespace`), then run ccoctl again; for a role that already exists, also update its trust policy, which ccoctl does not change.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (error "CredentialsRequest must provide ServieAccounts to bind the Role policy to")',
        'openshift/cloud-credential-operator PR #386 (commit 7b7ad6ffd: trust policy restricted to serviceAccountNames) and PR #299 (field added)',
        'openshift/cloud-credential-operator pkg/apis/cloudcredential/v1/types_credentialsrequest.go (serviceAccountNames)',
      ],
    },
    appliesTo: ['k8s:CredentialsRequest'],
    messages: {
      missing: 'AWS CredentialsRequest "{{cr}}" has no serviceAccountNames, which ccoctl requires to build the role trust policy',
      empty: 'serviceAccountNames of AWS CredentialsRequest "{{cr}}" is empty; ccoctl requires at least one ServiceAccount to build the role trust policy',
    },
  },
  check(cr: CredentialsRequest, ctx) {
    if (!isCcoctlAws(cr)) return;
    if (!cr.secretRef || isUnknown(cr.secretRef.name) || isUnknown(cr.secretRef.namespace)) return;
    const san = cr.serviceAccountNames;
    if (!san) {
      ctx.report({ at: cr.specSpan, messageId: 'missing', data: { cr: nameOf(cr) } });
      return;
    }
    // `[]`, `null` or nothing: empty. A scalar (templated or mistyped) is left to other checks.
    if (san.empty) ctx.report({ at: san.keySpan, messageId: 'empty', data: { cr: nameOf(cr) } });
  },
});
