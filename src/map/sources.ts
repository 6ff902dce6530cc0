/**
 * The credential sources of one container, read from what its AWS SDK sees
 * (src/model/sdk-environment.ts) and from the ccoctl Secrets its pod mounts, and their places in
 * the default credential chains of botocore and aws-sdk-js-v3.
 *
 * Chain orders (see docs/access-map.md):
 * - botocore, boto3 and the AWS CLI (`credentials.py` `create_credential_resolver`): environment
 *   keys, assume-role profile (`role_arn` + `source_profile`/`credential_source`), web identity
 *   from the environment, then from the profile, shared-file keys, …, container credentials
 *   (ECS / EKS Pod Identity), IMDS;
 * - aws-sdk-js-v3 (`credential-provider-node` `defaultProvider`): environment keys (skipped when
 *   `AWS_PROFILE` is set), the profile (`resolveProfileData`: assume-role, then static keys, then
 *   web identity), web identity from the environment (`fromTokenFile`), container credentials, IMDS.
 */
import { isCcoctlAws, podSecretRefs, roleArnSettings } from '../model/ccoctl.js';
import type { Index } from '../model/index.js';
import type { Container, CredentialsRequest, IniSetting, SecretLike, Workload } from '../model/k8s.js';
import { profileSettings, profileStaticKey, type KnownSharedFile, type Presence, type SdkEnvironment, type SelectedProfile } from '../model/sdk-environment.js';
import { isUnknown, type Located } from '../model/span.js';
import type { AccessPath, Chain, ChainState } from './types.js';

/** Where a source sits in the chains. `off-chain`: the SDK's files do not show it statically (a Secret copied at run time). */
export type SourceClass = 'env-keys' | 'profile-assume-role' | 'env-web-identity' | 'profile-web-identity' | 'profile-keys' | 'container' | 'off-chain';

const BOTOCORE_RANK: Readonly<Record<SourceClass, number>> = {
  'env-keys': 1,
  'profile-assume-role': 2,
  'env-web-identity': 3,
  'profile-web-identity': 4,
  'profile-keys': 5,
  container: 10,
  'off-chain': Number.POSITIVE_INFINITY,
};
const JSV3_RANK: Readonly<Record<SourceClass, number>> = {
  'env-keys': 1,
  'profile-assume-role': 2,
  'profile-keys': 3,
  'profile-web-identity': 4,
  'env-web-identity': 5,
  container: 6,
  'off-chain': Number.POSITIVE_INFINITY,
};

/** A ccoctl / CCO credentials Secret a pod refers to, with the CredentialsRequests that name it. */
export interface CcoctlSecret {
  /** The pod's reference (volume `secretName`, `secretKeyRef.name`, `envFrom.secretRef.name`). */
  readonly ref: Located<string>;
  readonly secret?: SecretLike;
  readonly requests: readonly CredentialsRequest[];
}

export interface CredentialSource {
  readonly path: AccessPath;
  readonly cls: SourceClass;
  /** `maybe`: the SDK may or may not use it (several profiles selected, not static). */
  readonly state: 'set' | 'maybe';
  /** Where the role is named (annotation value, env value, profile `role_arn`); absent for keys. */
  readonly roleAt?: Located<string>;
  readonly roleLabel?: string;
  /** The role ARN when static. */
  readonly role?: string;
  readonly profile?: string;
  /** The profile's section and the file it is in (profile-based sources). */
  readonly profileAt?: { readonly selected: SelectedProfile; readonly file?: KnownSharedFile; readonly fileAt?: Located<string>; readonly settings: readonly IniSetting[] };
  /** The token file the SDK is told to read (env value or `web_identity_token_file`). */
  readonly tokenFile?: Located<string>;
  readonly tokenLabel?: string;
  /** Static key: where it is set. */
  readonly keys?: { readonly at: Located<string>; readonly label: string; readonly more: readonly { readonly at: Located<string>; readonly label: string }[] };
  readonly ccoctl?: CcoctlSecret;
  /** Extension data of sources added by `SourceProvider`s (EKS Pod Identity). */
  readonly association?: { readonly locations: readonly { readonly at: Located<string> | { readonly span: Located<string>['span'] }; readonly label: string }[]; readonly reason?: string };
  /** What the chain shows for it when it wins (`shadowedBy` of the others). */
  readonly describe: string;
  /** Why the chain state is unknown (`off-chain`). */
  readonly chainReason?: string;
}

