/**
 * What it checks: a container that gets EKS Pod Identity credentials but also static access keys,
 * from a Secret or ConfigMap in its environment or in the shared credentials file it reads.
 * Why it matters: every SDK uses those keys before the container credential provider; the
 * association's role is never used.
 * How to fix: remove the keys.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import { sdkEnvironments } from '../../src/model/sdk-environment.js';

export default defineRule({
  meta: {
    id: 'sdk/static-keys-shadow-pod-identity',
    type: 'problem',
    severity: 'error',
    tags: ['sdk', 'credentials', 'pod-identity'],
    docs: {
      description: 'Do not give a container with EKS Pod Identity credentials static access keys from a Secret, a ConfigMap or a shared credentials file',
      whatItChecks:
        'Containers and init containers whose ServiceAccount has an EKS Pod Identity association (the pod identity webhook mutates them: no skip label, not in `skip-containers`) and that have no web identity credentials of their own (those are sdk/static-keys-shadow-web-identity\'s and podid/no-irsa-overlap\'s). Reported: `AWS_ACCESS_KEY_ID` set through `env[].valueFrom.secretKeyRef`/`configMapKeyRef` or `envFrom` from a Secret/ConfigMap of the repository that has the key (as sdk/static-keys-shadow-web-identity reads them: `optional: true` references to absent keys, empty values and keys without any `AWS_SECRET_ACCESS_KEY` are not reported), and `aws_access_key_id` of a profile the container selects in a shared config or credentials file mounted from a Secret or ConfigMap of the repository. Literal `value`s are left to k8s/no-static-aws-keys.',
      whyItMatters:
        '"EKS Pod Identities have been added to the Container credential provider which is searched in a step in the default credential chain. If your workloads currently use credentials that are earlier in the chain of credentials, those credentials will continue to be used even if you configure an EKS Pod Identity association for the same workload" (EKS user guide pod-id-how-it-works, pod-id-minimum-sdk). Environment keys and shared-file keys are earlier in every SDK: botocore `create_credential_resolver` puts EnvProvider first and SharedCredentialProvider/ConfigProvider before ContainerProvider, aws-sdk-go-v2 takes environment keys and then the shared profile before the container endpoint (`resolveCredentialChain`, `resolveCredsFromProfile`), aws-sdk-js-v3 runs `fromEnv` and `fromIni` before `remoteProvider`. The pod runs as the IAM user of the keys, and the association (and its session tags) is never used.',
      howToFix:
        'Remove `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (or the keys of the `envFrom` source, or the profile\'s `aws_access_key_id`) from the container, deactivate the keys in IAM, and let the SDK use the association. Keep them only until the association is in place, as the EKS guide suggests for a migration.',
      references: [
        'EKS user guide pod-id-how-it-works.adoc and pod-id-minimum-sdk.adoc (credentials earlier in the chain keep being used)',
        'boto/botocore botocore/credentials.py (create_credential_resolver: EnvProvider first, ContainerProvider after the shared-file providers)',
        'aws/aws-sdk-go-v2 config/resolve_credentials.go (resolveCredentialChain: environment keys first; resolveCredsFromProfile: shared keys before the container endpoint)',
        'aws/aws-sdk-js-v3 packages/credential-provider-node/src/defaultProvider.ts (fromEnv, fromIni before remoteProvider)',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (addEnvToContainer inspects container.env only)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      fromRef:
        'AWS_ACCESS_KEY_ID of container "{{container}}" comes from {{kind}} "{{source}}": static keys in the environment take precedence over the container credential provider, so the EKS Pod Identity association is not used',
      fromEnvFrom:
        'envFrom {{kind}} "{{source}}" sets AWS_ACCESS_KEY_ID in container "{{container}}": static keys in the environment take precedence over the container credential provider, so the EKS Pod Identity association is not used',
      fromProfile:
        'profile "{{profile}}" that container "{{container}}" reads from {{file}} sets aws_access_key_id: shared-file keys take precedence over the container credential provider, so the EKS Pod Identity association is not used',
    },
  },
  check(w: Workload, ctx) {
    for (const sdk of sdkEnvironments(ctx.index, w, ctx.facts)) {
      const pi = sdk.podIdentity;
      const container = sdk.chain.of('containerCredentials')[0];
      if (!pi || !container || sdk.webIdentity) continue;
      const associations: Related[] = pi.associations.map((a) => ({ at: a.serviceAccount ?? a.anchor, label: 'EKS Pod Identity association' }));
      const key = sdk.staticKeys.accessKeyId;
      const envKeys = sdk.chain.of('envKeys')[0];
      if (key.state === 'set' && key.via !== 'value' && sdk.staticKeys.secretAccessKey.state !== 'unset' && envKeys && sdk.chain.before(envKeys, container)) {
        const related: Related[] = [];
        if (key.key) related.push({ at: key.key, label: `${key.sourceKind} key` });
        ctx.report({
          at: key.at,
          messageId: key.via === 'envFrom' ? 'fromEnvFrom' : 'fromRef',
          data: { container: sdk.container.name.value, kind: key.sourceKind, source: key.sourceName },
          related: [...related, ...associations],
        });
        continue;
      }
      // Environment keys come first; shared-file keys only matter without them.
      if (key.state !== 'unset') continue;
      for (const source of sdk.chain.of('profileKeys')) {
        if (!sdk.chain.before(source, container)) continue;
        const p = source.key;
        // Point at the workload's choice of profile or file; the key itself is in the Secret or ConfigMap.
        const at = p.profile.at ?? p.fileAt;
        if (!at) continue;
        ctx.report({
          at,
          messageId: 'fromProfile',
          data: { profile: p.profile.name, container: sdk.container.name.value, file: `${p.file.source.kindName.value} "${p.file.source.name?.value ?? ''}" key "${p.file.key}"` },
          related: [{ at: p.setting.key, label: 'aws_access_key_id' }, ...associations],
        });
        break;
      }
    }
  },
});
