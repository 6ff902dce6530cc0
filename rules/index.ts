/** Every rule, listed explicitly in alphabetical order of id. */
import type { Rule } from '../src/engine/types.js';
import iamConditionKeyCase from './iam/condition-key-case.js';
import iamConditionKeyMatchesProvider from './iam/condition-key-matches-provider.js';
import iamKnownConditionOperator from './iam/known-condition-operator.js';
import iamKnownProvider from './iam/known-provider.js';
import iamNoBroadSubPattern from './iam/no-broad-sub-pattern.js';
import iamNoResourceInTrustPolicy from './iam/no-resource-in-trust-policy.js';
import iamNoVoidCondition from './iam/no-void-condition.js';
import iamNoVoidSubOperator from './iam/no-void-sub-operator.js';
import iamNoWildcardInStringEquals from './iam/no-wildcard-in-string-equals.js';
import iamNoWildcardPrincipal from './iam/no-wildcard-principal.js';
import iamPolicyVersion from './iam/policy-version.js';
import iamProviderAccountMatchesRole from './iam/provider-account-matches-role.js';
import iamRequireSubCondition from './iam/require-sub-condition.js';
import iamRoleAccountAllowed from './iam/role-account-allowed.js';
import iamSubFormat from './iam/sub-format.js';
import iamTrustPolicySize from './iam/trust-policy-size.js';
import iamWebIdentityAction from './iam/web-identity-action.js';
import iamWellFormedFederatedPrincipal from './iam/well-formed-federated-principal.js';
import iamWellFormedRoleArn from './iam/well-formed-role-arn.js';
import irsaAudienceMatchesTrust from './irsa/audience-matches-trust.js';
import irsaIssuerMatchesCluster from './irsa/issuer-matches-cluster.js';
import irsaRoleTrustsServiceAccount from './irsa/role-trusts-service-account.js';
import irsaServiceAccountMatchesEksctl from './irsa/service-account-matches-eksctl.js';
import irsaTokenFileMounted from './irsa/token-file-mounted.js';
import irsaTrustSubjectExists from './irsa/trust-subject-exists.js';
import k8sAwsDirWritable from './k8s/aws-dir-writable.js';
import k8sNoStaticAwsKeys from './k8s/no-static-aws-keys.js';
import k8sTokenExpirationMinimum from './k8s/token-expiration-minimum.js';
import openshiftCloudTokenPath from './openshift/cloud-token-path.js';
import openshiftCredentialsRequestShape from './openshift/credentials-request-shape.js';
import openshiftDryRunLeftover from './openshift/dry-run-leftover.js';
import openshiftRequireServiceAccountNames from './openshift/require-service-account-names.js';
import openshiftRoleNameCollision from './openshift/role-name-collision.js';
import openshiftSecretExists from './openshift/secret-exists.js';
import openshiftSecretRoleName from './openshift/secret-role-name.js';
import openshiftTokenAudienceExplicit from './openshift/token-audience-explicit.js';
import openshiftWorkloadMatchesCredentialsRequest from './openshift/workload-matches-credentials-request.js';
import parseSyntax from './parse/syntax.js';
import parseTemplate from './parse/template.js';
import podidContainerCredentialsComplete from './podid/container-credentials-complete.js';
import podidNoIrsaOverlap from './podid/no-irsa-overlap.js';
import podidRoleTrustsPodIdentity from './podid/role-trusts-pod-identity.js';
import podidServiceAccountExists from './podid/service-account-exists.js';
import podidSupportedCompute from './podid/supported-compute.js';
import podidTrustMatchesAssociation from './podid/trust-matches-association.js';
import sdkAccessKeyWithoutSecret from './sdk/access-key-without-secret.js';
import sdkProfileResolution from './sdk/profile-resolution.js';
import sdkProfileRoleMismatch from './sdk/profile-role-mismatch.js';
import sdkRegionEnvIncomplete from './sdk/region-env-incomplete.js';
import sdkRoleSessionName from './sdk/role-session-name.js';
import sdkStaticKeysShadowPodIdentity from './sdk/static-keys-shadow-pod-identity.js';
import sdkStaticKeysShadowWebIdentity from './sdk/static-keys-shadow-web-identity.js';
import sdkStsRegionalEndpointsValue from './sdk/sts-regional-endpoints-value.js';
import suppressExpired from './suppress/expired.js';
import suppressMissingReason from './suppress/missing-reason.js';
import suppressUnused from './suppress/unused.js';
import webhookAnnotationTypo from './webhook/annotation-typo.js';
import webhookAnnotationValues from './webhook/annotation-values.js';
import webhookPartialManualInjection from './webhook/partial-manual-injection.js';
import webhookRoleArnOnPod from './webhook/role-arn-on-pod.js';
import webhookSkipContainers from './webhook/skip-containers.js';
import webhookSkipLabelWithRole from './webhook/skip-label-with-role.js';
import webhookTokenExpirationRaised from './webhook/token-expiration-raised.js';
import webhookTokenFileWithoutRoleArn from './webhook/token-file-without-role-arn.js';
import webhookTokenSubpath from './webhook/token-subpath.js';
import webhookTokenVolumeConflict from './webhook/token-volume-conflict.js';

