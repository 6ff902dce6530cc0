/**
 * What the AWS SDK in a container sees: its environment (`env` and `envFrom`, merged as the
 * kubelet merges them, with where each value comes from), the shared config and credentials files
 * it reads (Secret and ConfigMap keys of the repository mounted at the paths the SDK looks at), the
 * profiles it selects, its web identity settings, its static keys, its container credentials, and
 * the credential chain: every credential source of the container and which one botocore and
 * aws-sdk-js-v3 use (`CHAIN_ORDER`, `chain`). The access map and the rules read this one chain.
 *
 * One view per (workload, container), built on first use and memoised per index (the index and
 * the resources are read-only once loaded). Everything that cannot be resolved statically comes
 * back as `maybe` / `unknown` / undefined, and readers stay silent on it.
 *
 * Sources: botocore `credentials.py`, `configprovider.py`, `configloader.py`, `session.py`;
 * aws-sdk-js-v3 `credential-provider-*`; smithy `shared-ini-file-loader`; the pod identity webhook
 * `pkg/handler/handler.go` (see the `sdk/*` rules for the behaviour each one relies on). EKS Pod
 * Identity: the webhook's `buildPodPatchConfig` (an association for the pod's namespace and
 * ServiceAccount takes precedence over the role-arn annotation) and `addEnvToContainer` (it adds
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` unless the
 * container's `env` sets either); EKS user guide `pod-id-how-it-works`.
 */
import type { PodIdentityAssociation } from './eks.js';
import {
  CONTAINER_AUTHORIZATION_TOKEN,
  CONTAINER_AUTHORIZATION_TOKEN_FILE,
  CONTAINER_CREDENTIALS_FULL_URI,
  CONTAINER_CREDENTIALS_RELATIVE_URI,
} from './eks.js';
import type { Index, MemoTable } from './index.js';
import type { Annotation, AwsProfile, Container, DataEntry, EnvFrom, EnvVar, IniSetting, SecretLike, Volume, VolumeMount, Workload } from './k8s.js';
import { containersOf, lastEnv, normPath } from './container.js';
import { isUnknown, located, type Located, type Span } from './span.js';

/** The pod identity webhook's default `--annotation-prefix`. */
export const DEFAULT_ANNOTATION_PREFIX = 'eks.amazonaws.com';

export interface SdkEnvironmentOptions {
  /** The webhook's `--annotation-prefix` (default `eks.amazonaws.com`); `Facts` can be passed as is. */
  readonly annotationPrefix?: string;
}

// ---------------------------------------------------------------------------------------------
// The view

/** What the AWS SDK in one container sees. */
export interface SdkEnvironment {
  readonly workload: Workload;
  readonly container: Container;
  /**
   * Is `name` set in the container's environment, and from where? `env` wins over `envFrom`;
   * among `envFrom` sources the last one wins. A mandatory `secretKeyRef` to a Secret outside the
   * repository is set (the pod does not start without it) but its value is unknown.
   */
  env(name: string): Presence;
  /**
   * The effective environment: every name the container's `env` or an `envFrom` source of the
   * repository defines, with `env(name)` for each, sorted by name. `complete` is false when an
   * `envFrom` source is templated or not in the repository: then other names may be set too.
   */
  readonly variables: EffectiveEnvironment;
  /**
   * The role-arn annotation of the pod's ServiceAccount when the webhook mutates this container
   * (the ServiceAccount is in the repository with a static, non-empty annotation; it has no EKS
   * Pod Identity association, which takes precedence; the pod is not labelled to be skipped; the
   * container is not in `skip-containers`). The webhook injects `AWS_ROLE_ARN` and
   * `AWS_WEB_IDENTITY_TOKEN_FILE` only into containers that set neither.
   */
  readonly webhookRole: Annotation | undefined;
  /**
   * EKS Pod Identity for this container: the pod's ServiceAccount has an association in the
   * repository, the pod is not labelled to be skipped and the container is not in
   * `skip-containers`. Undefined otherwise (also when that is not known).
   */
  readonly podIdentity: PodIdentityInjection | undefined;
  /**
   * The container credential provider's configuration: what the webhook injects for Pod
   * Identity, or the endpoint the container sets itself (`AWS_CONTAINER_CREDENTIALS_FULL_URI`,
   * `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`). Undefined when neither.
   */
  readonly containerCredentials: ContainerCredentials | undefined;
  /**
   * The container's credential sources and their places in the default credential chains of
   * botocore and aws-sdk-js-v3 (`CHAIN_ORDER`): which source each SDK uses, which ones it never
   * reaches, and what is not known.
   */
  readonly chain: CredentialChain;
  /** The profiles the SDKs may select: `AWS_PROFILE` and `AWS_DEFAULT_PROFILE` when set, else `default`; undefined when not static. */
  readonly profiles: readonly SelectedProfile[] | undefined;
  /** The shared files, when the selected profiles are static and at least one file is known. */
  readonly sharedFiles: SharedFiles | undefined;
  /** How the container gets web identity credentials, if it does (the first of: own variables, webhook, profile). */
  readonly webIdentity: WebIdentity | undefined;
  /** Static access keys in the environment and in the selected profiles. */
  readonly staticKeys: StaticKeys;
}

/** What the pod identity webhook does to a container for EKS Pod Identity. */
export interface PodIdentityInjection {
  /** The associations of the pod's namespace and ServiceAccount (one per cluster the repository names). */
  readonly associations: readonly PodIdentityAssociation[];
  /**
   * The webhook adds `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`:
   * the container's `env` sets neither (if it sets either, the webhook adds neither).
   */
  readonly injectsEnv: boolean;
}

/** The container credential provider's settings in a container. */
export interface ContainerCredentials {
  /** `podIdentity`: the webhook injects the variables for an association; `env`: the container sets an endpoint itself. */
  readonly source: 'podIdentity' | 'env';
  readonly podIdentity?: PodIdentityInjection;
  /** The container's own settings (what the webhook adds is not among them). */
  readonly fullUri: Presence;
  readonly relativeUri: Presence;
  readonly tokenFile: Presence;
  readonly token: Presence;
}

