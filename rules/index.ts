/** Every rule, listed explicitly in alphabetical order of id. */
import type { Rule } from '../src/engine/types.js';
import iamConditionKeyMatchesProvider from './iam/condition-key-matches-provider.js';
import iamNoBroadSubPattern from './iam/no-broad-sub-pattern.js';
import iamNoVoidCondition from './iam/no-void-condition.js';
import iamNoWildcardInStringEquals from './iam/no-wildcard-in-string-equals.js';
import iamRequireSubCondition from './iam/require-sub-condition.js';
import iamWebIdentityAction from './iam/web-identity-action.js';
import iamWellFormedFederatedPrincipal from './iam/well-formed-federated-principal.js';
import iamWellFormedRoleArn from './iam/well-formed-role-arn.js';
import irsaAudienceMatchesTrust from './irsa/audience-matches-trust.js';
import irsaRoleTrustsServiceAccount from './irsa/role-trusts-service-account.js';
import irsaTokenFileMounted from './irsa/token-file-mounted.js';
import irsaTrustSubjectExists from './irsa/trust-subject-exists.js';
import k8sAwsDirWritable from './k8s/aws-dir-writable.js';
import k8sNoStaticAwsKeys from './k8s/no-static-aws-keys.js';
import k8sTokenExpirationMinimum from './k8s/token-expiration-minimum.js';
import parseSyntax from './parse/syntax.js';
import suppressExpired from './suppress/expired.js';
import suppressMissingReason from './suppress/missing-reason.js';
import suppressUnused from './suppress/unused.js';

export const RULES: readonly Rule[] = [
  iamConditionKeyMatchesProvider,
  iamNoBroadSubPattern,
  iamNoVoidCondition,
  iamNoWildcardInStringEquals,
  iamRequireSubCondition,
  iamWebIdentityAction,
  iamWellFormedFederatedPrincipal,
  iamWellFormedRoleArn,
  irsaAudienceMatchesTrust,
  irsaRoleTrustsServiceAccount,
  irsaTokenFileMounted,
  irsaTrustSubjectExists,
  k8sAwsDirWritable,
  k8sNoStaticAwsKeys,
  k8sTokenExpirationMinimum,
  parseSyntax,
  suppressExpired,
  suppressMissingReason,
  suppressUnused,
] as unknown as readonly Rule[];
