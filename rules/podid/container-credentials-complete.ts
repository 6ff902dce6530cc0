/**
 * What it checks: container credential provider variables set by hand that keep EKS Pod Identity
 * from working: an endpoint without a token, a token file without an endpoint, and variables that
 * the SDKs read instead of the ones the pod identity webhook adds.
 * Why it matters: the SDKs get no credentials, or some of them ask the wrong endpoint.
 * How to fix: leave both variables to the webhook, or set both.
 */
import { defineRule } from '../../src/engine/types.js';
import {
  CONTAINER_AUTHORIZATION_TOKEN,
  CONTAINER_AUTHORIZATION_TOKEN_FILE,
  CONTAINER_CREDENTIALS_FULL_URI,
  CONTAINER_CREDENTIALS_RELATIVE_URI,
  POD_IDENTITY_AGENT_HOSTS,
  POD_IDENTITY_TOKEN_FILE,
} from '../../src/model/eks.js';
import type { Workload } from '../../src/model/k8s.js';
import { sdkEnvironments, type Presence } from '../../src/model/sdk-environment.js';
import { isUnknown } from '../../src/model/span.js';
import { associationRelated } from './_podid.js';

/** Does a static endpoint value name the EKS Pod Identity Agent (169.254.170.23 or [fd00:ec2::23])? */
function isAgentUri(p: Presence): boolean {
  if (p.state !== 'set' || !p.value || isUnknown(p.value)) return false;
  try {
    return POD_IDENTITY_AGENT_HOSTS.includes(new URL(p.value.value.trim()).hostname);
  } catch {
    return false;
  }
}

const isUnset = (p: Presence): boolean => p.state === 'unset';