/** Is a variable set: `set` (to a non-empty value, with where it comes from), `unset`, or `maybe` (not known statically)? */
export type Presence =
  | {
      readonly state: 'set';
      readonly via: 'value';
      /** The env name. */
      readonly at: Located<string>;
      readonly env: EnvVar;
      /** The literal value (static). */
      readonly value: Located<string>;
    }
  | {
      readonly state: 'set';
      readonly via: 'secretKeyRef' | 'configMapKeyRef' | 'envFrom';
      /** The env name, or the envFrom source name. */
      readonly at: Located<string>;
      readonly sourceKind: 'Secret' | 'ConfigMap';
      readonly sourceName: string;
      /** The data key in the repository's Secret/ConfigMap, when it is there. */
      readonly key?: Located<string>;
      readonly env?: EnvVar;
      /** The data value, when the repository's Secret/ConfigMap has it and it is static. */
      readonly value?: Located<string>;
    }
  | { readonly state: 'unset' }
  | { readonly state: 'maybe' };

export interface EffectiveEnvironment {
  readonly entries: ReadonlyMap<string, Presence>;
  readonly complete: boolean;
}

export interface SelectedProfile {
  readonly name: string;
  /** The env value that names it; undefined for the implicit `default`. */
  readonly at?: Located<string>;
  readonly variable?: 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE';
}

/** A section of a known shared file. */
export interface SharedFileSection {
  /** The header as written between the brackets, trimmed. */
  readonly header: string;
  /** The profile it defines (see `AwsProfile.name`, `AwsProfile.isProfile`). */
  readonly name: string;
  readonly isProfile: boolean;
  /**
   * The section with positions and settings, when the entry is recognised as AWS INI text (the
   * same objects as the Secret's `awsProfiles`, so every rule sees the same settings).
   */
  readonly profile?: AwsProfile;
}

export interface KnownSharedFile {
  readonly state: 'known';
  readonly source: SecretLike;
  readonly key: string;
  readonly entry: DataEntry;
  readonly sections: readonly SharedFileSection[];
}

/** A shared file: a key of a Secret/ConfigMap of the repository, certainly absent, or unknown (image, other volume, not static). */
export type SharedFile = { readonly state: 'unknown' } | { readonly state: 'absent' } | KnownSharedFile;

export interface SharedFiles {
  readonly config: SharedFile;
  readonly credentials: SharedFile;
  /** Resolved absolute paths; '' when not static. */
  readonly configPath: string;
  readonly credentialsPath: string;
  /** Where the workload decides each file: the env value, else the mount path that provides it. */
  readonly configAt?: Located<string>;
  readonly credentialsAt?: Located<string>;
  readonly profiles: readonly SelectedProfile[];
}

export interface WebIdentity {
  /**
   * `env`: the container sets `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE`; `webhook`: its
   * ServiceAccount's role-arn annotation makes the webhook inject them; `profile`: the profile it
   * selects has `role_arn` and `web_identity_token_file` (a ccoctl / CCO credentials Secret).
   */
  readonly source: 'env' | 'webhook' | 'profile';
  /** Where to point: the token file variable, the annotation key, or the profile's `role_arn` key. */
  readonly at: Located<string>;
  /** A label for `at` as a related location. */
  readonly label: string;
  /** The role, when static: the `AWS_ROLE_ARN` value, the annotation value, the profile's `role_arn`. */
  readonly roleArn?: Located<string>;
  /** The token file, when static (the webhook's is its `--token-mount-path`, not known here). */
  readonly tokenFile?: Located<string>;
  /** The profile, for `profile`. */
  readonly profile?: string;
}

export interface StaticKeys {
  readonly accessKeyId: Presence;
  readonly secretAccessKey: Presence;
  /** The Java SDK's alternative name for the secret key. */
  readonly secretKey: Presence;
  /** Selected profiles whose effective `aws_access_key_id` is static and non-empty, in selection order. */
  readonly profiles: readonly ProfileStaticKey[];
}

export interface ProfileStaticKey {
  readonly profile: SelectedProfile;
  readonly setting: IniSetting;
  /** The file the setting comes from (the credentials file wins per key). */
  readonly file: KnownSharedFile;
  /** Where the workload picks that file. */
  readonly fileAt?: Located<string>;
}

/** Per index and container: the view for the one annotation prefix asked for, or views by prefix. */
const views = new WeakMap<Index, WeakMap<Container, ContainerView | Map<string, ContainerView>>>();

/** The SDK's view of container `c` of workload `w` (memoised for this index). */
export function sdkEnvironment(index: Index, w: Workload, c: Container, options: SdkEnvironmentOptions = {}): SdkEnvironment {
  const prefix = options.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX;
  let byContainer = views.get(index);
  if (!byContainer) views.set(index, (byContainer = new WeakMap()));
  // Nearly every run asks for one prefix: a map of views only when a second one comes.
  const held = byContainer.get(c);
  const byPrefix = held instanceof Map ? held : undefined;
  const single = held instanceof Map ? undefined : held;
  const found = byPrefix ? byPrefix.get(prefix) : single?.prefix === prefix ? single : undefined;
  if (found && found.workload === w) return found;
  const view = new ContainerView(index, w, c, prefix);
  if (byPrefix) byPrefix.set(prefix, view);
  else if (single && single.prefix !== prefix) byContainer.set(c, new Map([[single.prefix, single], [prefix, view]]));
  else byContainer.set(c, view);
  return view;
}

/** The views of every init container and container of a workload, in that order. */
export function sdkEnvironments(index: Index, w: Workload, options: SdkEnvironmentOptions = {}): SdkEnvironment[] {
  return containersOf(w).map((c) => sdkEnvironment(index, w, c, options));
}

const MAYBE: Presence = { state: 'maybe' };
const UNSET: Presence = { state: 'unset' };
const UNKNOWN_FILE: SharedFile = { state: 'unknown' };
const ABSENT_FILE: SharedFile = { state: 'absent' };
/** The values a `ContainerView` computes on first use, by their place in its `slots`. */
const enum Slot {
  EnvFrom,
  Variables,
  WebhookRole,
  PodIdentity,
  ContainerCredentials,
  Chain,
  Profiles,
  SharedFiles,
  WebIdentity,
  StaticKeys,
  Count,
}
const PENDING: unknown = Symbol('pending');

class ContainerView implements SdkEnvironment, MemoTable<Slot> {
  /** `env()` of the names that the container sets (created on first use: most names are not set). */
  private presence: Map<string, unknown> | undefined;
  /** The values computed once (a list, not a map: a map of ten entries holds about 900 bytes). */
  private readonly slots: unknown[] = new Array<unknown>(Slot.Count).fill(PENDING);

