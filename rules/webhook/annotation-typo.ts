import { defineRule } from '../../src/engine/types.js';
import type { Resource } from '../../src/model/index.js';
import type { Annotation } from '../../src/model/k8s.js';
import { ANNOTATION_NAMES, DEFAULT_PREFIX, prefixOf } from './_webhook.js';
import { editDistance } from '../../src/edit-distance.js';


/** Names people write for the webhook's annotations (after lower-casing). */
const ALIASES: Readonly<Record<string, string>> = {
  role: 'role-arn',
  'iam-role': 'role-arn',
  'iam-role-arn': 'role-arn',
  'role-name': 'role-arn',
  'token-expiry': 'token-expiration',
  'token-expiration-seconds': 'token-expiration',
  'skip-container-names': 'skip-containers',
};

/** Prefixes seen in the wild for the default `eks.amazonaws.com` that are more than two edits away. */
const KNOWN_WRONG_PREFIXES = ['eks.amazon.com', 'eks.aws.amazon.com', 'eks.aws.com', 'amazonaws.com'];

const squash = (s: string): string => s.toLowerCase().replace(/[-_.\s]/g, '');

/** The webhook annotation name `name` was meant to be, if any (exact names included). */
function intendedName(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const k of ANNOTATION_NAMES) if (squash(name) === squash(k)) return k;
  if (ALIASES[lower]) return ALIASES[lower];
  for (const k of ANNOTATION_NAMES) if (editDistance(lower, k, 2) <= (k.length >= 12 ? 2 : 1)) return k;
  return undefined;
}

/** Is `prefix` a misspelling of the configured prefix? (`iam.amazonaws.com`, used by kiam/kube2iam, is three edits away.) */
function nearPrefix(prefix: string, configured: string): boolean {
  const lower = prefix.toLowerCase();
  if (lower === configured) return prefix !== configured;
  if (configured === DEFAULT_PREFIX && KNOWN_WRONG_PREFIXES.includes(lower)) return true;
  return configured.length >= 8 && editDistance(lower, configured, 2) <= 2;
}

export default defineRule({
  meta: {
    id: 'webhook/annotation-typo',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'webhook', 'annotation'],
    docs: {
      description: 'Spell pod identity webhook annotation keys exactly',
      whatItChecks:
        'Annotation keys of ServiceAccounts, Pods, workloads and their pod templates that are near misses of the webhook\'s keys `<prefix>/role-arn`, `audience`, `sts-regional-endpoints`, `token-expiration` and `skip-containers` (prefix `eks.amazonaws.com` unless `annotationPrefix` is configured): a misspelt prefix (`eks.amazon.com`, `EKS.amazonaws.com`, up to two edits), or a misspelt name under the right prefix (`rolearn`, `role_arn`, `roleArn`, `role-Arn`, `role`, `audiences`, `sts-regional-endpoint`, `skip-container`, ...). Keys that are not near a webhook key (other `eks.amazonaws.com/...` keys such as `compute-type`, kiam/kube2iam\'s `iam.amazonaws.com/role`) are not reported, nor a near miss next to the correct key on the same object.',
      whyItMatters:
        'The webhook looks annotations up by exact key (pkg/cache/cache.go `sa.Annotations[c.annotationPrefix+"/"+pkg.RoleARNAnnotation]`; Kubernetes annotation keys are case-sensitive). A misspelt key is silently ignored: with `role-arn` the pod is not mutated and falls back to the node role or fails with no credentials — a cause of "webhook not injecting" reports such as aws/amazon-eks-pod-identity-webhook#200.',
      howToFix: 'Rename the key to the one given in the message, then recreate the pods (the webhook only mutates pods when they are created).',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/annotations.go (annotation names), pkg/cache/cache.go (exact-key lookups), main.go (--annotation-prefix)',
        'aws/amazon-eks-pod-identity-webhook issue #200 (annotation typo)',
      ],
    },
    appliesTo: ['k8s:ServiceAccount', 'k8s:PodSpecOwner'],
    messages: {
      typo: 'annotation "{{key}}" is not a pod identity webhook annotation and is ignored: expected "{{expected}}"',
    },
  },
  check(r: Resource, ctx) {
    const prefix = prefixOf(ctx);
    const maps: ReadonlyMap<string, Annotation>[] = [];
    if (r.kind === 'k8s:ServiceAccount') maps.push(r.annotations);
    else if ('podSpec' in r) {
      maps.push(r.annotations);
      if (r.kind !== 'k8s:Pod') maps.push(r.podSpec.podAnnotations);
    } else return;
    for (const map of maps) {
      for (const [key, a] of map) {
        if (a.key.unknown) continue;
        const slash = key.lastIndexOf('/');
        if (slash <= 0) continue;
        const p = key.slice(0, slash);
        const name = key.slice(slash + 1);
        const exactPrefix = p === prefix;
        if (!exactPrefix && !nearPrefix(p, prefix)) continue;
        if (exactPrefix && (ANNOTATION_NAMES as readonly string[]).includes(name)) continue;
        const intended = intendedName(name);
        if (!intended) continue;
        const expected = `${prefix}/${intended}`;
        if (map.has(expected)) continue;
        ctx.report({ at: a.key, messageId: 'typo', data: { key, expected } });
      }
    }
  },
});
