/**
 * What it checks: workloads whose ServiceAccount has an EKS Pod Identity association but whose
 * pod spec says they run on Windows nodes or on AWS Fargate, where EKS Pod Identity is not available.
 * Why it matters: those pods never get the association's credentials.
 * How to fix: use IRSA for them, or run them on Linux EC2 nodes.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import type { NodeSelectorRequirement, Workload } from '../../src/model/k8s.js';
import { sdkEnvironments } from '../../src/model/sdk-environment.js';
import { isUnknown, type Located } from '../../src/model/span.js';
import { associationRelated } from './_podid.js';

const OS_KEYS = ['kubernetes.io/os', 'beta.kubernetes.io/os'];
const COMPUTE_TYPE = 'eks.amazonaws.com/compute-type';

type Platform = 'Windows' | 'AWS Fargate';

/** The platform a requirement restricts the pod to, when every value it admits is that platform's. */
function platformOf(e: NodeSelectorRequirement): Platform | undefined {
  if (isUnknown(e.key) || isUnknown(e.operator) || e.operator.value !== 'In' || e.values.length === 0 || e.values.some(isUnknown)) return undefined;
  if (OS_KEYS.includes(e.key.value) && e.values.every((v) => v.value === 'windows')) return 'Windows';
  if (e.key.value === COMPUTE_TYPE && e.values.every((v) => v.value === 'fargate')) return 'AWS Fargate';
  return undefined;
}

/** Where the pod spec confines the pod to Windows or Fargate nodes, if it does. */
function confinement(w: Workload): { platform: Platform; at: Located<string>; how: string } | undefined {
  const spec = w.podSpec;
  for (const key of [...OS_KEYS, COMPUTE_TYPE]) {
    const a = spec.nodeSelector.get(key);
    if (!a || isUnknown(a.value)) continue;
    if (OS_KEYS.includes(key) && a.value.value === 'windows') return { platform: 'Windows', at: a.value, how: `nodeSelector "${key}"` };
    if (key === COMPUTE_TYPE && a.value.value === 'fargate') return { platform: 'AWS Fargate', at: a.value, how: `nodeSelector "${key}"` };
  }
  // Required node affinity: the pod runs on a node matching one of the terms; all of them must confine it.
  const affinity = spec.requiredNodeAffinity;
  if (!affinity || affinity.unknown || affinity.terms.length === 0) return undefined;
  let found: { platform: Platform; at: Located<string>; how: string } | undefined;
  for (const t of affinity.terms) {
    const e = t.expressions.find((x) => platformOf(x) !== undefined);
    if (!e) return undefined;
    const platform = platformOf(e)!;
    if (found && found.platform !== platform) return undefined;
    found ??= { platform, at: e.values[0], how: `required node affinity on "${e.key.value}"` };
  }
  return found;
}

export default defineRule({
  meta: {
    id: 'podid/supported-compute',
    type: 'problem',
    severity: 'error',
    tags: ['pod-identity', 'windows', 'fargate'],
    docs: {
      description: 'Do not rely on EKS Pod Identity for pods that run on Windows nodes or on AWS Fargate',
      whatItChecks:
        'Pods and pod templates whose ServiceAccount has an EKS Pod Identity association (and that the webhook mutates) and whose spec confines them to Windows nodes or to Fargate: a `nodeSelector` `kubernetes.io/os: windows` (or `beta.kubernetes.io/os`), a `nodeSelector` `eks.amazonaws.com/compute-type: fargate`, or a required node affinity every term of which has such an `In` requirement. Fargate profiles (which select pods by namespace and labels in the cluster\'s configuration) and preferred affinities are not read.',
      whyItMatters:
        'EKS Pod Identity is available only on "Worker nodes in the cluster that are Linux Amazon EC2 instances": "Linux and Windows pods that run on AWS Fargate (Fargate) aren\'t supported. Pods that run on Windows Amazon EC2 instances aren\'t supported" (EKS user guide, pod-identities, EKS Pod Identity restrictions). The EKS Pod Identity Agent that serves the credentials is a DaemonSet scheduled only on `kubernetes.io/os: linux` nodes whose `eks.amazonaws.com/compute-type` is not `fargate` (eks-pod-identity-agent charts values.yaml), so these pods have no agent to ask and get no credentials. CDK refuses the combination outright ("Pod Identity is not supported in Fargate. Use IRSA identity type instead.").',
      howToFix:
        'Give these workloads IRSA instead (a role-arn annotation on their ServiceAccount and a web identity trust policy: supported on Fargate and Windows), or run them on Linux EC2 nodes.',
      references: [
        'EKS user guide pod-identities.adoc ("EKS Pod Identity restrictions")',
        'aws/eks-pod-identity-agent charts/eks-pod-identity-agent/values.yaml (node affinity: kubernetes.io/os In [linux], eks.amazonaws.com/compute-type NotIn [fargate, hybrid, auto])',
        'aws/aws-cdk packages/aws-cdk-lib/aws-eks/lib/service-account.ts ("EKS Pod Identity does not support Fargate")',
        'kubernetes.io docs "Assigning Pods to Nodes" (nodeSelector; required node affinity terms are ORed, their expressions ANDed)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      unsupported:
        '{{how}} puts these pods on {{platform}}, where EKS Pod Identity is not available, so the association of ServiceAccount "{{sa}}" gives them no credentials',
    },
  },
  check(w: Workload, ctx) {
    const pi = sdkEnvironments(ctx.index, w, ctx.facts).find((s) => s.podIdentity)?.podIdentity;
    if (!pi) return;
    const c = confinement(w);
    if (!c) return;
    const related: Related[] = pi.associations.map(associationRelated);
    ctx.report({ at: c.at, messageId: 'unsupported', data: { how: c.how, platform: c.platform, sa: `${w.namespace}/${w.podSpec.effectiveServiceAccount}` }, related });
  },
});
