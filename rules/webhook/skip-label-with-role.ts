import { defineRule } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import { mutation, prefixOf } from './_webhook.js';

export default defineRule({
  meta: {
    id: 'webhook/skip-label-with-role',
    type: 'problem',
    severity: 'warning',
    tags: ['irsa', 'webhook'],
    docs: {
      description: 'Do not label a pod to skip the pod identity webhook when its ServiceAccount has a role',
      whatItChecks:
        'Pods and pod templates that carry the label `eks.amazonaws.com/skip-pod-identity-webhook` (with the configured `annotationPrefix`) while their ServiceAccount, defined in the repository, has a non-empty role-arn annotation.',
      whyItMatters:
        'The upstream webhook deployment (deploy/mutatingwebhook.yaml of aws/amazon-eks-pod-identity-webhook) selects pods with `objectSelector: eks.amazonaws.com/skip-pod-identity-webhook DoesNotExist`, so a labelled pod is never sent to the webhook: it gets no token volume and no AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE, and the SDK falls through to the node role or fails. The role annotation on its ServiceAccount then does nothing for this pod. (Whether the EKS-managed webhook configuration uses the same selector is not published.)',
      howToFix:
        'Remove the label when the pod should use the ServiceAccount\'s role; to opt single containers out, use the pod annotation `eks.amazonaws.com/skip-containers` instead. If the pod really must not be mutated, run it under a ServiceAccount without the role annotation.',
      references: [
        'aws/amazon-eks-pod-identity-webhook deploy/mutatingwebhook.yaml (objectSelector on eks.amazonaws.com/skip-pod-identity-webhook)',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (skip-containers)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      skipped:
        'label "{{label}}" keeps {{pod}} away from the pod identity webhook, so role "{{role}}" of ServiceAccount "{{sa}}" is never injected',
    },
  },
  check(w: Workload, ctx) {
    const label = `${prefixOf(ctx)}/skip-pod-identity-webhook`;
    const l = w.podSpec.podLabels.get(label);
    if (!l) return;
    const m = mutation(w, ctx);
    if (m.state !== 'yes' || !m.roleArn || !m.sa) return;
    ctx.report({
      at: l.key,
      messageId: 'skipped',
      data: { label, pod: w.kind === 'k8s:Pod' ? `Pod "${w.name?.value ?? ''}"` : `the pods of ${w.kind.slice(4)} "${w.name?.value ?? ''}"`, role: m.roleArn.value.value, sa: m.sa.name?.value ?? '' },
      related: [{ at: m.roleArn.key, label: 'role-arn annotation of the ServiceAccount' }],
    });
  },
});
