import { defineRule } from '../../src/engine/types.js';
import type { CredentialsRequest } from '../../src/model/k8s.js';
import { CCOCTL_TOKEN_PATH, isUnknown, nameOf, skippedByCcoctl } from './_shared.js';

/** The in-cluster AWS actuator's default for `web_identity_token_file` (actuator.go), despite the CRD text. */
const CCO_AWS_DEFAULT = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function norm(p: string): string {
  return p.trim().replace(/\/+/g, '/').replace(/\/$/, '');
}

export default defineRule({
  meta: {
    id: 'openshift/cloud-token-path',
    type: 'problem',
    severity: 'warning',
    tags: ['openshift', 'ccoctl', 'token'],
    docs: {
      description: 'Flag `cloudTokenPath` settings that AWS tooling ignores or silently defaults',
      whatItChecks:
        'On AWS CredentialsRequests: (1) without `providerSpec.stsIAMRoleARN` (roles made by ccoctl), a `spec.cloudTokenPath` other than `/var/run/secrets/openshift/serviceaccount/token` is reported, because `ccoctl aws` ignores it (CredentialsRequests with a templated `secretRef`, which an operator renders at run time, are skipped); (2) with `stsIAMRoleARN` (the in-cluster Cloud Credential Operator writes the Secret), a missing `spec.cloudTokenPath` is reported. Templated paths are skipped.',
      whyItMatters:
        '(1) `ccoctl aws create-iam-roles` always writes `web_identity_token_file = /var/run/secrets/openshift/serviceaccount/token` (provisioning.OidcTokenPath) and never reads `cloudTokenPath` for AWS (it is used only for Azure), so a workload that mounts its token at the path given in `cloudTokenPath` does not find it where the Secret says. (2) On an STS cluster the AWS actuator writes the Secret itself for CredentialsRequests with `stsIAMRoleARN`, using `cloudTokenPath` and defaulting to `/var/run/secrets/kubernetes.io/serviceaccount/token` (actuator.go) — not the OpenShift path the CRD text promises. That default is the automounted kube-api-access token, whose audience is the API server\'s, not `openshift` or `sts.amazonaws.com`, so AWS rejects it ("Incorrect token audience").',
      howToFix:
        '(1) Remove `cloudTokenPath` (or set it to `/var/run/secrets/openshift/serviceaccount/token`) and mount the projected token there. (2) Set `cloudTokenPath: /var/run/secrets/openshift/serviceaccount/token` and mount a projected `serviceAccountToken` with `audience: openshift` at that path, as the OLM token-auth-aws operators do.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/constants.go (OidcTokenPath) and pkg/cmd/provisioning/aws/create-iam-roles.go (Secret template)',
        'openshift/cloud-credential-operator pkg/aws/actuator/actuator.go (awsSTSCredsTemplate; cloudTokenPath default /var/run/secrets/kubernetes.io/serviceaccount/token)',
        'openshift/cloud-credential-operator pkg/apis/cloudcredential/v1/types_credentialsrequest.go (cloudTokenPath doc comment)',
        'OpenShift docs: CCO-based workflow for OLM-managed Operators with AWS STS (cloudTokenPath: /var/run/secrets/openshift/serviceaccount/token)',
      ],
    },
    appliesTo: ['k8s:CredentialsRequest'],
    messages: {
      ignoredByCcoctl:
        'cloudTokenPath "{{path}}" is ignored by ccoctl for AWS: the Secret it writes always names "' + CCOCTL_TOKEN_PATH + '"',
      defaultTokenPath:
        'CredentialsRequest "{{cr}}" sets stsIAMRoleARN without cloudTokenPath, so the operator writes web_identity_token_file "' + CCO_AWS_DEFAULT + '"; expected cloudTokenPath "' + CCOCTL_TOKEN_PATH + '"',
    },
  },
  check(cr: CredentialsRequest, ctx) {
    if (!cr.isAws || skippedByCcoctl(cr)) return;
    const path = cr.cloudTokenPath;
    if (!cr.stsIAMRoleARN) {
      // A templated secretRef marks a CredentialsRequest an operator renders (and may add stsIAMRoleARN to) at run time.
      if (!cr.secretRef || isUnknown(cr.secretRef.name) || isUnknown(cr.secretRef.namespace)) return;
      if (!path || isUnknown(path) || path.value.trim() === '') return;
      if (norm(path.value) === CCOCTL_TOKEN_PATH) return;
      ctx.report({ at: path, messageId: 'ignoredByCcoctl', data: { path: path.value } });
      return;
    }
    if (path) return;
    ctx.report({ at: cr.specSpan, messageId: 'defaultTokenPath', data: { cr: nameOf(cr) }, related: [{ at: cr.stsIAMRoleARN, label: 'stsIAMRoleARN' }] });
  },
});
