import { defineRule, type Related } from '../../src/engine/types.js';
import type { Located, Span } from '../../src/model/span.js';
import type { Workload } from '../../src/model/k8s.js';
import { CCOCTL_TOKEN_PATH, isCcoctlAws, isUnknown, podSecretRefs, settingOf } from './_shared.js';
import { normPath } from '../../src/model/container.js';

interface Expected {
  readonly path: string;
  readonly secret: string;
  readonly at: Located<unknown> | Span;
  readonly label: string;
}

export default defineRule({
  meta: {
    id: 'openshift/token-audience-explicit',
    type: 'problem',
    severity: 'warning',
    tags: ['openshift', 'ccoctl', 'token'],
    docs: {
      description: 'Require the projected token used with ccoctl credentials to set an explicit audience',
      whatItChecks:
        'For every container that uses (volume, `secretKeyRef` or `envFrom`) a Secret with OpenShift STS credentials — a Secret of the repository whose AWS profiles set `web_identity_token_file`, or, when the Secret is not in the repository, the Secret named by an AWS CredentialsRequest (ccoctl path `/var/run/secrets/openshift/serviceaccount/token`, or its `cloudTokenPath`) — the projected `serviceAccountToken` source mounted at that token file must set `audience`. Templated paths and mounts are skipped.',
      whyItMatters:
        'A projected token without `audience` carries the API server\'s audiences; on OpenShift the kube-apiserver operator sets them to the service-account issuer (cluster-kube-apiserver-operator auth_serviceaccountissuer.go). The IAM OIDC provider that ccoctl creates accepts only its client IDs, `openshift` and `sts.amazonaws.com` (create_identity_provider.go), so `AssumeRoleWithWebIdentity` fails with "Incorrect token audience". Every OpenShift operator that uses ccoctl credentials mounts its `bound-sa-token` with `audience: openshift`.',
      howToFix:
        'Add `audience: openshift` (or `sts.amazonaws.com`, if that is the client ID of your provider) to the `serviceAccountToken` source of the projected volume.',
      references: [
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create_identity_provider.go (ClientIDList ["openshift", "sts.amazonaws.com"])',
        'openshift/cluster-kube-apiserver-operator pkg/operator/configobservation/auth/auth_serviceaccountissuer.go (api-audiences = service account issuer)',
        'openshift/cluster-ingress-operator manifests/02-deployment.yaml (bound-sa-token with audience: openshift)',
        'kubernetes/website content/en/docs/concepts/storage/projected-volumes.md (serviceAccountToken audience defaults to the API server identifier)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      noAudience:
        'projected service account token "{{path}}" used with the credentials of Secret "{{secret}}" has no audience, so AWS rejects it: the ccoctl OIDC provider accepts "openshift" and "sts.amazonaws.com"',
    },
  },
  check(w: Workload, ctx) {
    if (w.namespaceUnknown) return;
    const spec = w.podSpec;
    const reported = new Set<unknown>();
    for (const ref of podSecretRefs(spec)) {
      // Token files the Secret's credentials name.
      const expected: Expected[] = [];
      const secret = ctx.index.secret(w.namespace, ref.name.value);
      if (secret) {
        for (const profiles of secret.awsProfiles.values()) {
          for (const p of profiles) {
            const s = settingOf(p.settings, 'web_identity_token_file');
            if (s && !isUnknown(s.value) && s.value.value.startsWith('/')) {
              expected.push({ path: normPath(s.value.value), secret: ref.name.value, at: s.value, label: 'web_identity_token_file' });
            }
          }
        }
      } else {
        for (const cr of ctx.index.credentialsRequestsFor(w.namespace, ref.name.value)) {
          if (!cr.isAws || !cr.secretRef) continue;
          if (isCcoctlAws(cr)) expected.push({ path: CCOCTL_TOKEN_PATH, secret: ref.name.value, at: cr.secretRef.span, label: 'CredentialsRequest secretRef' });
          else if (cr.stsIAMRoleARN && cr.cloudTokenPath && !isUnknown(cr.cloudTokenPath) && cr.cloudTokenPath.value.startsWith('/')) {
            expected.push({ path: normPath(cr.cloudTokenPath.value), secret: ref.name.value, at: cr.cloudTokenPath, label: 'CredentialsRequest cloudTokenPath' });
          }
        }
      }
      if (expected.length === 0) continue;
      for (const c of ref.containers) {
        for (const m of c.volumeMounts) {
          if (isUnknown(m.mountPath) || m.subPath) continue;
          const v = spec.volumes.find((x) => x.name.value === m.name.value);
          if (!v || v.type !== 'projected') continue;
          for (const src of v.sources) {
            if (src.type !== 'serviceAccountToken' || !src.path || isUnknown(src.path) || reported.has(src)) continue;
            if (src.audience && (isUnknown(src.audience) || src.audience.value.trim() !== '')) continue;
            const file = normPath(`${m.mountPath.value}/${src.path.value}`);
            const e = expected.find((x) => x.path === file);
            if (!e) continue;
            reported.add(src);
            const related: Related[] = [{ at: e.at, label: e.label }, { at: m.mountPath, label: 'token volume mount' }];
            ctx.report({ at: src.audience ?? src.span, messageId: 'noAudience', data: { path: file, secret: e.secret }, related });
          }
        }
      }
    }
  },
});
