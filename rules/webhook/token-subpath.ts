import { defineRule } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import { DEFAULT_AUDIENCE } from '../../src/model/trust.js';
import { WEBHOOK_VOLUME, fileIn, isUnknown, lastEnv, normPath } from './_webhook.js';


/** Token directories of the pod identity webhook and of OpenShift STS workloads (ccoctl OidcTokenPath). */
const AWS_TOKEN_DIRS = ['/var/run/secrets/eks.amazonaws.com/', '/var/run/secrets/openshift/serviceaccount/'];

export default defineRule({
  meta: {
    id: 'webhook/token-subpath',
    type: 'problem',
    severity: 'warning',
    tags: ['irsa', 'openshift', 'token'],
    docs: {
      description: 'Mount AWS web identity tokens without subPath so that they rotate',
      whatItChecks:
        'Volume mounts with `subPath` that expose the `serviceAccountToken` source of a projected volume, when that token is for AWS: the volume is named `aws-iam-token`, the token\'s `audience` is `sts.amazonaws.com`, `openshift` or the configured `tokenAudience`, the mount lies under `/var/run/secrets/eks.amazonaws.com/` or `/var/run/secrets/openshift/serviceaccount/`, or the file is the container\'s literal `AWS_WEB_IDENTITY_TOKEN_FILE`.',
      whyItMatters:
        'Kubelet refreshes projected service account tokens in place before they expire, but "a container using a projected volume source as a subPath volume mount will not receive updates" (Kubernetes projected volumes documentation). The SDKs re-read the token file at every credential refresh (botocore `FileWebIdentityTokenLoader`, aws-sdk-js-v3 `fromTokenFile`); once the frozen token passes its `expirationSeconds` (86400 with the webhook, 3600 by default), `AssumeRoleWithWebIdentity` fails with an expired token and long-running pods lose AWS access until they restart.',
      howToFix:
        'Mount the projected volume as a directory (no `subPath`) and point `AWS_WEB_IDENTITY_TOKEN_FILE` or `web_identity_token_file` at `<mountPath>/<path>`.',
      references: [
        'kubernetes/website content/en/docs/concepts/storage/projected-volumes.md (subPath mounts receive no updates)',
        'boto/botocore botocore/utils.py (FileWebIdentityTokenLoader re-reads the file); aws/aws-sdk-js-v3 packages/credential-provider-web-identity/src/fromTokenFile.ts',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (aws-iam-token volume, expirationSeconds); openshift/cloud-credential-operator pkg/cmd/provisioning/constants.go (OidcTokenPath)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      subPath:
        'container "{{container}}" mounts the projected service account token of volume "{{volume}}" with subPath "{{subPath}}", so kubelet never refreshes it and AWS calls fail once it expires',
    },
  },
  check(w: Workload, ctx) {
    const audiences = new Set(['sts.amazonaws.com', DEFAULT_AUDIENCE, 'openshift', ...(ctx.facts.tokenAudience ? [ctx.facts.tokenAudience] : [])]);
    for (const c of [...w.podSpec.initContainers, ...w.podSpec.containers]) {
      const envFile = lastEnv(c, 'AWS_WEB_IDENTITY_TOKEN_FILE')?.value;
      const wanted = envFile && !isUnknown(envFile) ? normPath(envFile.value) : undefined;
      for (const m of c.volumeMounts) {
        if (!m.subPath || isUnknown(m.subPath) || isUnknown(m.mountPath) || isUnknown(m.name) || normPath(m.subPath.value) === '') continue;
        const v = w.podSpec.volumes.find((x) => x.name.value === m.name.value);
        if (!v || v.type !== 'projected') continue;
        for (const s of v.sources) {
          if (s.type !== 'serviceAccountToken' || !s.path || isUnknown(s.path)) continue;
          const file = fileIn(m, s.path.value);
          if (file === undefined) continue;
          const forAws =
            v.name.value === WEBHOOK_VOLUME ||
            (!!s.audience && !isUnknown(s.audience) && audiences.has(s.audience.value)) ||
            AWS_TOKEN_DIRS.some((d) => `${file}/`.startsWith(d)) ||
            file === wanted;
          if (!forAws) continue;
          ctx.report({
            at: m.subPath,
            messageId: 'subPath',
            data: { container: c.name.value, volume: v.name.value, subPath: m.subPath.value },
            related: [{ at: s.span, label: 'projected token source' }],
          });
          break;
        }
      }
    }
  },
});