/**
 * More sources of a container, for paths the model learns later: EKS Pod Identity associations
 * (`pod-identity`, class `container`) come through here. Each provider sees the container's SDK
 * view and returns sources with `path: 'pod-identity'` and `association` locations.
 */
export type SourceProvider = (index: Index, env: SdkEnvironment) => readonly CredentialSource[];

/**
 * EKS Pod Identity: the model has no association resources yet, so this provider finds none.
 * When it does (an association for the pod's ServiceAccount, and the container-credentials view
 * of the SDK environment), it returns one `pod-identity` source of class `container` per
 * association, with the association's role and locations.
 */
export const podIdentitySources: SourceProvider = () => [];

export const DEFAULT_PROVIDERS: readonly SourceProvider[] = [podIdentitySources];

function roleOf(at: Located<string> | undefined): string | undefined {
  if (!at || isUnknown(at) || at.value.trim() === '') return undefined;
  return at.value.trim();
}

/** Every credential source of the container, in no particular order. */
export function containerSources(index: Index, env: SdkEnvironment, providers: readonly SourceProvider[] = DEFAULT_PROVIDERS): CredentialSource[] {
  const out: CredentialSource[] = [];
  const { workload: w, container: c } = env;

  // Static keys in the environment.
  const key = env.staticKeys.accessKeyId;
  if (key.state === 'set') {
    out.push({ path: 'static-keys', cls: 'env-keys', state: 'set', keys: { at: key.at, label: 'AWS_ACCESS_KEY_ID', more: presenceMore(key) }, describe: 'static keys (AWS_ACCESS_KEY_ID)' });
  } else if (key.state === 'maybe') {
    out.push({ path: 'static-keys', cls: 'env-keys', state: 'maybe', describe: 'AWS_ACCESS_KEY_ID (not static)' });
  }

  // Web identity from the environment: the container's own variables, or the webhook's.
  const wi = env.webIdentity;
  if (wi?.source === 'env') {
    const roleAt = env.env('AWS_ROLE_ARN');
    const at = roleAt.state === 'set' ? (roleAt.value ?? roleAt.at) : wi.at;
    out.push({
      path: 'projected-token-manual',
      cls: 'env-web-identity',
      state: 'set',
      roleAt: at,
      roleLabel: 'AWS_ROLE_ARN',
      role: roleAt.state === 'set' ? roleOf(roleAt.value) : undefined,
      tokenFile: wi.tokenFile ?? wi.at,
      tokenLabel: 'AWS_WEB_IDENTITY_TOKEN_FILE',
      describe: 'web identity (AWS_ROLE_ARN)',
    });
  } else if (wi?.source === 'webhook' && env.webhookRole) {
    const a = env.webhookRole;
    out.push({ path: 'webhook', cls: 'env-web-identity', state: 'set', roleAt: a.value, roleLabel: 'role-arn annotation', role: roleOf(a.value), describe: 'web identity (webhook)' });
  }

  // Profiles of the shared files.
  const files = env.sharedFiles;
  const profiles = files?.profiles ?? [];
  const ambiguous = profiles.length > 1 || profiles.some((p) => p.variable === 'AWS_DEFAULT_PROFILE');
  const seenSecrets = new Set<SecretLike>();
  for (const p of files ? profiles : []) {
    const settings = profileSettings(files!, p.name);
    const state = ambiguous ? 'maybe' : 'set';
    const roleArn = settings.get('role_arn');
    const token = settings.get('web_identity_token_file');
    const fileOf = (s: IniSetting | undefined): { file?: KnownSharedFile; fileAt?: Located<string> } => {
      for (const [f, at] of [
        [files!.credentials, files!.credentialsAt],
        [files!.config, files!.configAt],
      ] as const) {
        if (f.state === 'known' && s && f.sections.some((x) => [...(x.profile?.settings.values() ?? [])].includes(s))) return { file: f, ...(at ? { fileAt: at } : {}) };
      }
      return {};
    };
    if (roleArn && roleArn.value.value !== '' && token && token.value.value !== '') {
      const where = fileOf(roleArn);
      const ccoctl = where.file ? ccoctlOf(index, w, where.file.source) : undefined;
      if (ccoctl?.secret) seenSecrets.add(ccoctl.secret);
      out.push({
        path: ccoctl ? 'ccoctl-secret' : 'profile',
        cls: 'profile-web-identity',
        state,
        roleAt: roleArn.value,
        roleLabel: 'profile role_arn',
        role: roleOf(roleArn.value),
        profile: p.name,
        profileAt: { selected: p, ...where, settings: [roleArn, token] },
        tokenFile: token.value,
        tokenLabel: 'web_identity_token_file',
        ...(ccoctl ? { ccoctl } : {}),
        describe: `web identity (profile ${p.name})`,
      });
    } else if (roleArn && roleArn.value.value !== '') {
      const from = settings.get('source_profile') ?? settings.get('credential_source');
      if (from) {
        out.push({
          path: 'profile',
          cls: 'profile-assume-role',
          state,
          roleAt: roleArn.value,
          roleLabel: 'profile role_arn',
          role: roleOf(roleArn.value),
          profile: p.name,
          profileAt: { selected: p, ...fileOf(roleArn), settings: [roleArn, from] },
          describe: `assume-role (profile ${p.name})`,
        });
      }
    }
    const k = profileStaticKey(files!, p);
    if (k) {
      out.push({
        path: 'static-keys',
        cls: 'profile-keys',
        state,
        profile: p.name,
        profileAt: { selected: p, file: k.file, ...(k.fileAt ? { fileAt: k.fileAt } : {}), settings: [k.setting] },
        keys: { at: k.setting.key, label: 'aws_access_key_id', more: [] },
        describe: `static keys (profile ${p.name})`,
      });
    }
  }

  // ccoctl Secrets the pod refers to that the SDK's files do not show (copied at run time, mounted elsewhere).
  for (const cc of ccoctlSecrets(index, w, c)) {
    if (cc.secret && seenSecrets.has(cc.secret)) continue;
    const roles = cc.secret ? roleArnSettings(cc.secret) : [];
    const sts = cc.requests.map((r) => r.stsIAMRoleARN).find((r) => r !== undefined);
    const named: (Located<string> | undefined)[] = roles.length ? dedupeRoles(roles.map((r) => r.value)) : [sts];
    for (const at of named) {
      out.push({
        path: 'ccoctl-secret',
        cls: 'off-chain',
        state: 'set',
        ...(at ? { roleAt: at, roleLabel: roles.length ? 'Secret role_arn' : 'CredentialsRequest stsIAMRoleARN', role: roleOf(at) } : {}),
        ccoctl: cc,
        describe: `ccoctl Secret ${cc.ref.value}`,
        chainReason: 'the AWS SDK files do not resolve to this Secret statically (it may be copied or pointed at when the container runs)',
      });
    }
  }

  for (const provide of providers) out.push(...provide(index, env));
  return out;
}

