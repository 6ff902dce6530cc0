/**
 * The credential sources of one container as the access map shows them. Which sources a container
 * has, and where each stands in the default credential chains of botocore and aws-sdk-js-v3, is
 * the SDK environment's (`chain` in src/model/sdk-environment.ts, the one model of the chain that
 * the rules read too); this turns each source into what a row needs — its path, its role, the
 * places its links point at — and adds the ccoctl Secrets a pod mounts where the SDK does not
 * read them (copied when the container starts), which no chain shows.
 */
import { isCcoctlAws, podSecretRefs, roleArnSettings } from '../model/ccoctl.js';
import type { PodIdentityAssociation } from '../model/eks.js';
import type { Role } from '../model/iam.js';
import type { Index } from '../model/index.js';
import type { Container, CredentialsRequest, IniSetting, SecretLike, Workload } from '../model/k8s.js';
import type { ChainPosition, ChainStep, ContainerCredentials, CredentialSource, CredentialSourceKind, KnownSharedFile, Presence, SdkEnvironment, SelectedProfile } from '../model/sdk-environment.js';
import { isUnknown, type Located } from '../model/span.js';
import type { AccessPath, Chain, ChainState } from './types.js';

/** A ccoctl / CCO credentials Secret a pod refers to, with the CredentialsRequests that name it. */
export interface CcoctlSecret {
  /** The pod's reference (volume `secretName`, `secretKeyRef.name`, `envFrom.secretRef.name`). */
  readonly ref: Located<string>;
  readonly secret?: SecretLike;
  readonly requests: readonly CredentialsRequest[];
}

/** One association's role (or target role): the roles of the repository it names, and how the row shows it. */
export interface AssociationRole {
  readonly association: PodIdentityAssociation;
  readonly roles: readonly Role[];
  /** The ARN as written, else the role's ARN, name or label; undefined when not known. */
  readonly name?: string;
}

/** EKS Pod Identity: the associations of the pod's ServiceAccount that give the row's role. */
export interface PodIdentitySource {
  readonly roles: readonly AssociationRole[];
  /** The target roles of the associations that have one (cross-account role chaining). */
  readonly targets: readonly AssociationRole[];
  readonly credentials: ContainerCredentials;
}

export interface AccessSource {
  readonly path: AccessPath;
  /** The model's kind of source; `off-chain` for a ccoctl Secret the SDK's files do not show. */
  readonly kind: CredentialSourceKind | 'off-chain';
  /** `maybe`: the SDK may or may not have it (not static, several profiles may be selected). */
  readonly state: 'set' | 'maybe';
  /** Where the role is named (annotation value, env value, profile `role_arn`); absent for keys. */
  readonly roleAt?: Located<string>;
  readonly roleLabel?: string;
  /** The role as the row shows it: a static ARN or name. */
  readonly role?: string;
  readonly profile?: string;
  /** The profile's selection, the file it is in and its settings (profile-based sources). */
  readonly profileAt?: { readonly selected: SelectedProfile; readonly file?: KnownSharedFile; readonly fileAt?: Located<string>; readonly settings: readonly IniSetting[] };
  /** The token file the SDK is told to read (env value or `web_identity_token_file`). */
  readonly tokenFile?: Located<string>;
  readonly tokenLabel?: string;
  /** Static key: where it is set. */
  readonly keys?: { readonly at: Located<string>; readonly label: string; readonly more: readonly { readonly at: Located<string>; readonly label: string }[] };
  readonly ccoctl?: CcoctlSecret;
  readonly podIdentity?: PodIdentitySource;
  readonly chain: Chain;
}

/** A role as shown: its ARN, else its name, else what the loader calls it (a Terraform address, `trust policy in <file>`) and its file. */
export function roleDisplay(r: Role): string {
  if (r.arn && !isUnknown(r.arn)) return r.arn.value;
  if (r.name && !isUnknown(r.name)) return r.name.value;
  const label = r.label.replace(/^role /, '');
  return label.includes(r.file) ? label : `${label} in ${r.file}`;
}

function roleOf(at: Located<string> | undefined): string | undefined {
  if (!at || isUnknown(at) || at.value.trim() === '') return undefined;
  return at.value.trim();
}