  constructor(
    readonly index: Index,
    readonly workload: Workload,
    readonly container: Container,
    readonly prefix: string,
  ) {}

  /**
   * Computed on first use. Each use reports the index keys the computation read (`Index.replay`),
   * so that whichever check uses the view depends on what it was computed from.
   */
  private once<T>(slot: Slot, f: () => T): T {
    return this.index.cached(this, slot, f);
  }

  // MemoTable (for Index.cached): the slots.
  get(slot: Slot): unknown {
    const v = this.slots[slot];
    return v === PENDING ? undefined : v;
  }

  has(slot: Slot): boolean {
    return this.slots[slot] !== PENDING;
  }

  set(slot: Slot, value: unknown): void {
    this.slots[slot] = value;
  }

  env(name: string): Presence {
    const c = this.container;
    // Not in `env` nor in a known `envFrom` source: `envPresence` would read every source and
    // answer with a constant, and the sources' lookups are reported by `envFromSources`.
    const from = this.envFromSources;
    if (!lastEnv(c, name) && !anyProvides(from.sources, name)) return from.unknown ? MAYBE : UNSET;
    return this.index.cached((this.presence ??= new Map()), name, () => envPresence(c, this.workload, this.index, name, from.sources));
  }

  /** The container's `envFrom` sources, each with the Secret or ConfigMap it names when that is known. */
  private get envFromSources(): { readonly sources: readonly EnvFromSource[]; readonly unknown: boolean } {
    return this.once(Slot.EnvFrom, () => {
      const { container: c, workload: w } = this;
      let unknown = false;
      const sources = c.envFrom.map((from): EnvFromSource => {
        const src = !from.name || isUnknown(from.name) || w.namespaceUnknown ? undefined : lookup(w, this.index, from.source === 'secretRef' ? 'Secret' : 'ConfigMap', from.name.value);
        if (!src) unknown = true;
        return src ? { from, prefix: from.prefix ?? '', src } : { from, prefix: from.prefix ?? '' };
      });
      return { sources, unknown };
    });
  }

  get variables(): EffectiveEnvironment {
    return this.once(Slot.Variables, () => {
      const names = new Set(this.container.env.map((e) => e.name.value));
      const from = this.envFromSources;
      for (const x of from.sources) if (x.src) for (const d of x.src.entries.values()) if (!d.key.unknown) names.add(`${x.prefix}${d.key.value}`);
      const complete = !from.unknown;
      const entries = new Map<string, Presence>();
      for (const n of [...names].sort()) entries.set(n, this.env(n));
      return { entries, complete };
    });
  }

  get webhookRole(): Annotation | undefined {
    return this.once(Slot.WebhookRole, () => webhookRole(this.container, this.workload, this.index, this.prefix));
  }

  get podIdentity(): PodIdentityInjection | undefined {
    return this.once(Slot.PodIdentity, () => podIdentityInjection(this.container, this.workload, this.index, this.prefix));
  }

  get containerCredentials(): ContainerCredentials | undefined {
    return this.once(Slot.ContainerCredentials, () => containerCredentials(this));
  }

  get chain(): CredentialChain {
    return this.once(Slot.Chain, () => credentialChain(this));
  }

  get profiles(): readonly SelectedProfile[] | undefined {
    return this.once(Slot.Profiles, () => selectedProfiles(this));
  }

  get sharedFiles(): SharedFiles | undefined {
    return this.once(Slot.SharedFiles, () => sharedFiles(this));
  }

  get webIdentity(): WebIdentity | undefined {
    return this.once(Slot.WebIdentity, () => webIdentity(this));
  }

