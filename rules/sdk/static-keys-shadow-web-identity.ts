/**
 * What it checks: a container with web identity credentials that also gets `AWS_ACCESS_KEY_ID`
 * from a Secret or ConfigMap (`secretKeyRef`, `configMapKeyRef`, `envFrom`).
 * Why it matters: every SDK reads environment keys before web identity; the role is never used.
 * How to fix: remove the key variables (or the Secret keys) from the container.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import { sdkEnvironments } from '../../src/model/sdk-environment.js';

export default defineRule({
  meta: {
    id: 'sdk/static-keys-shadow-web-identity',
    type: 'problem',
    severity: 'error',
    tags: ['sdk', 'credentials', 'irsa', 'openshift'],
    docs: {
      description: 'Do not give a container with web identity credentials AWS_ACCESS_KEY_ID from a Secret or ConfigMap',
      whatItChecks:
        'Containers and init containers that have web identity credentials, because their ServiceAccount carries the `eks.amazonaws.com/role-arn` annotation (and the webhook injects the web identity variables: the container is not in `skip-containers` and sets neither `AWS_ROLE_ARN` nor `AWS_WEB_IDENTITY_TOKEN_FILE`), because they set `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE`, or because the profile they select in a mounted shared config/credentials file has `role_arn` and `web_identity_token_file` (ccoctl / Cloud Credential Operator Secret). Reported: `AWS_ACCESS_KEY_ID` set through `env[].valueFrom.secretKeyRef`/`configMapKeyRef` (unless `optional: true` and the key is absent from the repository\'s Secret, or the Secret is not in the repository), or through `envFrom` from a Secret/ConfigMap of the repository that has that key (with the `envFrom` `prefix` applied; a later `env` entry of the same name overrides it). Empty values count as unset. Literal `value`s are left to `k8s/no-static-aws-keys`, and a key id without any `AWS_SECRET_ACCESS_KEY` to `sdk/access-key-without-secret`.',
      whyItMatters:
        'Every SDK resolves environment keys before web identity: botocore and the AWS CLI put `EnvProvider` first in `create_credential_resolver` (`credentials.py`), aws-sdk-js-v3 runs `fromEnv` first in `defaultProvider.ts` (unless `AWS_PROFILE` is set), and the Go v2 SDK takes environment keys before `AWS_WEB_IDENTITY_TOKEN_FILE`. The pod then runs as the IAM user of the keys, not as the role, and the EKS guide warns that "those credentials will continue to be used even if you configure an IAM roles for service accounts for the same workload". The pod identity webhook inspects only `env`, never `envFrom`, so keys arriving through `envFrom` stay in place after mutation.',
      howToFix:
        'Remove `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` from the container (or the keys from the `envFrom` source), deactivate the keys in IAM, and let the SDK use the role. If the same manifest must serve clusters with and without STS (the OpenShift "mint" versus "manual STS" pattern), mark the references `optional: true` so that they disappear when the Secret has no such key.',
      references: [
        'boto/botocore botocore/credentials.py (create_credential_resolver: EnvProvider before AssumeRoleWithWebIdentityProvider)',
        'aws/aws-sdk-js-v3 packages/credential-provider-node/src/defaultProvider.ts (fromEnv first)',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (addEnvToContainer inspects container.env only)',
        'awsdocs/amazon-eks-user-guide iam-roles-for-service-accounts-minimum-sdk.md (credentials earlier in the chain keep being used)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      fromRef:
        'AWS_ACCESS_KEY_ID of container "{{container}}" comes from {{kind}} "{{source}}": static keys in the environment take precedence over the container\'s web identity credentials, so its role is not used',
      fromEnvFrom:
        'envFrom {{kind}} "{{source}}" sets AWS_ACCESS_KEY_ID in container "{{container}}": static keys in the environment take precedence over the container\'s web identity credentials, so its role is not used',
    },
  },
  check(w: Workload, ctx) {
    for (const sdk of sdkEnvironments(ctx.index, w, ctx.facts)) {
      const key = sdk.staticKeys.accessKeyId;
      if (key.state !== 'set' || key.via === 'value') continue;
      // Without a secret key there is no shadowing but a failure: sdk/access-key-without-secret.
      if (sdk.staticKeys.secretAccessKey.state === 'unset') continue;
      const wi = sdk.webIdentity;
      if (!wi) continue;
      // Environment keys come before web identity in every SDK's chain.
      const keys = sdk.chain.of('envKeys')[0];
      const web = sdk.chain.sources.find((s) => s.kind === 'envWebIdentity' || s.kind === 'profileWebIdentity');
      if (!keys || !web || !sdk.chain.before(keys, web)) continue;
      const related: Related[] = [];
      if (key.key) related.push({ at: key.key, label: `${key.sourceKind} key` });
      related.push({ at: wi.at, label: wi.label });
      ctx.report({
        at: key.at,
        messageId: key.via === 'envFrom' ? 'fromEnvFrom' : 'fromRef',
        data: { container: sdk.container.name.value, kind: key.sourceKind, source: key.sourceName },
        related,
      });
    }
  },
});
