/**
 * What it checks: `AWS_ROLE_SESSION_NAME` (env, or an env-file Secret/ConfigMap key) and the
 * `role_session_name` profile setting must be a valid STS RoleSessionName.
 * Why it matters: STS rejects AssumeRoleWithWebIdentity with any other value.
 * How to fix: 2 to 64 characters from letters, digits and `_+=,.@-`.
 */
import { defineRule } from '../../src/engine/types.js';
import type { SecretLike, Workload } from '../../src/model/k8s.js';
import { looksTemplated } from '../../src/model/span.js';
import { checkSetting } from './_setting.js';


const VARIABLE = 'AWS_ROLE_SESSION_NAME';
const SETTING = 'role_session_name';
/** STS `roleSessionNameType`: pattern `[\w+=,.@-]*`, length 2 to 64 (botocore data/sts/2011-06-15/service-2.json). */
const VALID = /^[\w+=,.@-]{2,64}$/;

function problem(value: string): string | undefined {
  if (value === '' || looksTemplated(value)) return undefined;
  if (value.length < 2) return 'is shorter than 2 characters';
  if (value.length > 64) return `is ${value.length} characters long`;
  if (!VALID.test(value)) {
    const bad = [...value].find((ch) => !/[\w+=,.@-]/.test(ch)) ?? '';
    return /\s/.test(bad) ? 'contains white space' : `contains "${bad}"`;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'sdk/role-session-name',
    type: 'problem',
    severity: 'error',
    tags: ['sdk', 'sts'],
    docs: {
      description: 'Keep AWS_ROLE_SESSION_NAME and role_session_name within the STS RoleSessionName format',
      whatItChecks:
        'Literal `AWS_ROLE_SESSION_NAME` values in container and init container `env`, `AWS_ROLE_SESSION_NAME` keys of Secrets and ConfigMaps (env files used through `envFrom`), and the `role_session_name` setting of every profile in AWS shared config/credentials text held by a Secret or ConfigMap. The value must match `[\\w+=,.@-]{2,64}`: 2 to 64 characters, each an ASCII letter, digit or one of `_+=,.@-`. Empty values (the SDK then generates a name), templated values and Kubernetes `$(VAR)` references are skipped.',
      whyItMatters:
        'The SDKs pass the value unchanged as `RoleSessionName` to `AssumeRoleWithWebIdentity` (botocore `AssumeRoleWithWebIdentityProvider`, aws-sdk-js-v3 `fromTokenFile`), and STS rejects names outside the `roleSessionNameType` pattern and length with a ValidationError, so the pod never gets credentials. Typical causes are spaces, colons or slashes (for example a name built from `namespace/pod`) and names longer than 64 characters.',
      howToFix:
        'Shorten the name and replace other characters with `-` or `.`, or remove the variable to let the SDK generate `botocore-session-<epoch>` / `aws-sdk-js-session-<time>`.',
      references: [
        'boto/botocore botocore/data/sts/2011-06-15/service-2.json (roleSessionNameType), botocore/credentials.py (AssumeRoleWithWebIdentityProvider, AWS_ROLE_SESSION_NAME / role_session_name)',
        'aws/aws-sdk-js-v3 packages/credential-provider-web-identity/src/fromTokenFile.ts (AWS_ROLE_SESSION_NAME)',
        'IAM API reference, AssumeRoleWithWebIdentity RoleSessionName',
      ],
    },
    appliesTo: ['k8s:Secret', 'k8s:ConfigMap', 'k8s:PodSpecOwner'],
    messages: {
      envValue:
        'AWS_ROLE_SESSION_NAME "{{value}}" of container "{{container}}" {{problem}}: expected 2 to 64 characters from letters, digits and "_+=,.@-"',
      dataValue: '{{kind}} key AWS_ROLE_SESSION_NAME "{{value}}" {{problem}}: expected 2 to 64 characters from letters, digits and "_+=,.@-"',
      profileValue:
        'role_session_name "{{value}}" of profile "{{profile}}" in {{kind}} key "{{key}}" {{problem}}: expected 2 to 64 characters from letters, digits and "_+=,.@-"',
    },
  },
  check(r: SecretLike | Workload, ctx) {
    checkSetting(r, ctx, { variable: VARIABLE, setting: SETTING, problem });
  },
});
