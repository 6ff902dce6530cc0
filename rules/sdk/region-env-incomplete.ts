/**
 * What it checks: a container the pod identity webhook mutates that sets exactly one of
 * `AWS_REGION` / `AWS_DEFAULT_REGION`.
 * Why it matters: the webhook then injects neither, and each SDK reads only one of the two.
 * How to fix: set both to the same region, or neither.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import { isAwsCliImage } from '../../src/model/container.js';
import type { Workload } from '../../src/model/k8s.js';
import { sdkEnvironments } from '../../src/model/sdk-environment.js';

const PAIR = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

export default defineRule({
  meta: {
    id: 'sdk/region-env-incomplete',
    type: 'problem',
    severity: 'note',
    tags: ['sdk', 'webhook', 'region'],
    docs: {
      description: 'Set both AWS_REGION and AWS_DEFAULT_REGION, or neither, in containers the pod identity webhook mutates',
      whatItChecks:
        'Only when the configuration states the webhook\'s `--aws-default-region` (`facts.defaultRegion`; OpenShift\'s CCO deploys the webhook with `us-east-1`): a container whose ServiceAccount has the webhook\'s role-arn annotation (and that the webhook mutates: not skipped, no AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE of its own) and whose environment sets exactly one of `AWS_REGION` and `AWS_DEFAULT_REGION`, from `env` or from `envFrom` sources in the repository. Containers running the AWS CLI v2 image (which reads both variables) and containers whose region variables come from sources outside the repository are not judged. A note: whether it breaks depends on the SDK in the image.',
      whyItMatters:
        'The webhook injects its `--aws-default-region` as both `AWS_REGION` and `AWS_DEFAULT_REGION` only when the container sets neither (pkg/handler/handler.go); OpenShift\'s CCO runs it with `--aws-default-region=us-east-1`. Once one variable is set, the other stays unset, and the SDKs read different ones: boto3/botocore reads only `AWS_DEFAULT_REGION`, the AWS SDK for JavaScript v3 only `AWS_REGION` (then the profile, else "Region is missing"), the AWS CLI v2 both. A container that sets only `AWS_DEFAULT_REGION` and runs Node.js code therefore has no region at all, and one that sets only `AWS_REGION` and runs Python falls back to the profile or fails with NoRegionError.',
      howToFix: 'Set `AWS_REGION` and `AWS_DEFAULT_REGION` to the same value, or remove both and let the webhook inject its default region.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (region variables injected only when neither is present)',
        'botocore configprovider.py (region from AWS_DEFAULT_REGION); aws-cli v2 configprovider.py (AWS_REGION, AWS_DEFAULT_REGION)',
        'smithy-lang/smithy-typescript config-resolver regionConfig (AWS_REGION only)',
        'openshift/cloud-credential-operator pod-identity-webhook deployment (--aws-default-region=us-east-1)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      onlyOneWithDefault:
        'container "{{container}}" sets {{set}} but not {{missing}}, so the pod identity webhook does not inject its default region "{{region}}" and SDKs that read only {{missing}} find no region from the environment',
    },
  },
  check(w: Workload, ctx) {
    // Only with the webhook's region known: then the consequence (that region is not injected) is
    // certain. Without it, setting one variable is common and usually deliberate.
    const region = ctx.facts.defaultRegion;
    if (!region) return;
    for (const sdk of sdkEnvironments(ctx.index, w, ctx.facts)) {
      const c = sdk.container;
      // The AWS CLI v2 reads both variables.
      if (isAwsCliImage(c)) continue;
      const role = sdk.webhookRole;
      if (!role) continue;
      if (sdk.env('AWS_ROLE_ARN').state !== 'unset' || sdk.env('AWS_WEB_IDENTITY_TOKEN_FILE').state !== 'unset') continue;
      const [a, b] = PAIR.map((n) => sdk.env(n));
      let setIdx: 0 | 1;
      if (a.state === 'set' && b.state === 'unset') setIdx = 0;
      else if (b.state === 'set' && a.state === 'unset') setIdx = 1;
      else continue;
      const p = setIdx === 0 ? a : b;
      if (p.state !== 'set') continue;
      const related: Related[] = [{ at: role.key, label: 'role-arn annotation of the ServiceAccount' }];
      if (p.via !== 'value' && p.key) related.push({ at: p.key, label: `${p.sourceKind} key` });
      ctx.report({
        at: p.at,
        messageId: 'onlyOneWithDefault',
        data: { container: c.name.value, set: PAIR[setIdx], missing: PAIR[1 - setIdx], region },
        related,
      });
    }
  },
});
