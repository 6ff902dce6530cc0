import { defineRule, type RuleContext } from '../../src/engine/types.js';
import type { Resource } from '../../src/model/index.js';
import type { Annotation } from '../../src/model/k8s.js';
import { isUnknown, prefixOf } from './_webhook.js';

type M = 'raised';

/** W pkg/constants.go MinTokenExpiration; pkg/validation.go ValidateMinTokenExpiration. */
const MIN = 600;

function check(a: Annotation | undefined, ctx: RuleContext<M>): void {
  if (!a || isUnknown(a.value) || !/^[+-]?[0-9]{1,18}$/.test(a.value.value)) return;
  const v = Number(a.value.value);
  if (v < MIN) ctx.report({ at: a.value, messageId: 'raised', data: { key: a.key.value, value: a.value.value } });
}

export default defineRule({
  meta: {
    id: 'webhook/token-expiration-raised',
    type: 'problem',
    severity: 'note',
    tags: ['irsa', 'webhook', 'annotation', 'token'],
    docs: {
      description: 'Ask the pod identity webhook for a token lifetime of at least 600 seconds',
      whatItChecks:
        'The `eks.amazonaws.com/token-expiration` annotation (with the configured `annotationPrefix`) of ServiceAccounts, Pods and pod templates, when it is an integer below 600. Values the webhook cannot parse are webhook/annotation-values\'s; an explicit `expirationSeconds` below 600 in a projected volume is k8s/token-expiration-minimum\'s.',
      whyItMatters:
        'The webhook silently raises any value below 600 seconds to 600 (pkg/validation.go `ValidateMinTokenExpiration`, MinTokenExpiration in pkg/constants.go), the minimum the API server accepts for a projected token. The pod gets a longer-lived token than the manifest says, which matters if the short lifetime was meant as a control.',
      howToFix: 'Set the annotation to "600" or more, or remove it to use the webhook default (86400).',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/validation.go (ValidateMinTokenExpiration), pkg/constants.go (MinTokenExpiration = 600), pkg/cache/cache.go and pkg/handler/handler.go (parsePodAnnotations)',
        'kubernetes/kubernetes pkg/apis/core/validation/validation.go (projected token expirationSeconds at least 10 minutes)',
      ],
    },
    appliesTo: ['k8s:ServiceAccount', 'k8s:PodSpecOwner'],
    messages: {
      raised: 'annotation "{{key}}" value "{{value}}" is below 600, so the pod identity webhook raises the token lifetime to 600 seconds',
    },
  },
  check(r: Resource, ctx) {
    const key = `${prefixOf(ctx)}/token-expiration`;
    if (r.kind === 'k8s:ServiceAccount') check(r.annotations.get(key), ctx);
    else if ('podSpec' in r) check(r.podSpec.podAnnotations.get(key), ctx);
  },
});
