/**
 * What it checks: the profile a container's SDK selects (`AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, else
 * `default`) in the shared config/credentials files mounted from the repository's Secrets and ConfigMaps.
 * Why it matters: a missing profile is fatal (ProfileNotFound); static keys in the selected profile
 * beat web identity in aws-sdk-js-v3.
 * How to fix: name an existing profile (`[profile x]` in the config file); drop static keys.
 */
import { defineRule, type Related } from '../../src/engine/types.js';
import type { Workload } from '../../src/model/k8s.js';
import {
  bareConfigSections,
  definedProfiles,
  profileSections,
  sdkEnvironments,
  type SdkEnvironment,
  type SharedFile,
  type SharedFiles,
} from '../../src/model/sdk-environment.js';
import type { Located } from '../../src/model/span.js';

type M = 'profileNotFound' | 'bareSection' | 'staticKeys';

function fileRelated(f: SharedFiles): Related[] {
  const out: Related[] = [];
  for (const [file, label] of [
    [f.config, 'shared config file'],
    [f.credentials, 'shared credentials file'],
  ] as const) {
    if (file.state === 'known' && !out.some((r) => r.at === file.entry.key)) out.push({ at: file.entry.key, label });
  }
  return out;
}

function quoteList(names: string[]): string {
  return names.length === 0 ? 'no profile at all' : `one of ${names.map((n) => `"${n}"`).join(', ')}`;
}

/** A label for a known file: `Secret "x" key "credentials"`. */
function describeFile(file: SharedFile): string {
  return file.state === 'known' ? `${file.source.kindName.value} "${file.source.name?.value ?? ''}" key "${file.key}"` : '';
}

function checkContainer(sdk: SdkEnvironment, report: (d: { at: Located<string>; messageId: M; data: Record<string, string>; related: Related[] }) => void): void {
  const f = sdk.sharedFiles;
  if (!f) return;
  const container = sdk.container.name.value;
  const complete = f.config.state !== 'unknown' && f.credentials.state !== 'unknown';
  for (const p of f.profiles) {
    const found = profileSections(f.config, 'config', p.name).length + profileSections(f.credentials, 'credentials', p.name).length > 0;
    if (!found) {
      if (!p.at || !p.variable || !complete) continue;
      const bare = bareConfigSections(f.config, p.name);
      if (bare.length > 0) {
        const related: Related[] = bare[0].profile ? [{ at: bare[0].profile.span, label: 'section header' }] : fileRelated(f);
        report({ at: p.at, messageId: 'bareSection', data: { variable: p.variable, profile: p.name, container, path: f.configPath }, related });
      } else {
        report({
          at: p.at,
          messageId: 'profileNotFound',
          data: { variable: p.variable, profile: p.name, container, expected: quoteList(definedProfiles(f)) },
          related: fileRelated(f),
        });
      }
      continue;
    }
    const source = sdk.chain.of('profileKeys').find((k) => k.profile === p);
    const wi = sdk.webIdentity;
    const web = sdk.chain.sources.find((s) => s.kind === 'envWebIdentity' || s.kind === 'profileWebIdentity');
    if (!source || !wi || !web) continue;
    // aws-sdk-js-v3 reads the profile's keys before web identity, unless it uses an earlier source
    // (environment keys when AWS_PROFILE is not set, an assume-role profile).
    if (!sdk.chain.before(source, web, 'jsv3') || !sdk.chain.mayUse('jsv3', source)) continue;
    const key = source.key;
    const at = p.at ?? key.fileAt;
    if (!at) continue;
    report({
      at,
      messageId: 'staticKeys',
      data: { profile: p.name, container, file: describeFile(key.file) },
      related: [
        { at: key.setting.key, label: 'aws_access_key_id' },
        { at: wi.at, label: wi.label },
      ],
    });
  }
}