  get staticKeys(): StaticKeys {
    return this.once(Slot.StaticKeys, () => {
      const f = this.sharedFiles;
      const profiles: ProfileStaticKey[] = [];
      for (const p of f?.profiles ?? []) {
        const k = profileStaticKey(f!, p);
        if (k) profiles.push(k);
      }
      return { accessKeyId: this.env('AWS_ACCESS_KEY_ID'), secretAccessKey: this.env('AWS_SECRET_ACCESS_KEY'), secretKey: this.env('AWS_SECRET_KEY'), profiles };
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Environment

function lookup(w: Workload, index: Index, kind: 'Secret' | 'ConfigMap', name: string): SecretLike | undefined {
  return kind === 'Secret' ? index.secret(w.namespace, name) : index.configMap(w.namespace, name);
}

/** A data value is "set" for an SDK when it is non-empty (botocore and aws-sdk-js-v3 treat '' as unset). */
function dataState(d: DataEntry): 'set' | 'unset' {
  if (d.unknown || d.text === undefined) return 'set';
  return d.text === '' ? 'unset' : 'set';
}

/** The static text of a data entry as a located string (positions through the entry's map). */
function dataValue(d: DataEntry): Located<string> | undefined {
  if (d.unknown || d.text === undefined) return undefined;
  return located(d.text, d.valueSpan, false, d.positions);
}

/** An `envFrom` entry of a container, with the Secret or ConfigMap it names when that is known. */
interface EnvFromSource {
  readonly from: EnvFrom;
  readonly prefix: string;
  readonly src?: SecretLike;
}

/** The entry of a known `envFrom` source that sets `name` (its key static). */
function providedEntry(x: EnvFromSource, name: string): DataEntry | undefined {
  if (!x.src || !name.startsWith(x.prefix)) return undefined;
  const d = x.src.entries.get(name.slice(x.prefix.length));
  return d && !d.key.unknown ? d : undefined;
}

function anyProvides(sources: readonly EnvFromSource[], name: string): boolean {
  for (const x of sources) if (providedEntry(x, name)) return true;
  return false;
}

/** Where `name` comes from in container `c`: its `env` (last entry wins), else the last `envFrom` source that sets it. */
function envPresence(c: Container, w: Workload, index: Index, name: string, sources: readonly EnvFromSource[]): Presence {
  const e = lastEnv(c, name);
  if (e) {
    const ref = e.valueFrom;
    if (ref) {
      if (ref.source !== 'secretKeyRef' && ref.source !== 'configMapKeyRef') return MAYBE;
      if (!ref.name || !ref.key || isUnknown(ref.name) || isUnknown(ref.key) || w.namespaceUnknown) return MAYBE;
      const sourceKind = ref.source === 'secretKeyRef' ? 'Secret' : 'ConfigMap';
      const src = lookup(w, index, sourceKind, ref.name.value);
      if (!src) return ref.optional ? MAYBE : { state: 'set', via: ref.source, at: e.name, sourceKind, sourceName: ref.name.value, env: e };
      const d = src.entries.get(ref.key.value);
      if (!d) return ref.optional ? UNSET : MAYBE; // a missing mandatory key keeps the pod from starting: not ours
      if (dataState(d) === 'unset') return UNSET;
      return withValue({ state: 'set', via: ref.source, at: e.name, sourceKind, sourceName: ref.name.value, key: d.key, env: e }, d);
    }
    if (!e.value || e.value.value === '') return UNSET;
    if (isUnknown(e.value)) return MAYBE;
    return { state: 'set', via: 'value', at: e.name, env: e, value: e.value };
  }
  let unknownAfter = false;
  for (let i = sources.length - 1; i >= 0; i--) {
    const x = sources[i];
    if (!x.src) {
      unknownAfter = true;
      continue;
    }
    const d = providedEntry(x, name);
    if (!d) continue;
    if (unknownAfter) return MAYBE;
    if (dataState(d) === 'unset') return UNSET;
    const at = x.from.name!; // a known source was named
    return withValue({ state: 'set', via: 'envFrom', at, sourceKind: x.from.source === 'secretRef' ? 'Secret' : 'ConfigMap', sourceName: at.value, key: d.key }, d);
  }
  return unknownAfter ? MAYBE : UNSET;
}

function withValue<P extends Presence & { via: 'secretKeyRef' | 'configMapKeyRef' | 'envFrom' }>(p: P, d: DataEntry): P {
  const value = dataValue(d);
  return value ? { ...p, value } : p;
}

// ---------------------------------------------------------------------------------------------
// Web identity

/** The pod is not sent to the webhook, or this container is skipped (or that is not known): undefined; else the pod's associations. */
function mutatedFor(c: Container, w: Workload, prefix: string): boolean {
  const spec = w.podSpec;
  // The upstream MutatingWebhookConfiguration skips pods with this label (objectSelector).
  if (spec.podLabels.has(`${prefix}/skip-pod-identity-webhook`)) return false;
  const skip = spec.podAnnotations.get(`${prefix}/skip-containers`);
  return !(skip && (isUnknown(skip.value) || isUnknown(c.name) || skip.value.value.split(',').includes(c.name.value)));
}

function podIdentityInjection(c: Container, w: Workload, index: Index, prefix: string): PodIdentityInjection | undefined {
  const spec = w.podSpec;
  if (w.namespaceUnknown || spec.serviceAccountUnknown) return undefined;
  const associations = index.associationsFor(w.namespace, spec.effectiveServiceAccount);
  if (associations.length === 0 || !mutatedFor(c, w, prefix)) return undefined;
  const injectsEnv = !c.env.some((e) => e.name.value === CONTAINER_CREDENTIALS_FULL_URI || e.name.value === CONTAINER_AUTHORIZATION_TOKEN_FILE);
  return { associations, injectsEnv };
}

function containerCredentials(v: ContainerView): ContainerCredentials | undefined {
  const pi = v.podIdentity;
  const own = {
    fullUri: v.env(CONTAINER_CREDENTIALS_FULL_URI),
    relativeUri: v.env(CONTAINER_CREDENTIALS_RELATIVE_URI),
    tokenFile: v.env(CONTAINER_AUTHORIZATION_TOKEN_FILE),
    token: v.env(CONTAINER_AUTHORIZATION_TOKEN),
  };
  if (pi) return { source: 'podIdentity', podIdentity: pi, ...own };
  if (own.fullUri.state === 'set' || own.relativeUri.state === 'set') return { source: 'env', ...own };
  return undefined;
}

function webhookRole(c: Container, w: Workload, index: Index, prefix: string): Annotation | undefined {
  const spec = w.podSpec;
  if (w.namespaceUnknown || spec.serviceAccountUnknown) return undefined;
  const sa = index.serviceAccount(w.namespace, spec.effectiveServiceAccount);
  if (!sa) return undefined;
  // Container credentials (EKS Pod Identity) take precedence over the annotation (handler.go buildPodPatchConfig).
  if (index.associationsFor(w.namespace, spec.effectiveServiceAccount).length > 0) return undefined;
  const a = sa.annotations.get(`${prefix}/role-arn`);
  if (!a || isUnknown(a.value) || a.value.value.trim() === '') return undefined;
  return mutatedFor(c, w, prefix) ? a : undefined;
}

function webIdentity(v: ContainerView): WebIdentity | undefined {
  const c = v.container;
  const token = lastEnv(c, 'AWS_WEB_IDENTITY_TOKEN_FILE');
  const role = lastEnv(c, 'AWS_ROLE_ARN');
  const nonEmpty = (e: typeof token) => !!e && (!!e.valueFrom || (!!e.value && e.value.value !== ''));
  if (nonEmpty(token) && nonEmpty(role)) {
    const r = v.env('AWS_ROLE_ARN');
    const t = v.env('AWS_WEB_IDENTITY_TOKEN_FILE');
    return {
      source: 'env',
      at: token!.name,
      label: 'AWS_WEB_IDENTITY_TOKEN_FILE',
      ...(r.state === 'set' && r.value ? { roleArn: r.value } : {}),
      ...(t.state === 'set' && t.value ? { tokenFile: t.value } : {}),
    };
  }
  // The webhook injects both variables only when the container sets neither (handler.go addEnvToContainer).
  const hook = !token && !role ? v.webhookRole : undefined;
  if (hook) return { source: 'webhook', at: hook.key, label: 'ServiceAccount role-arn annotation', roleArn: hook.value };
  const f = v.sharedFiles;
  if (!f) return undefined;
  for (const p of f.profiles) {
    const s = profileSettings(f, p.name);
    const roleArn = s.get('role_arn');
    const tokenFile = s.get('web_identity_token_file');
    if (roleArn && tokenFile && roleArn.value.value !== '' && tokenFile.value.value !== '') {
      return { source: 'profile', at: roleArn.key, label: 'web identity profile', roleArn: roleArn.value, tokenFile: tokenFile.value, profile: p.name };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The default credential chains

/** The SDKs whose default credential chain is modelled: botocore (boto3, the AWS CLI) and aws-sdk-js-v3. */
export const SDKS = ['botocore', 'jsv3'] as const;
export type Sdk = (typeof SDKS)[number];

/**
 * A credential source of a container, as a step of the default chains:
 * - `envKeys`: `AWS_ACCESS_KEY_ID` in the environment;
 * - `profileAssumeRole`: a selected profile with `role_arn` and `source_profile` or
 *   `credential_source` (and no `web_identity_token_file`);
 * - `envWebIdentity`: `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` in the environment, set by
 *   the container or injected by the pod identity webhook;
 * - `profileWebIdentity`: a selected profile with `role_arn` and `web_identity_token_file`;
 * - `profileKeys`: a selected profile whose `aws_access_key_id` is static and not empty;
 * - `containerCredentials`: the container credential provider (EKS Pod Identity, or an endpoint
 *   the container sets itself).
 */
export type CredentialSourceKind = 'envKeys' | 'profileAssumeRole' | 'envWebIdentity' | 'profileWebIdentity' | 'profileKeys' | 'containerCredentials';

/**
 * The order in which each SDK tries the sources. The instance metadata service (the node's role),
 * which a repository cannot show, comes after all of them in both.
 *
 * botocore, boto3 and the AWS CLI (v2 vendors the same code): `botocore/credentials.py`
 * `create_credential_resolver` chains `EnvProvider`, `AssumeRoleProvider` (which skips a profile
 * that has `web_identity_token_file`, `_has_assume_role_config_vars`), the providers of
 * `ProfileProviderBuilder.providers` (`AssumeRoleWithWebIdentityProvider`, which reads each setting
 * from the environment before the profile; `SSOProvider`; `SharedCredentialProvider`;
 * `ProcessProvider`; `ConfigProvider`), then `OriginalEC2Provider`, `BotoProvider`,
 * `ContainerProvider` and `InstanceMetadataProvider`. `EnvProvider` takes any non-empty
 * `AWS_ACCESS_KEY_ID` (without the secret key it raises `PartialCredentialsError`: the chain stops
 * there too), whether `AWS_PROFILE` is set or not.
 *
 * aws-sdk-js-v3: `packages/credential-provider-node/src/defaultProvider.ts` chains `fromEnv`
 * (skipped when `AWS_PROFILE` is set: "AWS_PROFILE is set, skipping fromEnv provider"; it needs
 * `AWS_SECRET_ACCESS_KEY` too, `credential-provider-env` `fromEnv.ts`), `fromSSO`, `fromIni` (one
 * profile; `credential-provider-ini` `resolveProfileData.ts`: assume-role, then static keys, then
 * web identity), `fromProcess`, `fromTokenFile` (the environment's web identity) and
 * `remoteProvider` (container credentials when `AWS_CONTAINER_CREDENTIALS_FULL_URI` or
 * `_RELATIVE_URI` is set, else IMDS).
 */
export const CHAIN_ORDER: Readonly<Record<Sdk, readonly CredentialSourceKind[]>> = {
  botocore: ['envKeys', 'profileAssumeRole', 'envWebIdentity', 'profileWebIdentity', 'profileKeys', 'containerCredentials'],
  jsv3: ['envKeys', 'profileAssumeRole', 'profileKeys', 'profileWebIdentity', 'envWebIdentity', 'containerCredentials'],
};

interface SourceBase {
  /** `set`: the container has it; `maybe`: it may or may not (a value from outside the repository, one of several profiles the SDKs may select). */
  readonly state: 'set' | 'maybe';
  /** Where it is decided in the container or its pod (for a related location). */
  readonly at: Span | Located<unknown>;
  /** A label for `at`. */
  readonly label: string;
  /** What it is, as the source an SDK uses instead of another: `static keys (AWS_ACCESS_KEY_ID)`, `web identity (profile deploy)`. */
  readonly describe: string;
}

export interface EnvKeysSource extends SourceBase {
  readonly kind: 'envKeys';
  readonly accessKeyId: Presence;
  readonly secretAccessKey: Presence;
}

export interface EnvWebIdentitySource extends SourceBase {
  readonly kind: 'envWebIdentity';
  readonly webIdentity: WebIdentity & { readonly source: 'env' | 'webhook' };
}

interface ProfileSourceBase extends SourceBase {
  readonly profile: SelectedProfile;
  /** The settings that make the source. */
  readonly settings: readonly IniSetting[];
  /** The known file its first setting comes from, and where the workload picks that file. */
  readonly file?: KnownSharedFile;
  readonly fileAt?: Located<string>;
}

export interface ProfileAssumeRoleSource extends ProfileSourceBase {
  readonly kind: 'profileAssumeRole';
  readonly roleArn: IniSetting;
  /** `source_profile` or `credential_source`. */
  readonly from: IniSetting;
}

export interface ProfileWebIdentitySource extends ProfileSourceBase {
  readonly kind: 'profileWebIdentity';
  readonly roleArn: IniSetting;
  readonly tokenFile: IniSetting;
}

export interface ProfileKeysSource extends ProfileSourceBase {
  readonly kind: 'profileKeys';
  readonly key: ProfileStaticKey;
}

export interface ContainerCredentialsSource extends SourceBase {
  readonly kind: 'containerCredentials';
  readonly credentials: ContainerCredentials;
}

/** A way the container gets AWS credentials. */
export type CredentialSource = EnvKeysSource | ProfileAssumeRoleSource | EnvWebIdentitySource | ProfileWebIdentitySource | ProfileKeysSource | ContainerCredentialsSource;

/**
 * A source in one SDK's chain: `used` (the first source the SDK reaches that is there: it takes
 * its credentials, or fails on them), `shadowed` by an earlier source that it uses, `skipped` (the
 * SDK passes over it), or `unknown` (it, or a source before it, may or may not be there).
 */
export interface ChainStep {
  readonly state: 'used' | 'shadowed' | 'skipped' | 'unknown';
  /** What the SDK uses instead, for `shadowed`. */
  readonly by?: CredentialSource;
  /** Why, for `skipped` and `unknown`. */
  readonly reason?: string;
}

export type ChainPosition = Readonly<Record<Sdk, ChainStep>>;

export interface CredentialChain {
  /** Every source of the container, in botocore's order. */
  readonly sources: readonly CredentialSource[];
  /** The sources of one kind. */
  of<K extends CredentialSourceKind>(kind: K): Extract<CredentialSource, { kind: K }>[];
  /** Where a source of `sources` stands in each SDK's chain. */
  position(source: CredentialSource): ChainPosition;
  /** The source an SDK uses; undefined when it has none of them, or when that is not known. */
  used(sdk: Sdk): CredentialSource | undefined;
  /** Does `sdk` (each SDK, when not given) try `a` before `b`? The order only: see `mayUse` for whether it gets to `a`. */
  before(a: CredentialSource, b: CredentialSource, sdk?: Sdk): boolean;
  /** Does `sdk` use `source`, or may it (neither shadowed by an earlier source nor skipped)? */
  mayUse(sdk: Sdk, source: CredentialSource): boolean;
}

/** The known file a profile setting comes from, and where the workload picks that file. */
function fileOf(f: SharedFiles, s: IniSetting): { file?: KnownSharedFile; fileAt?: Located<string> } {
  for (const [file, at] of [
    [f.credentials, f.credentialsAt],
    [f.config, f.configAt],
  ] as const) {
    if (file.state === 'known' && file.sections.some((x) => [...(x.profile?.settings.values() ?? [])].includes(s))) return { file, ...(at ? { fileAt: at } : {}) };
  }
  return {};
}

const nonEmpty = (s: IniSetting | undefined): s is IniSetting => !!s && s.value.value !== '';

function chainSources(v: ContainerView): CredentialSource[] {
  const out: CredentialSource[] = [];
  const keys = v.staticKeys;
  const id = keys.accessKeyId;
  if (id.state === 'set') {
    out.push({ kind: 'envKeys', state: 'set', at: id.at, label: 'AWS_ACCESS_KEY_ID', describe: 'static keys (AWS_ACCESS_KEY_ID)', accessKeyId: id, secretAccessKey: keys.secretAccessKey });
  } else if (id.state === 'maybe') {
    out.push({ kind: 'envKeys', state: 'maybe', at: v.container.name, label: 'AWS_ACCESS_KEY_ID', describe: 'AWS_ACCESS_KEY_ID (not static)', accessKeyId: id, secretAccessKey: keys.secretAccessKey });
  }
  const wi = v.webIdentity;
  if (wi && (wi.source === 'env' || wi.source === 'webhook')) {
    const webIdentity = wi as WebIdentity & { source: 'env' | 'webhook' };
    out.push({ kind: 'envWebIdentity', state: 'set', at: wi.at, label: wi.label, describe: wi.source === 'env' ? 'web identity (AWS_ROLE_ARN)' : 'web identity (webhook)', webIdentity });
  }
  const files = v.sharedFiles;
  if (files) {
    // botocore (boto3) reads AWS_DEFAULT_PROFILE before AWS_PROFILE, the AWS CLI v2 the other way
    // round, aws-sdk-js-v3 only AWS_PROFILE: with two names, or AWS_DEFAULT_PROFILE, which profile
    // an SDK reads is not known.
    const ambiguous = files.profiles.length > 1 || files.profiles.some((p) => p.variable === 'AWS_DEFAULT_PROFILE');
    const state = ambiguous ? 'maybe' : 'set';
    for (const profile of files.profiles) {
      const settings = profileSettings(files, profile.name);
      const roleArn = settings.get('role_arn');
      const tokenFile = settings.get('web_identity_token_file');
      if (nonEmpty(roleArn) && nonEmpty(tokenFile)) {
        out.push({ kind: 'profileWebIdentity', state, at: roleArn.key, label: 'web identity profile', describe: `web identity (profile ${profile.name})`, profile, settings: [roleArn, tokenFile], ...fileOf(files, roleArn), roleArn, tokenFile });
      } else if (nonEmpty(roleArn)) {
        const from = settings.get('source_profile') ?? settings.get('credential_source');
        if (from) out.push({ kind: 'profileAssumeRole', state, at: roleArn.key, label: 'profile role_arn', describe: `assume-role (profile ${profile.name})`, profile, settings: [roleArn, from], ...fileOf(files, roleArn), roleArn, from });
      }
      const key = profileStaticKey(files, profile);
      if (key) {
        out.push({
          kind: 'profileKeys',
          state,
          at: key.setting.key,
          label: `aws_access_key_id of profile "${profile.name}"`,
          describe: `static keys (profile ${profile.name})`,
          profile,
          settings: [key.setting],
          file: key.file,
          ...(key.fileAt ? { fileAt: key.fileAt } : {}),
          key,
        });
      }
    }
  }
  const cc = v.containerCredentials;
  if (cc) {
    const variable = cc.fullUri.state === 'set' ? cc.fullUri : cc.relativeUri.state === 'set' ? cc.relativeUri : undefined;
    if (cc.source === 'podIdentity') {
      out.push({ kind: 'containerCredentials', state: 'set', at: cc.podIdentity!.associations[0].anchor, label: 'EKS Pod Identity association', describe: 'container credentials (EKS Pod Identity)', credentials: cc });
    } else {
      const name = cc.fullUri.state === 'set' ? CONTAINER_CREDENTIALS_FULL_URI : CONTAINER_CREDENTIALS_RELATIVE_URI;
      out.push({ kind: 'containerCredentials', state: 'set', at: variable?.state === 'set' ? variable.at : v.container.name, label: 'container credentials endpoint', describe: `container credentials (${name})`, credentials: cc });
    }
  }
  const rank = (s: CredentialSource) => CHAIN_ORDER.botocore.indexOf(s.kind);
  return out.map((s, i) => ({ s, i })).sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i).map((x) => x.s);
}

/** Why an SDK that reaches a source passes over it (`skipped`) or may (`unknown`); undefined when it takes it. */
function passOver(s: CredentialSource, sdk: Sdk, v: ContainerView): { state: 'skipped' | 'unknown'; reason: string } | undefined {
  if (sdk !== 'jsv3' || s.kind !== 'envKeys') return undefined;
  const profile = v.env('AWS_PROFILE').state;
  if (profile === 'set') return { state: 'skipped', reason: 'AWS_PROFILE is set' };
  if (profile === 'maybe') return { state: 'unknown', reason: 'AWS_PROFILE is not static' };
  if (s.secretAccessKey.state === 'unset') return { state: 'skipped', reason: 'AWS_SECRET_ACCESS_KEY is not set' };
  if (s.secretAccessKey.state === 'maybe') return { state: 'unknown', reason: 'AWS_SECRET_ACCESS_KEY is not static' };
  return undefined;
}

const USED: ChainStep = { state: 'used' };

/** Each source's step in `sdk`'s chain, by its position in `sources`. */
function walk(sources: readonly CredentialSource[], sdk: Sdk, v: ContainerView): ChainStep[] {
  const rank = (s: CredentialSource) => CHAIN_ORDER[sdk].indexOf(s.kind);
  const order = sources.map((s, i) => ({ s, i })).sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i);
  const steps: ChainStep[] = new Array<ChainStep>(sources.length);
  let winner: CredentialSource | undefined;
  let uncertain: string | undefined;
  for (const { s, i } of order) {
    const pass = passOver(s, sdk, v);
    let step: ChainStep;
    if (pass?.state === 'skipped') step = { state: 'skipped', reason: pass.reason };
    else if (winner) step = { state: 'shadowed', by: winner };
    else if (uncertain) step = { state: 'unknown', reason: uncertain };
    else if (pass) {
      step = { state: 'unknown', reason: pass.reason };
      uncertain = `${pass.reason}: ${s.describe} may come first`;
    } else if (s.state === 'set') {
      step = USED;
      winner = s;
    } else {
      step = { state: 'unknown', reason: s.kind === 'envKeys' ? 'AWS_ACCESS_KEY_ID is not static' : 'more than one profile may be selected (AWS_PROFILE, AWS_DEFAULT_PROFILE)' };
      uncertain = `${s.describe} comes first`;
    }
    steps[i] = step;
  }
  return steps;
}

function credentialChain(v: ContainerView): CredentialChain {
  const sources = chainSources(v);
  return new Chain(sources, walk(sources, 'botocore', v), walk(sources, 'jsv3', v));
}

/** A container's chain: its sources and each SDK's steps by position in `sources` (no closures or maps kept per container). */
class Chain implements CredentialChain {
  constructor(
    readonly sources: readonly CredentialSource[],
    private readonly botocore: readonly ChainStep[],
    private readonly jsv3: readonly ChainStep[],
  ) {}

  private steps(sdk: Sdk): readonly ChainStep[] {
    return sdk === 'botocore' ? this.botocore : this.jsv3;
  }

  of<K extends CredentialSourceKind>(kind: K): Extract<CredentialSource, { kind: K }>[] {
    return this.sources.filter((s): s is Extract<CredentialSource, { kind: K }> => s.kind === kind);
  }

  position(s: CredentialSource): ChainPosition {
    const i = this.sources.indexOf(s);
    return { botocore: this.botocore[i], jsv3: this.jsv3[i] };
  }

  used(sdk: Sdk): CredentialSource | undefined {
    const steps = this.steps(sdk);
    return this.sources.find((_, i) => steps[i].state === 'used');
  }

  before(a: CredentialSource, b: CredentialSource, sdk?: Sdk): boolean {
    return sdk ? this.beforeIn(a, b, sdk) : SDKS.every((x) => this.beforeIn(a, b, x));
  }

  private beforeIn(a: CredentialSource, b: CredentialSource, sdk: Sdk): boolean {
    const ra = CHAIN_ORDER[sdk].indexOf(a.kind);
    const rb = CHAIN_ORDER[sdk].indexOf(b.kind);
    return ra < rb || (ra === rb && Math.max(0, this.sources.indexOf(a)) < Math.max(0, this.sources.indexOf(b)));
  }

  mayUse(sdk: Sdk, s: CredentialSource): boolean {
    const state = this.steps(sdk)[this.sources.indexOf(s)]?.state;
    return state === 'used' || state === 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// Shared config and credentials files

/** The container's home directory: literal `HOME`, `/root` for `runAsUser: 0`, else the parent of a mounted `.aws`. */
function homeOf(c: Container, w: Workload): string | undefined {
  const home = lastEnv(c, 'HOME');
  if (home) {
    if (!home.value || home.valueFrom || isUnknown(home.value) || !home.value.value.startsWith('/')) return undefined;
    return normPath(home.value.value);
  }
  const user = c.securityContext.runAsUser ?? w.podSpec.securityContext.runAsUser;
  if (user && !user.unknown && user.value === 0) return '/root';
  const homes = new Set<string>();
  for (const m of c.volumeMounts) {
    const match = /^(.*)\/\.aws(\/(config|credentials))?$/.exec(normPath(m.mountPath.value));
    if (match && match[1].startsWith('/')) homes.add(match[1]);
  }
  return homes.size === 1 ? [...homes][0] : undefined;
}

/** The Secret/ConfigMap key a volume exposes at `rel` (a path inside the volume). */
function fileInVolume(v: Volume, rel: string, w: Workload, index: Index): SharedFile {
  const sources: { kind: 'Secret' | 'ConfigMap'; name?: Located<string>; items: readonly { key: string; path: string }[] }[] = [];
  if (v.type === 'secret') sources.push({ kind: 'Secret', name: v.secretName, items: v.items });
  else if (v.type === 'configMap') sources.push({ kind: 'ConfigMap', name: v.configMapName, items: v.items });
  else if (v.type === 'projected') {
    for (const s of v.sources) {
      if (s.type === 'secret' || s.type === 'configMap') sources.push({ kind: s.type === 'secret' ? 'Secret' : 'ConfigMap', name: s.name, items: s.items });
      else if (s.type === 'serviceAccountToken' || s.type === 'downwardAPI' || s.type === 'other') return UNKNOWN_FILE;
    }
  } else return UNKNOWN_FILE;
  let result: SharedFile = ABSENT_FILE;
  for (const s of sources) {
    if (!s.name || isUnknown(s.name) || w.namespaceUnknown) return UNKNOWN_FILE;
    const src = lookup(w, index, s.kind, s.name.value);
    if (!src) return UNKNOWN_FILE;
    let key: string | undefined;
    if (s.items.length > 0) key = s.items.find((i) => normPath(i.path) === rel)?.key;
    else if (!rel.includes('/')) key = rel;
    if (key === undefined) continue;
    const d = src.entries.get(key);
    if (!d) continue;
    if (d.unknown || d.key.unknown || d.text === undefined) return UNKNOWN_FILE;
    const recognised = src.awsProfiles.has(key);
    const sections = d.iniSections().map((p): SharedFileSection => ({ header: p.header, name: p.name, isProfile: p.isProfile, ...(recognised ? { profile: p } : {}) }));
    result = { state: 'known', source: src, key, entry: d, sections };
  }
  return result;
}

/** What the container has at an absolute path: a mounted Secret/ConfigMap key, known absent, or unknown. */
function fileAt(path: string, c: Container, w: Workload, index: Index): { file: SharedFile; mountAt?: Located<string> } {
  let best: { mp: string; m: VolumeMount } | undefined;
  for (const m of c.volumeMounts) {
    if (isUnknown(m.mountPath) || isUnknown(m.name) || isUnknown(m.subPath)) return { file: UNKNOWN_FILE };
    const mp = normPath(m.mountPath.value);
    if ((path === mp || path.startsWith(mp === '/' ? '/' : `${mp}/`)) && (!best || mp.length > best.mp.length)) best = { mp, m };
  }
  if (!best) return { file: UNKNOWN_FILE };
  const v = w.podSpec.volumes.find((x) => x.name.value === best!.m.name.value);
  if (!v) return { file: UNKNOWN_FILE };
  const sub = best.m.subPath ? normPath(best.m.subPath.value).replace(/^\/+/, '') : '';
  const below = path === best.mp ? '' : path.slice(best.mp === '/' ? 1 : best.mp.length + 1);
  if (sub === '' && below === '') return { file: UNKNOWN_FILE }; // a directory, not a file
  const rel = [sub, below].filter((s) => s !== '').join('/');
  return { file: fileInVolume(v, rel, w, index), mountAt: best.m.mountPath };
}

/** Resolve `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` or their defaults under the home directory. */
function filePath(v: ContainerView, variable: string, fallback: string, home: string | undefined): { path?: string; at?: Located<string> } {
  const e = lastEnv(v.container, variable);
  if (!e) {
    if (v.env(variable).state !== 'unset') return {};
    return home ? { path: normPath(`${home}/.aws/${fallback}`) } : {};
  }
  if (e.valueFrom || !e.value || isUnknown(e.value)) return {};
  const p = e.value.value;
  if (p.startsWith('/')) return { path: normPath(p), at: e.value };
  if ((p === '~' || p.startsWith('~/')) && home) return { path: normPath(`${home}/${p.slice(1)}`), at: e.value };
  return {};
}

function selectedProfiles(v: ContainerView): SelectedProfile[] | undefined {
  const out: SelectedProfile[] = [];
  for (const variable of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const) {
    const e = lastEnv(v.container, variable);
    if (!e) {
      if (v.env(variable).state !== 'unset') return undefined;
      continue;
    }
    if (e.valueFrom || isUnknown(e.value)) return undefined;
    if (!e.value || e.value.value === '') continue;
    if (!out.some((p) => p.name === e.value!.value)) out.push({ name: e.value.value, at: e.value, variable });
  }
  return out.length > 0 ? out : [{ name: 'default' }];
}

/**
 * Paths are `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and
 * `~/.aws/credentials`.
 */
function sharedFiles(v: ContainerView): SharedFiles | undefined {
  const profiles = v.profiles;
  if (!profiles) return undefined;
  const { container: c, workload: w } = v;
  const home = homeOf(c, w);
  const cfg = filePath(v, 'AWS_CONFIG_FILE', 'config', home);
  const cred = filePath(v, 'AWS_SHARED_CREDENTIALS_FILE', 'credentials', home);
  const config = cfg.path ? fileAt(cfg.path, c, w, v.index) : { file: UNKNOWN_FILE };
  const credentials = cred.path ? fileAt(cred.path, c, w, v.index) : { file: UNKNOWN_FILE };
  if (config.file.state !== 'known' && credentials.file.state !== 'known') return undefined;
  // Both variables naming the same file: botocore and aws-sdk-js-v3 read it twice, once in each role.
  return {
    config: config.file,
    credentials: credentials.file,
    configPath: cfg.path ?? '',
    credentialsPath: cred.path ?? '',
    configAt: cfg.at ?? config.mountAt,
    credentialsAt: cred.at ?? credentials.mountAt,
    profiles,
  };
}

/**
 * Sections of a file that define profile `name`. The config file takes `[default]` and
 * `[profile name]` (a bare `[name]` is not a profile there: botocore `build_profile_map`, smithy
 * `getConfigData`); the credentials file takes the section name as written.
 */
export function profileSections(file: SharedFile, which: 'config' | 'credentials', name: string): SharedFileSection[] {
  if (file.state !== 'known') return [];
  return file.sections.filter((s) => {
    if (which === 'credentials') return s.header === name;
    if (s.header === 'default') return name === 'default';
    return /^profile[ \t]/.test(s.header) && s.isProfile && s.name === name;
  });
}

/** Bare `[name]` sections of the config file (written credentials-file style). */
export function bareConfigSections(file: SharedFile, name: string): SharedFileSection[] {
  if (file.state !== 'known') return [];
  return file.sections.filter((s) => s.header === name && name !== 'default');
}

/** The merged settings of a profile: config file first, the credentials file wins per key (keys lower-cased, as botocore does). */
export function profileSettings(f: SharedFiles, name: string): Map<string, IniSetting> {
  const out = new Map<string, IniSetting>();
  const add = (sections: SharedFileSection[]) => {
    for (const s of sections) for (const [k, v] of s.profile?.settings ?? []) out.set(k.toLowerCase(), v);
  };
  add(profileSections(f.config, 'config', name));
  add(profileSections(f.credentials, 'credentials', name));
  return out;
}

/** Every profile name the files define, sorted (for messages). */
export function definedProfiles(f: SharedFiles): string[] {
  const names = new Set<string>();
  if (f.config.state === 'known') {
    for (const s of f.config.sections) {
      if (s.header === 'default') names.add('default');
      else if (/^profile[ \t]/.test(s.header) && s.isProfile) names.add(s.name);
    }
  }
  if (f.credentials.state === 'known') for (const s of f.credentials.sections) names.add(s.header);
  return [...names].sort();
}

/**
 * The static access key of a selected profile: its effective `aws_access_key_id` (the credentials
 * file wins per key: botocore `Session.full_config`, smithy `mergeConfigFiles`), undefined when
 * there is none or it is empty or not static.
 */
export function profileStaticKey(f: SharedFiles, profile: SelectedProfile): ProfileStaticKey | undefined {
  for (const [file, which, fileAt] of [
    [f.credentials, 'credentials', f.credentialsAt],
    [f.config, 'config', f.configAt],
  ] as const) {
    for (const s of profileSections(file, which, profile.name).reverse()) {
      for (const [k, v] of s.profile?.settings ?? []) {
        if (k.toLowerCase() !== 'aws_access_key_id') continue;
        if (v.value.unknown || v.value.value.trim() === '') return undefined;
        return { profile, setting: v, file: file as KnownSharedFile, ...(fileAt ? { fileAt } : {}) };
      }
    }
  }
  return undefined;
}