function presenceMore(p: Presence): { at: Located<string>; label: string }[] {
  if (p.state !== 'set') return [];
  if (p.via === 'value') return [];
  return p.key ? [{ at: p.key, label: `${p.sourceKind} ${p.sourceName} key` }] : [];
}

function dedupeRoles(list: Located<string>[]): Located<string>[] {
  const seen = new Set<string>();
  return list.filter((l) => (seen.has(l.value) ? false : (seen.add(l.value), true)));
}

/** The ccoctl Secret a shared file comes from, when a CredentialsRequest names it. */
function ccoctlOf(index: Index, w: Workload, source: SecretLike): CcoctlSecret | undefined {
  if (source.kind !== 'k8s:Secret' || !source.name || isUnknown(source.name) || source.namespaceUnknown) return undefined;
  const requests = index.credentialsRequestsFor(source.namespace, source.name.value).filter(isCredentialsSecretRequest);
  if (requests.length === 0) return undefined;
  const ref = podSecretRefs(w.podSpec).find((r) => r.name.value === source.name!.value);
  return { ref: ref?.name ?? source.name, secret: source, requests };
}

/** AWS CredentialsRequests whose Secret holds STS credentials: ccoctl's, and CCO's with `stsIAMRoleARN`. */
function isCredentialsSecretRequest(cr: CredentialsRequest): boolean {
  return isCcoctlAws(cr) || (cr.isAws && !!cr.stsIAMRoleARN);
}

