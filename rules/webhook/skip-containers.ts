import { defineRule } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import { isUnknown, partSpan, prefixOf, skipEntries } from './_webhook.js';
import { editDistance } from '../../src/edit-distance.js';


export default defineRule({
  meta: {
    id: 'webhook/skip-containers',
    type: 'problem',
    severity: 'warning',
    tags: ['irsa', 'webhook', 'annotation'],
    docs: {
      description: 'Name only existing containers, without spaces, in the skip-containers annotation',
      whatItChecks:
        'The pod annotation `eks.amazonaws.com/skip-containers` (with the configured `annotationPrefix`) of Pods and pod templates. The value is split on commas exactly as the webhook does (one Go `encoding/csv` record, no trimming); an entry with spaces around it (which can never match a container name) is reported, and so is an entry that matches no container or init container but is a near miss of exactly one of them (same letters up to case and `-`/`_`/`.`, or at most two edits). Other unknown names are not reported: they may name sidecars that another admission webhook injects (`istio-proxy`, `linkerd-proxy`, `vault-agent`). Empty entries, templated values and values using CSV quotes are not checked.',
      whyItMatters:
        'The webhook skips exactly the listed names (pkg/handler/handler.go `getContainersToSkip` reads the value with `encoding/csv` without `TrimLeadingSpace`), so `"sidecar, helper"` skips `sidecar` and the non-existent `" helper"`: `helper` still gets `AWS_ROLE_ARN`, the token file and the token mount, which is usually what the annotation was meant to prevent. A misspelt or renamed container name has the same effect, silently.',
      howToFix: 'Write the names separated by commas only (`sidecar,helper`) and keep them in sync with the container names.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (getContainersToSkip, getPodSpecPatch), README.md (skip-containers)',
        'Go encoding/csv Reader (TrimLeadingSpace defaults to false)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      nearMiss: 'skip-containers entry "{{entry}}" matches no container or init container of the pod: expected "{{name}}", so container "{{name}}" is not skipped',
      whitespace: 'skip-containers entry "{{entry}}" matches no container because the pod identity webhook does not trim spaces: expected "{{name}}"',
    },
  },
  check(w: Workload, ctx) {
    const a = w.podSpec.podAnnotations.get(`${prefixOf(ctx)}/skip-containers`);
    const entries = skipEntries(a);
    if (!a || !entries) return;
    const all = [...w.podSpec.initContainers, ...w.podSpec.containers];
    if (all.some((c) => isUnknown(c.name))) return;
    const byName = new Map(all.map((c) => [c.name.value, c]));
    for (const e of entries) {
      const trimmed = e.name.trim();
      if (trimmed === '' || byName.has(e.name)) continue;
      const at = partSpan(a.value, e.start, e.end);
      if (trimmed !== e.name) {
        // Container names never contain spaces: this entry can match nothing.
        const c = byName.get(trimmed);
        ctx.report({ at, messageId: 'whitespace', data: { entry: e.name, name: trimmed }, related: c ? [{ at: c.name, label: 'container' }] : [] });
        continue;
      }
      // Other names may belong to containers injected later by another webhook (istio-proxy, linkerd-proxy, vault-agent):
      // only a near miss of an existing container is reported.
      const near = nearest(e.name, [...byName.keys()]);
      if (near) ctx.report({ at, messageId: 'nearMiss', data: { entry: e.name, name: near }, related: [{ at: byName.get(near)!.name, label: 'container' }] });
    }
  },
});

/** The one container name `entry` is a misspelling of (same letters up to case and punctuation, or at most two edits). */
function nearest(entry: string, names: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');
  const hits = names.filter((n) => n !== '' && (squash(n) === squash(entry) || (Math.min(n.length, entry.length) >= 5 && editDistance(n.toLowerCase(), entry.toLowerCase(), 2) <= 2)));
  return hits.length === 1 ? hits[0] : undefined;
}