/** The map's chain of a source: `skipped` shows as `shadowed` by what makes the SDK pass over it. */
function mapChain(p: ChainPosition): Chain {
  const state = (s: ChainStep): ChainState => (s.state === 'skipped' ? 'shadowed' : s.state);
  const by = (s: ChainStep) => (s.state === 'shadowed' ? s.by?.describe : s.state === 'skipped' ? s.reason : undefined);
  const b = by(p.botocore);
  const j = by(p.jsv3);
  const shadowedBy = { ...(b ? { botocore: b } : {}), ...(j ? { jsv3: j } : {}) };
  const reason = (p.botocore.state === 'unknown' ? p.botocore.reason : undefined) ?? (p.jsv3.state === 'unknown' ? p.jsv3.reason : undefined);
  return { botocore: state(p.botocore), jsv3: state(p.jsv3), ...(Object.keys(shadowedBy).length ? { shadowedBy } : {}), ...(reason ? { reason } : {}) };
}

/** The role an association names (its `roleArn`, or with `target` its `targetRoleArn`). */
function associationRole(index: Index, a: PodIdentityAssociation, which: 'role' | 'target' = 'role'): AssociationRole {
  const arn = which === 'role' ? a.roleArn : a.targetRoleArn;
  const roles = index.associationRoles(a, which);
  const name = roleOf(arn) ?? (roles.length > 0 ? roleDisplay(roles[0]) : undefined);
  return { association: a, roles, ...(name !== undefined ? { name } : {}) };
}

function hasTargetRole(a: PodIdentityAssociation): boolean {
  return a.targetRoleArn !== undefined || a.targetRoleRef !== undefined;
}

/**
 * The `pod-identity` sources of a container-credentials source: with EKS Pod Identity, one per
 * role the pods get (the target role when an association has one), with the associations that
 * give it (a ServiceAccount has one association per cluster); for an endpoint the container sets
 * itself, one without association or role.
 */
function podIdentitySources(index: Index, credentials: ContainerCredentials, chain: Chain): AccessSource[] {
  const base = { path: 'pod-identity', kind: 'containerCredentials', state: 'set', chain } as const;
  if (credentials.source !== 'podIdentity') return [{ ...base, podIdentity: { roles: [], targets: [], credentials } }];
  const groups = new Map<string, { role?: string; roles: AssociationRole[]; targets: AssociationRole[] }>();
  for (const a of credentials.podIdentity!.associations) {
    const role = associationRole(index, a);
    const target = hasTargetRole(a) ? associationRole(index, a, 'target') : undefined;
    const shown = target ? target.name : role.name;
    const key = shown ?? '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ...(shown !== undefined ? { role: shown } : {}), roles: [], targets: [] }));
    g.roles.push(role);
    if (target) g.targets.push(target);
  }
  return [...groups.values()].map((g) => ({ ...base, ...(g.role !== undefined ? { role: g.role } : {}), podIdentity: { roles: g.roles, targets: g.targets, credentials } }));
}

/** Every credential source of the container, in the order of botocore's chain (then ccoctl Secrets the SDK does not read). */
export function containerSources(index: Index, env: SdkEnvironment): AccessSource[] {
  const out: AccessSource[] = [];
  const { workload: w, container: c } = env;
  const seenSecrets = new Set<SecretLike>();
  for (const s of env.chain.sources) {
    const chain = mapChain(env.chain.position(s));
    out.push(...sourceRows(index, env, s, chain, seenSecrets));
  }
  // ccoctl Secrets the pod refers to that the SDK's files do not show (copied at run time, mounted elsewhere).
  for (const cc of ccoctlSecrets(index, w, c)) {
    if (cc.secret && seenSecrets.has(cc.secret)) continue;
    const roles = cc.secret ? roleArnSettings(cc.secret) : [];
    const sts = cc.requests.map((r) => r.stsIAMRoleARN).find((r) => r !== undefined);
    const named: (Located<string> | undefined)[] = roles.length ? dedupeRoles(roles.map((r) => r.value)) : [sts];
    const reason = 'the AWS SDK files do not resolve to this Secret statically (it may be copied or pointed at when the container runs)';
    for (const at of named) {
      const role = roleOf(at);
      out.push({
        path: 'ccoctl-secret',
        kind: 'off-chain',
        state: 'set',
        ...(at ? { roleAt: at, roleLabel: roles.length ? 'Secret role_arn' : 'CredentialsRequest stsIAMRoleARN', ...(role !== undefined ? { role } : {}) } : {}),
        ccoctl: cc,
        chain: { botocore: 'unknown', jsv3: 'unknown', reason },
      });
    }
  }
  return out;
}

