/**
 * What it checks: `AWS_STS_REGIONAL_ENDPOINTS` (env, or an env-file Secret/ConfigMap key) and the
 * `sts_regional_endpoints` profile setting must be `regional` or `legacy`.
 * Why it matters: botocore raises InvalidSTSRegionalEndpointsConfigError for anything else.
 * How to fix: write `regional`.
 */
import { defineRule } from '../../src/engine/types.js';
import type { SecretLike, Workload } from '../../src/model/k8s.js';
import { looksTemplated } from '../../src/model/span.js';
import { checkSetting } from './_setting.js';


const VARIABLE = 'AWS_STS_REGIONAL_ENDPOINTS';
const SETTING = 'sts_regional_endpoints';
/** botocore `args.py` VALID_REGIONAL_ENDPOINTS_CONFIG; compared case-sensitively, '' means unset. */
const VALID = new Set(['regional', 'legacy']);

function invalid(value: string): boolean {
  return value !== '' && !VALID.has(value) && !looksTemplated(value);
}

export default defineRule({
  meta: {
    id: 'sdk/sts-regional-endpoints-value',
    type: 'problem',
    severity: 'error',
    tags: ['sdk', 'sts'],
    docs: {
      description: 'Set AWS_STS_REGIONAL_ENDPOINTS and sts_regional_endpoints to "regional" or "legacy"',
      whatItChecks:
        'Literal `AWS_STS_REGIONAL_ENDPOINTS` values in container and init container `env`, `AWS_STS_REGIONAL_ENDPOINTS` keys of Secrets and ConfigMaps (env files used through `envFrom`), and the `sts_regional_endpoints` setting (key in any case) of every profile in AWS shared config/credentials text held by a Secret or ConfigMap. The value must be exactly `regional` or `legacy`, in lower case. Empty and templated values are skipped.',
      whyItMatters:
        'botocore (boto3, AWS CLI v1) accepts only these two strings, compared case-sensitively, and raises `InvalidSTSRegionalEndpointsConfigError` whenever it creates an STS client, which includes every web identity credential refresh (`botocore/args.py`, `_get_sts_regional_endpoints_config`). A boolean such as `true` (the form of the webhook\'s `eks.amazonaws.com/sts-regional-endpoints` annotation) is therefore fatal in the environment. The Go v1 SDK also rejects unknown values when it loads the environment.',
      howToFix:
        'Use `regional` (the default since botocore 1.40.0 and the value the pod identity webhook injects), or `legacy` to keep the global endpoint in the legacy regions. On a ServiceAccount, use the annotation `eks.amazonaws.com/sts-regional-endpoints: "true"` instead and let the webhook write the variable.',
      references: [
        'boto/botocore botocore/args.py (VALID_REGIONAL_ENDPOINTS_CONFIG, InvalidSTSRegionalEndpointsConfigError), botocore/configprovider.py (sts_regional_endpoints)',
        'aws/aws-sdk-go aws/endpoints (GetSTSRegionalEndpoint)',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (injects AWS_STS_REGIONAL_ENDPOINTS=regional)',
      ],
    },
    appliesTo: ['k8s:Secret', 'k8s:ConfigMap', 'k8s:PodSpecOwner'],
    messages: {
      envValue: 'AWS_STS_REGIONAL_ENDPOINTS "{{value}}" of container "{{container}}" is not a valid setting: expected "regional" or "legacy"',
      dataValue: '{{kind}} key AWS_STS_REGIONAL_ENDPOINTS is "{{value}}", not a valid setting: expected "regional" or "legacy"',
      profileValue: 'sts_regional_endpoints "{{value}}" of profile "{{profile}}" in {{kind}} key "{{key}}" is not a valid setting: expected "regional" or "legacy"',
    },
  },
  check(r: SecretLike | Workload, ctx) {
    checkSetting(r, ctx, { variable: VARIABLE, setting: SETTING, problem: (v) => (invalid(v) ? 'is not a valid setting' : undefined) });
  },
});
