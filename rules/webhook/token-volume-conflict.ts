import { defineRule } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import {
  WEBHOOK_MOUNT_PATH, WEBHOOK_TOKEN_FILE, WEBHOOK_TOKEN_PATH, WEBHOOK_VOLUME, fileIn, hasAllEnv, isUnknown, isWindows, mutation, normPath,
  prefixOf, setsWebIdentityEnv, skipped,
} from './_webhook.js';


export default defineRule({
  meta: {
    id: 'webhook/token-volume-conflict',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'webhook', 'token', 'cross-reference'],
    docs: {
      description: 'Leave the pod identity webhook\'s token volume name and mount path to the webhook',
      whatItChecks:
        'Pods whose ServiceAccount (in the repository) has a non-empty `eks.amazonaws.com/role-arn` annotation: (1) a pod volume named `aws-iam-token` that is not a projected volume with a `serviceAccountToken` source; (2) such a projected volume whose token `path` is not `token` while some container gets the injected `AWS_WEB_IDENTITY_TOKEN_FILE`; (3) a container the webhook mounts its volume into that already mounts another volume at exactly `/var/run/secrets/eks.amazonaws.com/serviceaccount`; (4) a container that gets the injected `AWS_WEB_IDENTITY_TOKEN_FILE` but mounts `aws-iam-token` somewhere else, so that `/var/run/secrets/eks.amazonaws.com/serviceaccount/token` does not exist. Containers in `skip-containers`, Windows pods (for 4) and containers whose `env` already holds the web identity, region and STS variables (for 3) are left out.',
      whyItMatters:
        'The webhook adds its projected token volume only if the pod has no volume named `aws-iam-token`, whatever its type, and adds its mount to a container only if the container has no mount with that name, whatever its path (pkg/handler/handler.go `getPodSpecPatch`, `addEnvToContainer`; testdata rawPodHasVolumeMount.pod.yaml). It still points `AWS_WEB_IDENTITY_TOKEN_FILE` at `/var/run/secrets/eks.amazonaws.com/serviceaccount/token`. So a user volume with that name replaces the token, a different token path or mount path leaves the variable pointing at a missing file, and a second mount at the same path makes the API server reject the pod ("must be unique"), because validation runs after mutation.',
      howToFix:
        'Rename your own volume, or mount it somewhere else; let the webhook add `aws-iam-token` and its mount. If you define the token volume yourself, make it `projected` with `serviceAccountToken: {audience: sts.amazonaws.com, path: token}` and mount it at `/var/run/secrets/eks.amazonaws.com/serviceaccount`.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (getPodSpecPatch: volume added unless one is named aws-iam-token; addEnvToContainer: mount added unless one is named aws-iam-token) and pkg/handler/testdata/rawPodHasVolumeMount.pod.yaml',
        'kubernetes/kubernetes pkg/apis/core/validation/validation.go (volumeMounts mountPath must be unique)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      notProjectedToken:
        'pod volume "{{name}}" is a {{type}} volume, so the pod identity webhook does not add its projected token and the AWS_WEB_IDENTITY_TOKEN_FILE it injects holds no token: expected a projected serviceAccountToken volume or another name',
      tokenPathDiffers:
        'projected token of pod volume "{{name}}" is at path "{{path}}", but the pod identity webhook points AWS_WEB_IDENTITY_TOKEN_FILE at "{{file}}": expected path "token"',
      duplicateMountPath:
        'container "{{container}}" mounts volume "{{volume}}" at "{{path}}", where the pod identity webhook adds its token mount, so the API server rejects the pod for a duplicate mountPath',
      mountedElsewhere:
        'container "{{container}}" mounts volume "{{volume}}" at "{{path}}", so the pod identity webhook adds no mount and its AWS_WEB_IDENTITY_TOKEN_FILE "{{file}}" does not exist',
    },
  },
  check(w: Workload, ctx) {
    const m = mutation(w, ctx);
    if (m.state !== 'yes' || !m.roleArn) return;
    const spec = w.podSpec;
    const prefix = prefixOf(ctx);
    if (spec.volumes.some((v) => isUnknown(v.name))) return;
    const related = [{ at: m.roleArn.key, label: 'ServiceAccount role-arn annotation' }];
    const all = [...spec.initContainers, ...spec.containers];
    const mutated = all.filter((c) => skipped(c, spec, prefix) === false);
    if (mutated.length === 0) return;
    // Containers that receive the injected AWS_WEB_IDENTITY_TOKEN_FILE.
    const getsTokenEnv = mutated.filter((c) => !setsWebIdentityEnv(c));

    const own = spec.volumes.find((v) => v.name.value === WEBHOOK_VOLUME);
    let tokenPaths: string[] = [WEBHOOK_TOKEN_PATH];
    if (own) {
      const tokens = own.sources.filter((s) => s.type === 'serviceAccountToken');
      if (own.type !== 'projected' || tokens.length === 0) {
        if (getsTokenEnv.length === 0) return;
        ctx.report({ at: own.name, messageId: 'notProjectedToken', data: { name: own.name.value, type: own.type }, related });
        return;
      }
      if (tokens.some((s) => !s.path || isUnknown(s.path))) return;
      tokenPaths = tokens.map((s) => normPath(s.path!.value).replace(/^\/+/, ''));
      if (!tokenPaths.includes(WEBHOOK_TOKEN_PATH) && getsTokenEnv.length > 0 && !isWindows(spec)) {
        const s = tokens[0];
        ctx.report({ at: s.path!, messageId: 'tokenPathDiffers', data: { name: own.name.value, path: s.path!.value, file: WEBHOOK_TOKEN_FILE }, related });
        return;
      }
    }

    for (const c of mutated) {
      if (c.volumeMounts.some((x) => isUnknown(x.name) || isUnknown(x.mountPath) || isUnknown(x.subPath))) continue;
      const ownMounts = c.volumeMounts.filter((x) => x.name.value === WEBHOOK_VOLUME);
      if (ownMounts.length === 0) {
        // (3) The webhook appends its mount at WEBHOOK_MOUNT_PATH unless addEnvToContainer returned early.
        if (hasAllEnv(c)) continue;
        const clash = c.volumeMounts.find((x) => x.mountPath.value === WEBHOOK_MOUNT_PATH);
        if (clash) {
          ctx.report({
            at: clash.mountPath,
            messageId: 'duplicateMountPath',
            data: { container: c.name.value, volume: clash.name.value, path: clash.mountPath.value },
            related,
          });
        }
        continue;
      }
      // (4) The container mounts the token volume itself; does the injected path exist?
      if (setsWebIdentityEnv(c) || isWindows(spec)) continue;
      const files = ownMounts.flatMap((x) => tokenPaths.map((p) => fileIn(x, p)));
      if (files.includes(WEBHOOK_TOKEN_FILE)) continue;
      // Another volume mounted over that path may hold a file there: not judged.
      if (c.volumeMounts.some((x) => x.name.value !== WEBHOOK_VOLUME && `${WEBHOOK_TOKEN_FILE}/`.startsWith(`${normPath(x.mountPath.value)}/`))) continue;
      const x = ownMounts[0];
      ctx.report({
        at: x.mountPath,
        messageId: 'mountedElsewhere',
        data: { container: c.name.value, volume: x.name.value, path: x.mountPath.value, file: WEBHOOK_TOKEN_FILE },
        related,
      });
    }
  },
});