export default defineRule({
  meta: {
    id: 'podid/container-credentials-complete',
    type: 'problem',
    severity: 'error',
    tags: ['pod-identity', 'sdk', 'credentials'],
    docs: {
      description: 'Set AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE together, or leave both to EKS Pod Identity',
      whatItChecks:
        'Containers and init containers whose environment (`env`, or `envFrom` of a Secret or ConfigMap of the repository) sets container credential provider variables. For a container whose ServiceAccount has an EKS Pod Identity association (and that the webhook mutates): (1) `AWS_CONTAINER_CREDENTIALS_FULL_URI` set in `env` to the EKS Pod Identity Agent (`169.254.170.23` or `[fd00:ec2::23]`) without `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN`; (2) `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` set in `env` without `AWS_CONTAINER_CREDENTIALS_FULL_URI` or `_RELATIVE_URI`; (3) `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` beside the variables the webhook adds; (4) `AWS_CONTAINER_AUTHORIZATION_TOKEN` beside them. Without an association in the repository, (1) is reported too, and (2) when the token file is the Pod Identity token `/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token`. Values that are not static, and variables from sources outside the repository, are not judged.',
      whyItMatters:
        'The pod identity webhook adds `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` only when the container\'s `env` sets neither (pkg/handler/handler.go addEnvToContainer: `containerCredentialsKeysDefined`), so setting one by hand drops the other. Without a token the SDK sends no `Authorization` header and the agent refuses the request ("Service account token cannot be empty", eks-pod-identity-agent internal/validation/request.go). Without an endpoint the container credential provider is never tried (botocore `ContainerProvider.load` runs only when `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI` is set; aws-sdk-js-v3 `fromHttp`: "No HTTP credential provider host provided") and the SDK falls through to the node\'s instance role. The SDKs disagree when both forms are set: botocore and the Rust SDK use `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (the ECS endpoint `http://169.254.170.2`) before `_FULL_URI`, while aws-sdk-js-v3 and the Go SDK prefer `_FULL_URI`; aws-sdk-js-v3 sends `AWS_CONTAINER_AUTHORIZATION_TOKEN` instead of the token file ("awsContainerAuthorizationToken will take precedence"), botocore the file.',
      howToFix:
        'Remove the hand-written container credential variables and let the webhook add both (`AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials`, `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token`), or set both yourself. Remove `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN` left over from ECS task definitions.',
      references: [
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (addEnvToContainer: neither container credentials variable is added when either is set) and main.go (--container-credentials-full-uri, --container-credentials-token-mount-path defaults)',
        'EKS user guide pod-id-how-it-works.adoc (the variables, the volume and the token path the cluster adds)',
        'aws/eks-pod-identity-agent internal/validation/request.go (an empty service account token is rejected)',
        'boto/botocore botocore/credentials.py (ContainerProvider: RELATIVE_URI before FULL_URI; AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE before AWS_CONTAINER_AUTHORIZATION_TOKEN) and botocore/utils.py (ContainerMetadataFetcher allowed hosts 169.254.170.23, fd00:ec2::23)',
        'aws/aws-sdk-js-v3 packages/credential-provider-http/src/fromHttp/fromHttp.ts (FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN take precedence)',
        'awslabs/aws-sdk-rust aws-config ecs module documentation (RELATIVE_URI checked first; allowed hosts)',
        'AWS SDKs and Tools Reference Guide feature-container-credentials (the settings; EKS sets FULL_URI and TOKEN_FILE)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      missingToken:
        'container "{{container}}" sets AWS_CONTAINER_CREDENTIALS_FULL_URI to the EKS Pod Identity Agent without AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, so the SDKs send no token and the agent refuses every request{{webhook}}',
      missingUri:
        'container "{{container}}" sets AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE without AWS_CONTAINER_CREDENTIALS_FULL_URI, so the SDKs never use the container credential provider{{webhook}}',
      relativeUri:
        'container "{{container}}" sets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, which botocore, the AWS CLI and the Rust SDK use instead of the AWS_CONTAINER_CREDENTIALS_FULL_URI of EKS Pod Identity: they ask the ECS endpoint, not the EKS Pod Identity Agent',
      tokenVariable:
        'container "{{container}}" sets AWS_CONTAINER_AUTHORIZATION_TOKEN, which aws-sdk-js-v3 sends instead of the token in the AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE of EKS Pod Identity, so the agent refuses its requests',
    },
  },
  check(w: Workload, ctx) {
    for (const sdk of sdkEnvironments(ctx.index, w, ctx.facts)) {
      const c = sdk.container;
      const pi = sdk.podIdentity;
      const full = sdk.env(CONTAINER_CREDENTIALS_FULL_URI);
      const relative = sdk.env(CONTAINER_CREDENTIALS_RELATIVE_URI);
      const tokenFile = sdk.env(CONTAINER_AUTHORIZATION_TOKEN_FILE);
      const token = sdk.env(CONTAINER_AUTHORIZATION_TOKEN);
      const related = pi ? pi.associations.map(associationRelated) : [];
      const webhook = pi ? ', and the pod identity webhook adds neither variable when one is set' : '';
      const data = { container: c.name.value, webhook };
      if (pi && pi.injectsEnv) {
        // The webhook adds FULL_URI and TOKEN_FILE: what the container adds beside them.
        if (relative.state === 'set') ctx.report({ at: relative.at, messageId: 'relativeUri', data, related });
        if (token.state === 'set') ctx.report({ at: token.at, messageId: 'tokenVariable', data, related });
        continue;
      }
      if (full.state === 'set' && isAgentUri(full) && isUnset(tokenFile) && isUnset(token)) {
        ctx.report({ at: full.at, messageId: 'missingToken', data, related });
      }
      if (tokenFile.state === 'set' && isUnset(full) && isUnset(relative)) {
        const podIdentityPath = tokenFile.value && !isUnknown(tokenFile.value) && tokenFile.value.value.trim() === POD_IDENTITY_TOKEN_FILE;
        if (pi || podIdentityPath) ctx.report({ at: tokenFile.at, messageId: 'missingUri', data, related });
      }
    }
  },
});
