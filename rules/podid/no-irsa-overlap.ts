/**
 * What it checks: a ServiceAccount or container that is set up for IRSA (web identity) while its
 * ServiceAccount also has an EKS Pod Identity association, where the two give different
 * credentials: which one the pods get is decided by the webhook and the SDKs' credential chain.
 * Why it matters: the pods silently run with the other role.
 * How to fix: remove the credentials that are not meant to be used.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import type { PodIdentityAssociation } from '../../src/model/eks.js';
import type { Index, Resource } from '../../src/model/index.js';
import { sdkEnvironments } from '../../src/model/sdk-environment.js';
import { isUnknown } from '../../src/model/span.js';
import { associationRelated, clusterText, roleField, roleName, sameRoleArn } from './_podid.js';

const messages = {
  annotationIgnored:
    'ServiceAccount "{{sa}}" also has an EKS Pod Identity association in {{cluster}} with role "{{podRole}}": the pod identity webhook then injects Pod Identity credentials and ignores this annotation, so the pods get role "{{podRole}}", not "{{role}}"',
  webIdentityWins:
    'container "{{container}}" gets web identity credentials from {{source}}, which every AWS SDK tries before the container credential provider, so the EKS Pod Identity association of ServiceAccount "{{sa}}" is not used',
} as const;

/** Does the association give another role than `arn`? undefined when that is not known. */
function otherRole(a: PodIdentityAssociation, arn: string, index: Index): boolean | undefined {
  if (a.roleArn && !isUnknown(a.roleArn) && a.roleArn.value.trim() !== '') return !sameRoleArn(arn, a.roleArn.value);
  const theirs = index.associationRoles(a);
  if (theirs.length === 0) return undefined;
  const ours = index.rolesByArnOrName(arn.trim());
  if (ours.length === 0) return undefined;
  return !theirs.some((r) => ours.includes(r));
}

