import { defineRule } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';

export default defineRule({
  meta: {
    id: 'k8s/token-expiration-minimum',
    type: 'problem',
    severity: 'error',
    tags: ['kubernetes', 'token'],
    docs: {
      description: 'Require projected service account tokens to live at least 600 seconds',
      whatItChecks:
        'The `expirationSeconds` of every `serviceAccountToken` source of a projected volume, in Pods and every pod template (Deployment, StatefulSet, DaemonSet, Job, CronJob, DeploymentConfig, ...).',
      whyItMatters:
        'The API server rejects a pod whose projected token asks for less than 10 minutes ("may not specify a duration less than 10 minutes"), so the workload is never created and never gets AWS credentials.',
      howToFix: 'Set `expirationSeconds` to 600 or more, or leave it out (the default is 3600). The pod-identity webhook uses 86400.',
      references: ['kubernetes/kubernetes pkg/apis/core/validation/validation.go (projected serviceAccountToken expirationSeconds)'],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      tooShort: 'projected token expirationSeconds {{value}} is below the minimum of 600',
    },
  },
  check(workload: Workload, ctx) {
    for (const volume of workload.podSpec.volumes) {
      for (const source of volume.sources) {
        const exp = source.expirationSeconds;
        if (source.type !== 'serviceAccountToken' || !exp || exp.unknown) continue;
        if (exp.value < 600) ctx.report({ at: exp, messageId: 'tooShort', data: { value: exp.value } });
      }
    }
  },
});