export const RULES: readonly Rule[] = [
  iamConditionKeyCase,
  iamConditionKeyMatchesProvider,
  iamKnownConditionOperator,
  iamKnownProvider,
  iamNoBroadSubPattern,
  iamNoResourceInTrustPolicy,
  iamNoVoidCondition,
  iamNoVoidSubOperator,
  iamNoWildcardInStringEquals,
  iamNoWildcardPrincipal,
  iamPolicyVersion,
  iamProviderAccountMatchesRole,
  iamRequireSubCondition,
  iamRoleAccountAllowed,
  iamSubFormat,
  iamTrustPolicySize,
  iamWebIdentityAction,
  iamWellFormedFederatedPrincipal,
  iamWellFormedRoleArn,
  irsaAudienceMatchesTrust,
  irsaIssuerMatchesCluster,
  irsaRoleTrustsServiceAccount,
  irsaServiceAccountMatchesEksctl,
  irsaTokenFileMounted,
  irsaTrustSubjectExists,
  k8sAwsDirWritable,
  k8sNoStaticAwsKeys,
  k8sTokenExpirationMinimum,
  openshiftCloudTokenPath,
  openshiftCredentialsRequestShape,
  openshiftDryRunLeftover,
  openshiftRequireServiceAccountNames,
  openshiftRoleNameCollision,
  openshiftSecretExists,
  openshiftSecretRoleName,
  openshiftTokenAudienceExplicit,
  openshiftWorkloadMatchesCredentialsRequest,
  parseSyntax,
  parseTemplate,
  podidContainerCredentialsComplete,
  podidNoIrsaOverlap,
  podidRoleTrustsPodIdentity,
  podidServiceAccountExists,
  podidSupportedCompute,
  podidTrustMatchesAssociation,
  sdkAccessKeyWithoutSecret,
  sdkProfileResolution,
  sdkProfileRoleMismatch,
  sdkRegionEnvIncomplete,
  sdkRoleSessionName,
  sdkStaticKeysShadowPodIdentity,
  sdkStaticKeysShadowWebIdentity,
  sdkStsRegionalEndpointsValue,
  suppressExpired,
  suppressMissingReason,
  suppressUnused,
  webhookAnnotationTypo,
  webhookAnnotationValues,
  webhookPartialManualInjection,
  webhookRoleArnOnPod,
  webhookSkipContainers,
  webhookSkipLabelWithRole,
  webhookTokenExpirationRaised,
  webhookTokenFileWithoutRoleArn,
  webhookTokenSubpath,
  webhookTokenVolumeConflict,
] as unknown as readonly Rule[];