export default defineRule({
  meta: {
    id: 'podid/no-irsa-overlap',
    type: 'problem',
    severity: 'warning',
    tags: ['pod-identity', 'irsa', 'credentials', 'migration'],
    docs: {
      description: 'Do not give a ServiceAccount IRSA and an EKS Pod Identity association for different roles',
      whatItChecks:
        'ServiceAccounts with the `eks.amazonaws.com/role-arn` annotation (or `<annotation-prefix>/role-arn`) that also have an EKS Pod Identity association (same namespace and name) whose role is another one (both ARNs static and different, or both roles in the repository and different); and containers of pods whose ServiceAccount has an association (and that the webhook mutates: no skip label, not in `skip-containers`) but that get web identity credentials by themselves: `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` in their environment, or a selected profile with `role_arn` and `web_identity_token_file` (a ccoctl / Cloud Credential Operator Secret). An annotation and an association for the same role are not reported (CDK\'s `ServiceAccount` with `identityType: POD_IDENTITY` writes both), nor templated values or roles that cannot be compared.',
      whyItMatters:
        'When the pod\'s namespace and ServiceAccount have an association, the pod identity webhook configures container credentials and not web identity: "Container credentials method takes precedence" (aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go buildPodPatchConfig; its test pod rawPodWithRoleArn.pod.yaml has a role-arn annotation and gets only `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`). The annotation\'s role is never used — during a migration the pods switch roles the moment the association is created. The other way round, a container that sets the web identity variables itself keeps using them: "EKS Pod Identities have been added to the Container credential provider which is searched in a step in the default credential chain. If your workloads currently use credentials that are earlier in the chain of credentials, those credentials will continue to be used" (EKS user guide pod-id-how-it-works). Web identity comes before the container credential provider in every SDK: botocore `create_credential_resolver` (AssumeRoleWithWebIdentityProvider in the profile providers, ContainerProvider after them), aws-sdk-go-v2 `config/resolve_credentials.go` (`resolveCredentialChain`: environment web identity before `resolveCredsFromProfile`, which reaches the container endpoint last before IMDS), aws-sdk-js-v3 `defaultProvider` (`fromTokenFile` before `remoteProvider`).',
      howToFix:
        'Decide which mechanism the workload uses. For EKS Pod Identity, remove the role-arn annotation (once every cluster that runs the workload has the association) and the container\'s own `AWS_ROLE_ARN`/`AWS_WEB_IDENTITY_TOKEN_FILE` or web identity profile. To stay on IRSA, delete the association. Associating the same role as the annotation (with a trust policy for both) keeps either mechanism working during the move.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (buildPodPatchConfig: "Container credentials method takes precedence"; addEnvToContainer) and pkg/handler/testdata/containercredentials/rawPodWithRoleArn.pod.yaml',
        'EKS user guide pod-id-how-it-works.adoc and pod-id-minimum-sdk.adoc (credentials earlier in the chain keep being used)',
        'boto/botocore botocore/credentials.py (create_credential_resolver: EnvProvider, AssumeRoleProvider, the profile providers with AssumeRoleWithWebIdentityProvider first, then ContainerProvider, then IMDS)',
        'aws/aws-sdk-go-v2 config/resolve_credentials.go (resolveCredentialChain, resolveCredsFromProfile)',
        'aws/aws-sdk-js-v3 packages/credential-provider-node/src/defaultProvider.ts (fromEnv, fromSSO, fromIni, fromProcess, fromTokenFile, remoteProvider)',
        'aws/aws-cdk packages/aws-cdk-lib/aws-eks/lib/service-account.ts (POD_IDENTITY: a role-arn annotation and an association for the same role)',
      ],
    },
    appliesTo: ['k8s:ServiceAccount', 'k8s:PodSpecOwner'],
    messages,
  },
  check(r: Resource, ctx) {
    const prefix = ctx.facts.annotationPrefix ?? 'eks.amazonaws.com';
    if (r.kind === 'k8s:ServiceAccount') {
      if (!r.name || isUnknown(r.name) || r.namespaceUnknown) return;
      const ann = r.annotations.get(`${prefix}/role-arn`);
      if (!ann || isUnknown(ann.value) || ann.value.value.trim() === '') return;
      for (const a of ctx.index.associationsFor(r.namespace, r.name.value)) {
        if (otherRole(a, ann.value.value, ctx.index) !== true) continue;
        const related: Related[] = [{ at: roleField(a), label: 'role of the EKS Pod Identity association' }, associationRelated(a)];
        ctx.report({
          at: ann.value,
          messageId: 'annotationIgnored',
          data: { sa: `${r.namespace}/${r.name.value}`, cluster: clusterText(a), podRole: roleName(a, ctx.index.associationRoles(a)[0]), role: ann.value.value.trim() },
          related,
        });
      }
      return;
    }
    if (!('podSpec' in r)) return;
    for (const sdk of sdkEnvironments(ctx.index, r, ctx.facts)) {
      const pi = sdk.podIdentity;
      const wi = sdk.webIdentity;
      if (!pi || !wi || (wi.source !== 'env' && wi.source !== 'profile')) continue;
      // Web identity comes before the container credential provider in every SDK's chain.
      const web = sdk.chain.sources.find((s) => s.kind === 'envWebIdentity' || s.kind === 'profileWebIdentity');
      const container = sdk.chain.of('containerCredentials')[0];
      if (!web || !container || !sdk.chain.before(web, container)) continue;
      const source = wi.source === 'env' ? 'its AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE' : `profile "${wi.profile}"`;
      // A profile's settings are in a Secret or ConfigMap: point at the container's choice of profile or file.
      const files = sdk.sharedFiles;
      const at = wi.source === 'env' ? wi.at : (sdk.profiles?.find((p) => p.name === wi.profile)?.at ?? files?.credentialsAt ?? files?.configAt);
      if (!at) continue;
      ctx.report({
        at,
        messageId: 'webIdentityWins',
        data: { container: sdk.container.name.value, source, sa: `${r.namespace}/${r.podSpec.effectiveServiceAccount}` },
        related: [...(wi.source === 'env' ? [] : [{ at: wi.at, label: wi.label }]), ...pi.associations.map(associationRelated)],
      });
    }
  },
});