export default defineRule({
  meta: {
    id: 'sdk/profile-resolution',
    type: 'problem',
    severity: 'error',
    tags: ['sdk', 'credentials', 'profiles', 'openshift'],
    docs: {
      description: 'Require the AWS profile a container selects to exist in its shared files, and to hold no static keys beside web identity',
      whatItChecks:
        'For every container and init container, the shared config file (`AWS_CONFIG_FILE`, else `~/.aws/config`) and shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`) are resolved to the key of a Secret or ConfigMap of the repository mounted there (volume `items`, `subPath` and `projected` sources included), or to "absent" when a mounted Secret/ConfigMap directory has no such key. The home directory is a literal `HOME`, `/root` for `runAsUser: 0`, or the parent of a mounted `.aws` directory or `.aws/config`/`.aws/credentials` file. The selected profiles are `AWS_PROFILE` and `AWS_DEFAULT_PROFILE` when set, else `default`. Reported: (1) a profile named by `AWS_PROFILE`/`AWS_DEFAULT_PROFILE` that neither file defines, when both files are resolved; a bare `[name]` section in the config file gets its own message, since the config file needs `[profile name]`; (2) a selected profile with a non-empty `aws_access_key_id` in a container that also has web identity credentials (ServiceAccount role-arn annotation, `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`, or `role_arn` + `web_identity_token_file` in the profile), unless aws-sdk-js-v3 uses a source that comes before the profile\'s keys in its chain: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` in the environment without `AWS_PROFILE` (those are sdk/static-keys-shadow-web-identity\'s and k8s/no-static-aws-keys\'), or a profile that assumes a role with `source_profile` or `credential_source`. Files baked into the image, templated values and Secrets outside the repository are unknown and never reported.',
      whyItMatters:
        'botocore and the AWS CLI raise `ProfileNotFound: The config profile (name) could not be found` for an explicitly selected profile that neither file defines (`session.py` `get_scoped_config`), and the Go v2 SDK fails with `SharedConfigProfileNotExistError`. In the config file only `[default]` and `[profile name]` define profiles (botocore `configloader.build_profile_map`, smithy `getConfigData.ts`); `[name]` is the credentials-file syntax. For static keys: aws-sdk-js-v3 runs `fromIni` before the environment-based `fromTokenFile`, and inside one profile prefers static keys over web identity (`resolveProfileData.ts`), so a JavaScript workload uses the keys of the profile instead of its role, while botocore, the AWS CLI and the Go and Java SDKs use the role: the same pod runs as different identities per language.',
      howToFix:
        'Set `AWS_PROFILE` to a profile the mounted files define, or add the profile (`[profile name]` in the config file, `[name]` in the credentials file). Remove `aws_access_key_id`/`aws_secret_access_key` from profiles that web identity workloads read, and deactivate the keys.',
      references: [
        'boto/botocore botocore/session.py (get_scoped_config, full_config merges the credentials file), botocore/configloader.py (build_profile_map), botocore/configprovider.py (AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)',
        'aws/aws-sdk-js-v3 packages/credential-provider-node/src/defaultProvider.ts (fromIni before fromTokenFile), packages/credential-provider-ini/src/resolveProfileData.ts',
        'smithy-lang/smithy-typescript shared-ini-file-loader getConfigData.ts, mergeConfigFiles.ts, getProfileName.ts',
        'openshift/cloud-credential-operator pkg/cmd/provisioning/aws/create-iam-roles.go (credentials Secret with [default] role_arn and web_identity_token_file)',
      ],
    },
    appliesTo: ['k8s:PodSpecOwner'],
    messages: {
      profileNotFound:
        '{{variable}} "{{profile}}" of container "{{container}}" names a profile that its shared config and credentials files do not define: expected {{expected}}',
      bareSection:
        '{{variable}} "{{profile}}" of container "{{container}}" is not a profile of the shared config file "{{path}}": expected the section header "[profile {{profile}}]" instead of "[{{profile}}]"',
      staticKeys:
        'profile "{{profile}}" that container "{{container}}" reads from {{file}} sets aws_access_key_id beside web identity credentials: aws-sdk-js-v3 uses these static keys instead of the role',
    },
  },
  check(w: Workload, ctx) {
    for (const sdk of sdkEnvironments(ctx.index, w, ctx.facts)) checkContainer(sdk, (d) => ctx.report(d));
  },
});