function sourceRows(index: Index, env: SdkEnvironment, s: CredentialSource, chain: Chain, seenSecrets: Set<SecretLike>): AccessSource[] {
  const { state } = s;
  switch (s.kind) {
    case 'envKeys': {
      const key = s.accessKeyId;
      if (key.state !== 'set') return [{ path: 'static-keys', kind: s.kind, state, chain }];
      return [{ path: 'static-keys', kind: s.kind, state, keys: { at: key.at, label: 'AWS_ACCESS_KEY_ID', more: presenceMore(key) }, chain }];
    }
    case 'envWebIdentity': {
      const wi = s.webIdentity;
      if (wi.source === 'webhook') {
        const a = env.webhookRole!;
        const role = roleOf(a.value);
        return [{ path: 'webhook', kind: s.kind, state, roleAt: a.value, roleLabel: 'role-arn annotation', ...(role !== undefined ? { role } : {}), chain }];
      }
      const roleAt = env.env('AWS_ROLE_ARN');
      const at = roleAt.state === 'set' ? (roleAt.value ?? roleAt.at) : wi.at;
      const role = roleAt.state === 'set' ? roleOf(roleAt.value) : undefined;
      return [{ path: 'projected-token-manual', kind: s.kind, state, roleAt: at, roleLabel: 'AWS_ROLE_ARN', ...(role !== undefined ? { role } : {}), tokenFile: wi.tokenFile ?? wi.at, tokenLabel: 'AWS_WEB_IDENTITY_TOKEN_FILE', chain }];
    }
    case 'profileWebIdentity': {
      const ccoctl = s.file ? ccoctlOf(index, env.workload, s.file.source) : undefined;
      if (ccoctl?.secret) seenSecrets.add(ccoctl.secret);
      const role = roleOf(s.roleArn.value);
      return [
        {
          path: ccoctl ? 'ccoctl-secret' : 'profile',
          kind: s.kind,
          state,
          roleAt: s.roleArn.value,
          roleLabel: 'profile role_arn',
          ...(role !== undefined ? { role } : {}),
          profile: s.profile.name,
          profileAt: { selected: s.profile, ...profileFile(s), settings: s.settings },
          tokenFile: s.tokenFile.value,
          tokenLabel: 'web_identity_token_file',
          ...(ccoctl ? { ccoctl } : {}),
          chain,
        },
      ];
    }
    case 'profileAssumeRole': {
      const role = roleOf(s.roleArn.value);
      return [{ path: 'profile', kind: s.kind, state, roleAt: s.roleArn.value, roleLabel: 'profile role_arn', ...(role !== undefined ? { role } : {}), profile: s.profile.name, profileAt: { selected: s.profile, ...profileFile(s), settings: s.settings }, chain }];
    }
    case 'profileKeys':
      return [
        {
          path: 'static-keys',
          kind: s.kind,
          state,
          profile: s.profile.name,
          profileAt: { selected: s.profile, ...profileFile(s), settings: s.settings },
          keys: { at: s.key.setting.key, label: 'aws_access_key_id', more: [] },
          chain,
        },
      ];
    case 'containerCredentials':
      return podIdentitySources(index, s.credentials, chain);
  }
}

function profileFile(s: { readonly file?: KnownSharedFile; readonly fileAt?: Located<string> }): { file?: KnownSharedFile; fileAt?: Located<string> } {
  return { ...(s.file ? { file: s.file } : {}), ...(s.fileAt ? { fileAt: s.fileAt } : {}) };
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
