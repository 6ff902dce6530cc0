import { defineRule, type Related } from '../../src/engine/types.js';
import type { Annotation, Workload } from '../../src/model/k8s.js';
import { POD_ANNOTATIONS, SA_ONLY_ANNOTATIONS, isUnknown, podMetadataName, podServiceAccount, prefixOf } from './_webhook.js';


export default defineRule({
  meta: {
    id: 'webhook/role-arn-on-pod',
    type: 'problem',
    severity: 'error',
    tags: ['irsa', 'webhook', 'annotation'],
    docs: {
      description: 'Put pod identity webhook annotations where the webhook reads them',
      whatItChecks:
        'Annotations of Pods and of workload pod templates (Deployment, StatefulSet, DaemonSet, Job, CronJob, ...) named `eks.amazonaws.com/role-arn`, `eks.amazonaws.com/audience` or `eks.amazonaws.com/sts-regional-endpoints` (with the configured `annotationPrefix`), which the webhook reads only from the ServiceAccount; and any webhook annotation (including `token-expiration` and `skip-containers`) on the metadata of a controller such as a Deployment rather than on its pod template. A pod annotation that repeats the same value as the ServiceAccount, or a controller annotation repeated on the pod template, is not reported. `token-expiration` and `skip-containers` on the pod itself are valid and not reported.',
      whyItMatters:
        'The webhook takes the role, audience and STS endpoint setting only from the ServiceAccount named by `spec.serviceAccountName` (pkg/cache/cache.go `addSA` reads `sa.Annotations`; handler.go `MutatePod` calls the cache with the ServiceAccount name). Of the pod\'s own annotations it reads only `token-expiration` and `skip-containers` (handler.go `parsePodAnnotations`), and it sees the pod, never the Deployment that created it. An annotation in the wrong place is silently ignored: the pod gets no credentials, or a different role than the manifest suggests.',
      howToFix:
        'Move `role-arn`, `audience` and `sts-regional-endpoints` to the ServiceAccount the pod runs as (`kubectl annotate serviceaccount <name> eks.amazonaws.com/role-arn=arn:aws:iam::<account>:role/<name>`), then recreate the pods; move `token-expiration` and `skip-containers` from the controller\'s metadata to `spec.template.metadata.annotations`.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/annotations.go (annotation names), pkg/cache/cache.go (addSA reads role-arn, audience, sts-regional-endpoints, token-expiration from the ServiceAccount)',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (parsePodAnnotations: only token-expiration and skip-containers are read from the pod)',
        'awsdocs/amazon-eks-user-guide associate-service-account-role.md (annotate the service account)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      serviceAccountOnly: 'annotation "{{key}}" on the {{where}} is ignored: the pod identity webhook reads it only from the pod\'s ServiceAccount',
      serviceAccountDiffers:
        'annotation "{{key}}" on the {{where}} is ignored: the pod identity webhook uses "{{actual}}" from ServiceAccount "{{sa}}"',
      notOnTemplate: 'annotation "{{key}}" on the {{kind}} metadata is ignored: the pod identity webhook reads it only from the pod template metadata',
    },
  },
  check(w: Workload, ctx) {
    const prefix = prefixOf(ctx);
    const sa = podServiceAccount(w, ctx);
    const saRelated = (name: string): Related[] => {
      if (!sa) return [];
      const own = sa.annotations.get(`${prefix}/${name}`);
      return [{ at: own ? own.key : sa.name ?? sa.kindName, label: own ? 'ServiceAccount annotation' : 'ServiceAccount' }];
    };

    const serviceAccountOnly = (a: Annotation, name: string, where: string): void => {
      const own = sa?.annotations.get(`${prefix}/${name}`);
      if (own && (isUnknown(own.value) || isUnknown(a.value))) return;
      // Harmless repetition of the ServiceAccount's own setting.
      if (own && own.value.value === a.value.value) return;
      if (own) {
        ctx.report({
          at: a.key,
          messageId: 'serviceAccountDiffers',
          data: { key: a.key.value, where, actual: own.value.value, sa: sa!.name?.value ?? w.podSpec.effectiveServiceAccount },
          related: saRelated(name),
        });
      } else {
        ctx.report({ at: a.key, messageId: 'serviceAccountOnly', data: { key: a.key.value, where }, related: saRelated(name) });
      }
    };

    // The controller's own metadata: nothing there reaches the webhook.
    if (w.kind !== 'k8s:Pod') {
      for (const name of [...SA_ONLY_ANNOTATIONS, ...POD_ANNOTATIONS]) {
        const a = w.annotations.get(`${prefix}/${name}`);
        if (!a) continue;
        if ((POD_ANNOTATIONS as readonly string[]).includes(name)) {
          const onTemplate = w.podSpec.podAnnotations.get(a.key.value);
          if (onTemplate && (onTemplate.value.value === a.value.value || isUnknown(onTemplate.value) || isUnknown(a.value))) continue;
          ctx.report({
            at: a.key,
            messageId: 'notOnTemplate',
            data: { key: a.key.value, kind: w.kindName.value },
            related: onTemplate ? [{ at: onTemplate.key, label: 'pod template annotation' }] : [],
          });
        } else {
          serviceAccountOnly(a, name, `${w.kindName.value} metadata`);
        }
      }
    }

    // The pod (template) metadata: role-arn, audience and sts-regional-endpoints are read from the ServiceAccount only.
    for (const name of SA_ONLY_ANNOTATIONS) {
      const a = w.podSpec.podAnnotations.get(`${prefix}/${name}`);
      if (a) serviceAccountOnly(a, name, podMetadataName(w));
    }
  },
});
