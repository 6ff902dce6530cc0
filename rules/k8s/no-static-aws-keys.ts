import { defineRule, type Related, type RuleContext } from '../../src/engine/types.js';
import type { DataEntry, EnvVar, SecretLike, Workload } from '../../src/model/k8s.js';
import type { Located } from '../../src/model/span.js';
import { looksTemplated } from '../../src/model/span.js';
import { lastEnv } from '../../src/model/container.js';

type M = 'dataKey' | 'profileKey' | 'envValue';

/**
 * Names the SDKs read static keys from: the environment variables (botocore `EnvProvider`,
 * aws-sdk-js-v3 `fromEnv`) and the shared-file keys (botocore `SharedCredentialProvider`,
 * `ConfigProvider`). Data keys are compared case-insensitively, env names exactly.
 */
const ACCESS_KEY = 'aws_access_key_id';
const SECRET_KEY = 'aws_secret_access_key';
const ACCESS_ENV = 'AWS_ACCESS_KEY_ID';
const SECRET_ENV = 'AWS_SECRET_ACCESS_KEY';

function staticText(text: string | undefined): boolean {
  return text !== undefined && text.trim() !== '' && !looksTemplated(text);
}

/** Report the access key id (the secret key as related), or the secret key when it stands alone. */
function reportPair(
  access: readonly Located<string>[],
  secret: readonly Located<string>[],
  report: (at: Located<string>, what: string, related: Related[]) => void,
): void {
  if (access.length) for (const a of access) report(a, 'access key id', secret.map((s) => ({ at: s, label: 'secret access key' })));
  else for (const s of secret) report(s, 'secret access key', []);
}

function checkSecretLike(r: SecretLike, ctx: RuleContext<M>): void {
  const kind = r.kindName.value;
  const access: Located<string>[] = [];
  const secret: Located<string>[] = [];
  const keyOf = (d: DataEntry) => d.key.value.toLowerCase();
  for (const d of r.entries.values()) {
    if (d.unknown || d.key.unknown || !staticText(d.text)) continue;
    if (keyOf(d) === ACCESS_KEY) access.push(d.key);
    else if (keyOf(d) === SECRET_KEY) secret.push(d.key);
  }
  reportPair(access, secret, (at, what, related) => ctx.report({ at, messageId: 'dataKey', data: { kind, key: at.value, what }, related }));

  for (const [entry, profiles] of r.awsProfiles) {
    for (const p of profiles) {
      const pa: Located<string>[] = [];
      const ps: Located<string>[] = [];
      for (const s of p.settings.values()) {
        if (s.value.unknown || !staticText(s.value.value)) continue;
        const k = s.key.value.toLowerCase();
        if (k === ACCESS_KEY) pa.push(s.key);
        else if (k === SECRET_KEY) ps.push(s.key);
      }
      reportPair(pa, ps, (at, what, related) =>
        ctx.report({ at, messageId: 'profileKey', data: { kind, entry, profile: p.name, key: at.value, what }, related }),
      );
    }
  }
}

function literal(e: EnvVar | undefined): boolean {
  return !!e && !e.valueFrom && !!e.value && !e.value.unknown && staticText(e.value.value);
}

export default defineRule({
  meta: {
    id: 'k8s/no-static-aws-keys',
    type: 'problem',
    severity: 'error',
    securitySeverity: 7.5,
    tags: ['kubernetes', 'credentials', 'irsa'],
    docs: {
      description: 'Do not put static AWS access keys in Secrets, ConfigMaps or container env',
      whatItChecks:
        'Secrets and ConfigMaps with a `data`/`stringData` key named `aws_access_key_id` or `aws_secret_access_key` (any case, so also `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`), or whose AWS shared config/credentials text (for example a `credentials` key) sets them in a profile; and containers whose `env` gives `AWS_ACCESS_KEY_ID` or `AWS_SECRET_ACCESS_KEY` a literal non-empty `value`. The access key id is reported, with the secret key as related location; a secret key alone is reported by itself. Empty and templated values are skipped, and values are never shown.',
      whyItMatters:
        'Long-lived access keys in manifests are readable by anyone with the repository or with `get secrets` in the namespace, never rotate, and defeat IRSA and OpenShift STS: every SDK resolves environment keys before web identity (botocore `credentials.py` `create_credential_resolver`, EnvProvider first; aws-sdk-js-v3 `defaultProvider.ts`, `fromEnv` first), and aws-sdk-js-v3 also prefers a profile with static keys over the web identity variables (`fromIni` runs before `fromTokenFile`; `resolveProfileData.ts` prefers static keys inside a profile). The EKS guide warns that credentials earlier in the chain keep being used even after a role is configured.',
      howToFix:
        'Delete the keys (and deactivate them in IAM), annotate the ServiceAccount with `eks.amazonaws.com/role-arn` (pod identity webhook) or use a ccoctl/CCO credentials Secret with `role_arn` and `web_identity_token_file`, and let the SDK assume the role with the projected token.',
      references: [
        'boto/botocore botocore/credentials.py (create_credential_resolver, EnvProvider, SharedCredentialProvider)',
        'aws/aws-sdk-js-v3 packages/credential-provider-node/src/defaultProvider.ts, packages/credential-provider-ini/src/resolveProfileData.ts',
        'awsdocs/amazon-eks-user-guide iam-roles-for-service-accounts-minimum-sdk.md (credentials earlier in the chain keep being used)',
      ],
    },
    appliesTo: ['k8s:Secret', 'k8s:ConfigMap', 'k8s:PodSpecOwner'],
    messages: {
      dataKey: '{{kind}} key "{{key}}" holds a static AWS {{what}}, which shadows web identity credentials',
      profileKey: 'profile "{{profile}}" in {{kind}} key "{{entry}}" sets "{{key}}", a static AWS {{what}} that shadows web identity credentials',
      envValue: 'env "{{name}}" of container "{{container}}" is a literal static AWS {{what}}, which shadows web identity credentials',
    },
  },
  check(r: SecretLike | Workload, ctx) {
    if (r.kind === 'k8s:Secret' || r.kind === 'k8s:ConfigMap') {
      checkSecretLike(r, ctx);
      return;
    }
    const spec = (r as Workload).podSpec;
    for (const c of [...spec.initContainers, ...spec.containers]) {
      const a = lastEnv(c, ACCESS_ENV);
      const s = lastEnv(c, SECRET_ENV);
      reportPair(literal(a) ? [a!.name] : [], literal(s) ? [s!.name] : [], (at, what, related) =>
        ctx.report({ at, messageId: 'envValue', data: { name: at.value, container: c.name.value, what }, related }),
      );
    }
  },
});
