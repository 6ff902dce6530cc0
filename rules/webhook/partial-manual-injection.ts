import { defineRule } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import { roleAdmits, serviceAccountSubject } from '../../src/model/trust.js';
import { isUnknown, lastEnv, mutation, prefixOf, skipped } from './_webhook.js';


/** Does `envArn` name the same role as the annotation (which may be a bare name under `--compose-role-arn`)? */
function sameRole(envArn: string, annotation: string): boolean {
  if (envArn === annotation) return true;
  return !annotation.includes('arn:') && envArn.startsWith('arn:') && envArn.endsWith(`:role/${annotation}`);
}

export default defineRule({
  meta: {
    id: 'webhook/partial-manual-injection',
    type: 'problem',
    severity: 'warning',
    tags: ['irsa', 'webhook', 'cross-reference'],
    docs: {
      description: 'Do not override the ServiceAccount\'s role with a hand-written AWS_ROLE_ARN',
      whatItChecks:
        'Containers and init containers of pods whose ServiceAccount (in the repository) has a non-empty `eks.amazonaws.com/role-arn` annotation, that are not listed in `skip-containers`, and that set both `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` themselves: a literal `AWS_ROLE_ARN` that names another role than the annotation is reported, unless that other role is in the repository and its trust policy admits the ServiceAccount (a deliberate per-container role). A bare role name in the annotation (`--compose-role-arn`) is compared with the role part of the ARN. `AWS_ROLE_ARN` without `AWS_WEB_IDENTITY_TOKEN_FILE` is reported by irsa/token-file-mounted, the reverse by webhook/token-file-without-role-arn.',
      whyItMatters:
        'The webhook injects `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` only when the container\'s `env` holds neither (pkg/handler/handler.go `addEnvToContainer`, `reservedKeysDefined`). A hand-written role ARN therefore wins over the ServiceAccount annotation: the container assumes a role other than the one the ServiceAccount declares (often a stale copy after the annotation changed), changing the annotation has no effect on it, and the other role must trust this ServiceAccount or every call fails with AccessDenied. It is a warning because a per-container role can be deliberate.',
      howToFix:
        'Remove the hand-written `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` and let the webhook inject both from the ServiceAccount; if the container needs another role, run it under its own ServiceAccount, or list it in the pod annotation `eks.amazonaws.com/skip-containers` and make sure that role\'s trust policy admits the ServiceAccount.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (addEnvToContainer: neither variable is injected when either is present) and pkg/handler/testdata/rawPodSkip.pod.yaml',
        'awsdocs/amazon-eks-user-guide associate-service-account-role.md (one role per ServiceAccount)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      roleArnDiffers:
        'container "{{container}}" sets AWS_ROLE_ARN "{{value}}", so the webhook does not inject role "{{expected}}" of ServiceAccount "{{sa}}" and the container assumes the other role',
    },
  },
  check(w: Workload, ctx) {
    const m = mutation(w, ctx);
    if (m.state !== 'yes' || !m.roleArn || !m.sa || isUnknown(m.roleArn.value)) return;
    const annotation = m.roleArn;
    const prefix = prefixOf(ctx);
    const saName = m.sa.name?.value ?? w.podSpec.effectiveServiceAccount;
    for (const c of [...w.podSpec.initContainers, ...w.podSpec.containers]) {
      if (skipped(c, w.podSpec, prefix) !== false) continue;
      const role = lastEnv(c, 'AWS_ROLE_ARN');
      const token = lastEnv(c, 'AWS_WEB_IDENTITY_TOKEN_FILE');
      if (!role || !token) continue;
      const v = role.value;
      if (!v || role.valueFrom || isUnknown(v) || v.value.trim() === '' || sameRole(v.value.trim(), annotation.value.value.trim())) continue;
      const sub = serviceAccountSubject(w.namespace, saName);
      if (ctx.index.rolesByArnOrName(v.value.trim()).some((r) => roleAdmits(r, { sub }, ['sub']) !== false)) continue;
      ctx.report({
        at: v,
        messageId: 'roleArnDiffers',
        data: { container: c.name.value, value: v.value, expected: annotation.value.value, sa: saName },
        related: [{ at: annotation.value, label: 'ServiceAccount role-arn annotation' }],
      });
    }
  },
});
