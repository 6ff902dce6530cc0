import { defineRule, type RuleContext } from '../../src/engine/types.js';
import type { Container, Workload } from '../../src/model/k8s.js';
import { isUnknown, lastEnv, mutation, prefixOf, skipped } from './_webhook.js';

type M = 'tokenFileWithoutRoleArn';
type Ctx = RuleContext<M>;

/** Variables through which a shared config file may supply role_arn for the same profile. */
const CONFIG_ENV = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE'];

/** Could something other than the container's `env` supply AWS_ROLE_ARN or `role_arn`? */
function roleArnFromElsewhere(c: Container, w: Workload, ctx: Ctx): boolean {
  if (CONFIG_ENV.some((n) => lastEnv(c, n))) return true;
  if (c.volumeMounts.some((m) => isUnknown(m.mountPath) || /\/\.aws(\/|$)/.test(m.mountPath.value))) return true;
  for (const e of c.envFrom) {
    if (!e.name || isUnknown(e.name) || w.namespaceUnknown) return true;
    const src = e.source === 'secretRef' ? ctx.index.secret(w.namespace, e.name.value) : ctx.index.configMap(w.namespace, e.name.value);
    if (!src || [...src.entries.keys()].some((k) => `${e.prefix ?? ''}${k}` === 'AWS_ROLE_ARN')) return true;
  }
  // A mounted Secret/ConfigMap holding an AWS profile with role_arn (ccoctl-style credentials).
  for (const m of c.volumeMounts) {
    const v = w.podSpec.volumes.find((x) => x.name.value === m.name.value);
    if (!v) continue;
    const names = [v.secretName, v.configMapName, ...v.sources.map((s) => s.name)].filter((n) => n !== undefined);
    for (const n of names) {
      if (isUnknown(n)) return true;
      for (const s of [ctx.index.secret(w.namespace, n.value), ctx.index.configMap(w.namespace, n.value)]) {
        if (s && [...s.awsProfiles.values()].some((ps) => ps.some((p) => [...p.settings.keys()].some((k) => k.toLowerCase() === 'role_arn')))) return true;
      }
    }
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'webhook/token-file-without-role-arn',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'webhook', 'cross-reference'],
    docs: {
      description: 'Do not set AWS_WEB_IDENTITY_TOKEN_FILE without AWS_ROLE_ARN in pods the pod identity webhook mutates',
      whatItChecks:
        'Containers and init containers of pods whose ServiceAccount (in the repository) has a non-empty `eks.amazonaws.com/role-arn` annotation, and that are not listed in `skip-containers`: a container whose `env` sets `AWS_WEB_IDENTITY_TOKEN_FILE` but not `AWS_ROLE_ARN` is reported, unless something else can supply the role: an `envFrom` source that defines `AWS_ROLE_ARN` (or one not in the repository), `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE` or `AWS_DEFAULT_PROFILE`, a mount at a `.aws` directory, or a mounted Secret/ConfigMap with an AWS profile that sets `role_arn`. The mirror case, `AWS_ROLE_ARN` without the token file, is irsa/token-file-mounted\'s.',
      whyItMatters:
        'The webhook injects `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` only when the container\'s `env` holds neither (pkg/handler/handler.go `addEnvToContainer`, `reservedKeysDefined`), so a container that sets only the token file gets no role ARN. botocore then fails hard with `InvalidConfigError` (a web identity token file without a role ARN, `AssumeRoleWithWebIdentityProvider`), and aws-sdk-js-v3 `fromTokenFile` skips web identity and falls through to the node\'s instance role.',
      howToFix:
        'Remove `AWS_WEB_IDENTITY_TOKEN_FILE` from the container and let the webhook inject both variables, or set `AWS_ROLE_ARN` next to it (the ServiceAccount\'s role ARN).',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (addEnvToContainer: neither variable is injected when either is present) and pkg/handler/testdata/rawPodSkip.pod.yaml',
        'boto/botocore botocore/credentials.py (AssumeRoleWithWebIdentityProvider: token file without role ARN raises InvalidConfigError)',
        'aws/aws-sdk-js-v3 packages/credential-provider-web-identity/src/fromTokenFile.ts (needs both AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      tokenFileWithoutRoleArn:
        'container "{{container}}" sets AWS_WEB_IDENTITY_TOKEN_FILE without AWS_ROLE_ARN, so the webhook injects no role ARN: expected both variables or neither',
    },
  },
  check(w: Workload, ctx) {
    const m = mutation(w, ctx);
    if (m.state !== 'yes' || !m.roleArn) return;
    const prefix = prefixOf(ctx);
    for (const c of [...w.podSpec.initContainers, ...w.podSpec.containers]) {
      if (skipped(c, w.podSpec, prefix) !== false) continue;
      const token = lastEnv(c, 'AWS_WEB_IDENTITY_TOKEN_FILE');
      if (!token || lastEnv(c, 'AWS_ROLE_ARN') || roleArnFromElsewhere(c, w, ctx)) continue;
      ctx.report({
        at: token.name,
        messageId: 'tokenFileWithoutRoleArn',
        data: { container: c.name.value },
        related: [{ at: m.roleArn.key, label: 'ServiceAccount role-arn annotation' }],
      });
    }
  },
});
