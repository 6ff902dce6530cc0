/**
 * What it checks: a container whose environment sets `AWS_ACCESS_KEY_ID` but not `AWS_SECRET_ACCESS_KEY`.
 * Why it matters: botocore and the AWS CLI then raise PartialCredentialsError on the first call.
 * How to fix: set both variables, or neither.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import { sdkEnvironments } from '../../src/model/sdk-environment.js';

export default defineRule({
  meta: {
    id: 'sdk/access-key-without-secret',
    type: 'problem',
    severity: 'error',
    tags: ['sdk', 'credentials'],
    docs: {
      description: 'Set AWS_SECRET_ACCESS_KEY wherever AWS_ACCESS_KEY_ID is set',
      whatItChecks:
        'Containers and init containers whose environment sets `AWS_ACCESS_KEY_ID` to a non-empty value (a literal `value`, a mandatory `secretKeyRef`/`configMapKeyRef`, a reference to a key present in the repository\'s Secret/ConfigMap, or an `envFrom` source of the repository that has the key, `prefix` applied) while `AWS_SECRET_ACCESS_KEY` is certainly not set: no `env` entry, or an empty one, and no `envFrom` source that could define it (every source is in the repository and lacks the key). A container that sets the Java SDK\'s alternative name `AWS_SECRET_KEY` is skipped. The reverse case (a secret key without an access key id) is not reported: every SDK ignores it.',
      whyItMatters:
        'botocore (boto3) and the AWS CLI start their credential chain with `EnvProvider`; it takes over as soon as `AWS_ACCESS_KEY_ID` is non-empty and then requires `AWS_SECRET_ACCESS_KEY`, raising `PartialCredentialsError: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY` instead of falling back to web identity or the instance role. aws-sdk-js-v3 `fromEnv` and the Go v2 SDK need both values and otherwise skip the environment, so the same pod behaves differently per language.',
      howToFix:
        'Provide `AWS_SECRET_ACCESS_KEY` from the same Secret as `AWS_ACCESS_KEY_ID`, or remove `AWS_ACCESS_KEY_ID` (preferably both, and use IRSA or OpenShift STS instead of static keys).',
      references: [
        'boto/botocore botocore/credentials.py (EnvProvider.load and _create_credentials_fetcher: PartialCredentialsError)',
        'aws/aws-sdk-js-v3 packages/credential-provider-env/src/fromEnv.ts (both variables required)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      missingSecret:
        'container "{{container}}" sets AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY, so botocore and the AWS CLI fail with PartialCredentialsError; expected both variables or neither',
    },
  },
  check(w: Workload, ctx) {
    for (const sdk of sdkEnvironments(ctx.index, w, ctx.facts)) {
      const { accessKeyId: key, secretAccessKey, secretKey } = sdk.staticKeys;
      if (key.state !== 'set') continue;
      if (secretAccessKey.state !== 'unset' || secretKey.state !== 'unset') continue;
      const related: Related[] = key.via !== 'value' && key.key ? [{ at: key.key, label: `${key.sourceKind} key` }] : [];
      ctx.report({ at: key.at, messageId: 'missingSecret', data: { container: sdk.container.name.value }, related });
    }
  },
});
