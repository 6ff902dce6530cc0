/**
 * What it checks: a container whose ServiceAccount annotation makes the webhook inject
 * `AWS_ROLE_ARN` while the profile it selects in a mounted shared file is a web identity profile
 * for another role.
 * Why it matters: botocore and Go take the webhook's role, aws-sdk-js-v3 the profile's.
 * How to fix: keep one source of truth.
 */
import { defineRule } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import { lastEnv } from '../../src/model/container.js';
import { profileSections, profileSettings, sdkEnvironments } from '../../src/model/sdk-environment.js';
import { isUnknown } from '../../src/model/span.js';

export default defineRule({
  meta: {
    id: 'sdk/profile-role-mismatch',
    type: 'problem',
    severity: 'warning',
    tags: ['sdk', 'irsa', 'profiles'],
    docs: {
      description: 'Do not select a web identity profile for another role than the ServiceAccount\'s role-arn annotation',
      whatItChecks:
        'Containers and init containers that the pod identity webhook gives a role (their ServiceAccount carries the `eks.amazonaws.com/role-arn` annotation, they are not in `skip-containers`, and they set neither `AWS_ROLE_ARN` nor `AWS_WEB_IDENTITY_TOKEN_FILE` themselves) and whose selected profile (`AWS_PROFILE`/`AWS_DEFAULT_PROFILE`, else `default`) in a shared config or credentials file mounted from the repository has `web_identity_token_file` and a `role_arn` different from the annotation. Profiles that assume a role through `source_profile` or `credential_source` (role chaining) are skipped, as are containers in which botocore or aws-sdk-js-v3 uses a source that comes earlier in its chain (`AWS_ACCESS_KEY_ID` in the environment, which aws-sdk-js-v3 skips when `AWS_PROFILE` is set; see sdk/static-keys-shadow-web-identity), templated values and files outside the repository (see `sdk/profile-resolution` for how files are found).',
      whyItMatters:
        'The webhook injects `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` into the environment. botocore resolves each web identity setting from the environment first (`AssumeRoleWithWebIdentityProvider`), and the Go v2 SDK takes the environment before the profile, so they assume the annotation\'s role; aws-sdk-js-v3 runs `fromIni` before `fromTokenFile` and assumes the profile\'s role. The same pod then acts as two different roles depending on the language of the process, and at least one of them is not the role the ServiceAccount was set up for (its trust policy may not admit the pod).',
      howToFix:
        'Make the profile\'s `role_arn` equal to the annotation, or drop the annotation (or list the container in `eks.amazonaws.com/skip-containers`) when the profile is the intended configuration.',
      references: [
        'boto/botocore botocore/credentials.py (AssumeRoleWithWebIdentityProvider: environment first, then profile)',
        'aws/aws-sdk-js-v3 packages/credential-provider-node/src/defaultProvider.ts (fromIni before fromTokenFile)',
        'aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go (addEnvToContainer)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      differentRole:
        'profile "{{profile}}" of container "{{container}}" assumes role "{{profileRole}}" with web identity, but its ServiceAccount annotation gives the role "{{annotationRole}}": aws-sdk-js-v3 uses the profile\'s role, botocore and the Go SDK the annotation\'s; expected the same role',
    },
  },
  check(w: Workload, ctx) {
    for (const sdk of sdkEnvironments(ctx.index, w, ctx.facts)) {
      const c = sdk.container;
      const hook = sdk.webhookRole;
      if (!hook) continue;
      if (lastEnv(c, 'AWS_ROLE_ARN') || lastEnv(c, 'AWS_WEB_IDENTITY_TOKEN_FILE')) continue;
      const f = sdk.sharedFiles;
      const injected = sdk.chain.of('envWebIdentity')[0];
      if (!f || !injected) continue;
      for (const p of f.profiles) {
        const s = profileSettings(f, p.name);
        const role = s.get('role_arn');
        const token = s.get('web_identity_token_file');
        if (!role || !token || isUnknown(role.value) || role.value.value === '' || token.value.value === '') continue;
        if (s.has('source_profile') || s.has('credential_source')) continue;
        if (role.value.value === hook.value.value.trim()) continue;
        // aws-sdk-js-v3 reads the profile before the environment, botocore the other way round: each
        // uses its own, unless a source earlier in its chain (environment keys) wins.
        const profile = sdk.chain.of('profileWebIdentity').find((x) => x.profile === p);
        if (!profile || !sdk.chain.before(profile, injected, 'jsv3') || !sdk.chain.before(injected, profile, 'botocore')) continue;
        if (!sdk.chain.mayUse('jsv3', profile) || !sdk.chain.mayUse('botocore', injected)) continue;
        const inCredentials = profileSections(f.credentials, 'credentials', p.name).some((x) => x.profile?.settings.get(role.key.value) === role);
        const at = p.at ?? (inCredentials ? f.credentialsAt : f.configAt);
        if (!at) continue;
        ctx.report({
          at,
          messageId: 'differentRole',
          data: { profile: p.name, container: c.name.value, profileRole: role.value.value, annotationRole: hook.value.value.trim() },
          related: [
            { at: role.value, label: 'profile role_arn' },
            { at: hook.value, label: 'ServiceAccount role-arn annotation' },
          ],
        });
      }
    }
  },
});