/**
 * Secrets of the pod, seen by this container, that an AWS CredentialsRequest of the repository
 * names. A templated namespace is matched as written (`${NAMESPACE}` with `${NAMESPACE}`); the
 * row's links then say the namespace is not static.
 */
export function ccoctlSecrets(index: Index, w: Workload, c: Container): CcoctlSecret[] {
  const out: CcoctlSecret[] = [];
  const seen = new Set<string>();
  for (const ref of podSecretRefs(w.podSpec)) {
    if (!ref.containers.includes(c) || seen.has(ref.name.value)) continue;
    const requests = index.credentialsRequestsFor(w.namespace, ref.name.value).filter(isCredentialsSecretRequest);
    if (requests.length === 0) continue;
    seen.add(ref.name.value);
    out.push({ ref: ref.name, secret: index.secret(w.namespace, ref.name.value), requests });
  }
  return out;
}

/**
 * Each source's state in both chains. A source after one that is `maybe` is `unknown`; one after
 * the winner is `shadowed` by it; aws-sdk-js-v3 skips environment keys when `AWS_PROFILE` is set.
 */
export function chainStates(sources: readonly CredentialSource[], env: SdkEnvironment): Chain[] {
  const profileVar = env.env('AWS_PROFILE').state;
  const walk = (rank: Readonly<Record<SourceClass, number>>, sdk: 'botocore' | 'jsv3') => {
    const order = sources.map((s, i) => ({ s, i })).sort((a, b) => rank[a.s.cls] - rank[b.s.cls] || a.i - b.i);
    const states: { state: ChainState; by?: string; reason?: string }[] = new Array(sources.length);
    let winner: CredentialSource | undefined;
    let uncertain: string | undefined;
    for (const { s, i } of order) {
      if (s.cls === 'off-chain') states[i] = { state: 'unknown', reason: s.chainReason };
      else if (sdk === 'jsv3' && s.cls === 'env-keys' && profileVar === 'set') states[i] = { state: 'shadowed', by: 'AWS_PROFILE is set' };
      else if (sdk === 'jsv3' && s.cls === 'env-keys' && profileVar === 'maybe') {
        states[i] = { state: 'unknown', reason: 'AWS_PROFILE is not static' };
        uncertain ??= 'AWS_PROFILE is not static';
      } else if (winner) states[i] = { state: 'shadowed', by: winner.describe };
      else if (uncertain) states[i] = { state: 'unknown', reason: `${uncertain} comes first` };
      else if (s.state === 'set') {
        states[i] = { state: 'used' };
        winner = s;
      } else {
        states[i] = { state: 'unknown', reason: s.cls === 'env-keys' ? 'AWS_ACCESS_KEY_ID is not static' : 'more than one profile may be selected (AWS_PROFILE, AWS_DEFAULT_PROFILE)' };
        uncertain ??= s.describe;
      }
    }
    return states;
  };
  const b = walk(BOTOCORE_RANK, 'botocore');
  const j = walk(JSV3_RANK, 'jsv3');
  return sources.map((_, i) => {
    const by = { ...(b[i].by ? { botocore: b[i].by } : {}), ...(j[i].by ? { jsv3: j[i].by } : {}) };
    const reason = b[i].reason ?? j[i].reason;
    return { botocore: b[i].state, jsv3: j[i].state, ...(Object.keys(by).length ? { shadowedBy: by } : {}), ...(reason ? { reason } : {}) };
  });
}
