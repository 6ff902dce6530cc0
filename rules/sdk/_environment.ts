/**
 * What an AWS SDK inside a container sees: its environment variables (`env` and `envFrom`, as the
 * kubelet merges them), the shared config and credentials files it reads (mounted from Secrets and
 * ConfigMaps of the repository), the profile it selects, and whether it has web identity.
 * Shared by the `sdk/*` rules; not a rule itself. Everything that cannot be resolved statically
 * comes back as unknown, and the rules stay silent on it.
 */
import type { RuleContext } from '../../src/engine/types.js';
import { parseIni, profileName } from '../../src/load/ini.js';
import type { AwsProfile, Container, DataEntry, EnvVar, IniSetting, SecretLike, Volume, Workload } from '../../src/model/k8s.js';
import { get, isMap, isScalar, isSeq } from '../../src/model/pnode.js';
import type { Located } from '../../src/model/span.js';
import { lastEnv, normPath } from '../../src/model/container.js';
import { isUnknown } from '../../src/model/span.js';
export { isUnknown, lastEnv, normPath };

type Ctx = RuleContext<string>;

export function containersOf(w: Workload): Container[] {
  return [...w.podSpec.initContainers, ...w.podSpec.containers];
}

/** `optional: true` on an env var's `secretKeyRef`/`configMapKeyRef` (read from the raw node). */
function refOptional(c: Container, e: EnvVar): boolean {
  const list = get(c.node, 'env');
  if (!isSeq(list)) return false;
  for (const item of list.items) {
    if (item.span.line !== e.span.line || item.span.column !== e.span.column) continue;
    const vf = get(item, 'valueFrom');
    if (!isMap(vf) || vf.entries.length === 0) return false;
    const opt = get(vf.entries[0].value, 'optional');
    return isScalar(opt) && (opt.value === true || opt.value === 'true');
  }
  return false;
}

/** Where a variable's value comes from, when it is known to be set to a non-empty value. */
export type Presence =
  | { readonly state: 'set'; readonly via: 'value'; readonly at: Located<string>; readonly env: EnvVar }
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
    }
  | { readonly state: 'unset' }
  | { readonly state: 'maybe' };

const MAYBE: Presence = { state: 'maybe' };
const UNSET: Presence = { state: 'unset' };

function lookup(w: Workload, ctx: Ctx, kind: 'Secret' | 'ConfigMap', name: string): SecretLike | undefined {
  return kind === 'Secret' ? ctx.index.secret(w.namespace, name) : ctx.index.configMap(w.namespace, name);
}

/** A data value is "set" for an SDK when it is non-empty (botocore and aws-sdk-js-v3 treat '' as unset). */
function dataState(d: DataEntry): 'set' | 'unset' {
  if (d.unknown || d.text === undefined) return 'set';
  return d.text === '' ? 'unset' : 'set';
}

/**
 * Is `name` set in the container's environment? `env` wins over `envFrom`; among `envFrom`
 * sources the last one wins. A mandatory `secretKeyRef` to a Secret outside the repository is
 * set (the pod does not start without it) but its value is unknown.
 */
export function envPresence(c: Container, w: Workload, ctx: Ctx, name: string): Presence {
  const e = lastEnv(c, name);
  if (e) {
    const ref = e.valueFrom;
    if (ref) {
      if (ref.source !== 'secretKeyRef' && ref.source !== 'configMapKeyRef') return MAYBE;
      if (!ref.name || !ref.key || isUnknown(ref.name) || isUnknown(ref.key) || w.namespaceUnknown) return MAYBE;
      const sourceKind = ref.source === 'secretKeyRef' ? 'Secret' : 'ConfigMap';
      const optional = refOptional(c, e);
      const src = lookup(w, ctx, sourceKind, ref.name.value);
      if (!src) return optional ? MAYBE : { state: 'set', via: ref.source, at: e.name, sourceKind, sourceName: ref.name.value, env: e };
      const d = src.entries.get(ref.key.value);
      if (!d) return optional ? UNSET : MAYBE; // a missing mandatory key keeps the pod from starting: not ours
      if (dataState(d) === 'unset') return UNSET;
      return { state: 'set', via: ref.source, at: e.name, sourceKind, sourceName: ref.name.value, key: d.key, env: e };
    }
    if (!e.value || e.value.value === '') return UNSET;
    if (isUnknown(e.value)) return MAYBE;
    return { state: 'set', via: 'value', at: e.name, env: e };
  }
  let unknownAfter = false;
  for (let i = c.envFrom.length - 1; i >= 0; i--) {
    const f = c.envFrom[i];
    if (!f.name || isUnknown(f.name) || w.namespaceUnknown) {
      unknownAfter = true;
      continue;
    }
    const sourceKind = f.source === 'secretRef' ? 'Secret' : 'ConfigMap';
    const src = lookup(w, ctx, sourceKind, f.name.value);
    if (!src) {
      unknownAfter = true;
      continue;
    }
    const prefix = f.prefix ?? '';
    if (!name.startsWith(prefix)) continue;
    const d = src.entries.get(name.slice(prefix.length));
    if (!d || d.key.unknown) continue;
    if (unknownAfter) return MAYBE;
    if (dataState(d) === 'unset') return UNSET;
    return { state: 'set', via: 'envFrom', at: f.name, sourceKind, sourceName: f.name.value, key: d.key };
  }
  return unknownAfter ? MAYBE : UNSET;
}

/** A literal, static env value; undefined when not set, set through envFrom/valueFrom, or templated. */
export function literalEnv(c: Container, name: string): Located<string> | undefined {
  const e = lastEnv(c, name);
  if (!e || e.valueFrom || !e.value || isUnknown(e.value)) return undefined;
  return e.value;
}

// ---------------------------------------------------------------------------------------------
// Web identity

export interface WebIdentity {
  readonly at: Located<string>;
  readonly label: string;
  /** The role the pod's ServiceAccount annotation names (webhook path), when static. */
  readonly annotationRole?: Located<string>;
}

/** The webhook's role-arn annotation on the workload's ServiceAccount, when the webhook mutates this container. */
export function webhookRole(c: Container, w: Workload, ctx: Ctx): { key: Located<string>; value: Located<string> } | undefined {
  const spec = w.podSpec;
  if (w.namespaceUnknown || spec.serviceAccountUnknown) return undefined;
  const sa = ctx.index.serviceAccount(w.namespace, spec.effectiveServiceAccount);
  if (!sa) return undefined;
  const prefix = ctx.facts.annotationPrefix ?? 'eks.amazonaws.com';
  const a = sa.annotations.get(`${prefix}/role-arn`);
  if (!a || isUnknown(a.value) || a.value.value.trim() === '') return undefined;
  // The upstream MutatingWebhookConfiguration skips pods with this label (objectSelector).
  if (spec.podLabels.has(`${prefix}/skip-pod-identity-webhook`)) return undefined;
  const skip = spec.podAnnotations.get(`${prefix}/skip-containers`);
  if (skip && (isUnknown(skip.value) || isUnknown(c.name) || skip.value.value.split(',').includes(c.name.value))) return undefined;
  return a;
}

/**
 * Does the container get web identity credentials? (1) its ServiceAccount carries the webhook's
 * role-arn annotation, (2) it sets `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` itself, or
 * (3) the profile it selects in a shared file of the repository has `role_arn` and
 * `web_identity_token_file` (ccoctl / CCO credentials Secret).
 */
export function webIdentity(c: Container, w: Workload, ctx: Ctx, files?: SharedFiles): WebIdentity | undefined {
  const token = lastEnv(c, 'AWS_WEB_IDENTITY_TOKEN_FILE');
  const role = lastEnv(c, 'AWS_ROLE_ARN');
  const nonEmpty = (e: EnvVar | undefined) => !!e && (!!e.valueFrom || (!!e.value && e.value.value !== ''));
  if (nonEmpty(token) && nonEmpty(role)) return { at: token!.name, label: 'AWS_WEB_IDENTITY_TOKEN_FILE' };
  // The webhook injects both variables only when the container sets neither (handler.go addEnvToContainer).
  const hook = !token && !role ? webhookRole(c, w, ctx) : undefined;
  if (hook) return { at: hook.key, label: 'ServiceAccount role-arn annotation', annotationRole: hook.value };
  const f = files ?? sharedFiles(c, w, ctx);
  if (!f) return undefined;
  for (const p of f.profiles) {
    const s = profileSettings(f, p.name);
    const roleArn = s.get('role_arn');
    const tokenFile = s.get('web_identity_token_file');
    if (roleArn && tokenFile && roleArn.value.value !== '' && tokenFile.value.value !== '') {
      return { at: roleArn.key, label: 'web identity profile' };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Shared config and credentials files

export interface IniSection {
  /** As written between the brackets. */
  readonly raw: string;
  /** The model's view of the section (with positions), when the loader recognised the entry as AWS INI text. */
  readonly profile?: AwsProfile;
}

export type SharedFile =
  | { readonly state: 'unknown' }
  | { readonly state: 'absent' }
  | {
      readonly state: 'known';
      readonly source: SecretLike;
      readonly key: string;
      readonly entry: DataEntry;
      readonly sections: readonly IniSection[];
    };

export interface SelectedProfile {
  readonly name: string;
  /** The env value that names it; undefined for the implicit `default`. */
  readonly at?: Located<string>;
  readonly variable?: 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE';
}

export interface SharedFiles {
  readonly config: SharedFile;
  readonly credentials: SharedFile;
  readonly configPath: string;
  readonly credentialsPath: string;
  /** Where the workload decides each file: the env value, else the mount path that provides it. */
  readonly configAt?: Located<string>;
  readonly credentialsAt?: Located<string>;
  readonly profiles: readonly SelectedProfile[];
}

const UNKNOWN_FILE: SharedFile = { state: 'unknown' };
const ABSENT_FILE: SharedFile = { state: 'absent' };

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
function fileInVolume(v: Volume, rel: string, w: Workload, ctx: Ctx): SharedFile {
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
    const src = lookup(w, ctx, s.kind, s.name.value);
    if (!src) return UNKNOWN_FILE;
    let key: string | undefined;
    if (s.items.length > 0) key = s.items.find((i) => normPath(i.path) === rel)?.key;
    else if (!rel.includes('/')) key = rel;
    if (key === undefined) continue;
    const d = src.entries.get(key);
    if (!d) continue;
    if (d.unknown || d.key.unknown || d.text === undefined) return UNKNOWN_FILE;
    const parsed = parseIni(d.text).sections;
    const modelled = src.awsProfiles.get(key);
    const aligned = modelled && modelled.length === parsed.length ? modelled : undefined;
    result = { state: 'known', source: src, key, entry: d, sections: parsed.map((p, i) => ({ raw: p.name, profile: aligned?.[i] })) };
  }
  return result;
}

/** What the container has at an absolute path: a mounted Secret/ConfigMap key, known absent, or unknown. */
function fileAt(path: string, c: Container, w: Workload, ctx: Ctx): { file: SharedFile; mountAt?: Located<string> } {
  let best: { mp: string; m: Container['volumeMounts'][number] } | undefined;
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
  return { file: fileInVolume(v, rel, w, ctx), mountAt: best.m.mountPath };
}

/** Resolve `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` or their defaults under the home directory. */
function filePath(
  c: Container,
  w: Workload,
  ctx: Ctx,
  variable: string,
  fallback: string,
  home: string | undefined,
): { path?: string; at?: Located<string> } {
  const e = lastEnv(c, variable);
  if (!e) {
    if (envPresence(c, w, ctx, variable).state !== 'unset') return {};
    return home ? { path: normPath(`${home}/.aws/${fallback}`) } : {};
  }
  if (e.valueFrom || !e.value || isUnknown(e.value)) return {};
  const v = e.value.value;
  if (v.startsWith('/')) return { path: normPath(v), at: e.value };
  if ((v === '~' || v.startsWith('~/')) && home) return { path: normPath(`${home}/${v.slice(1)}`), at: e.value };
  return {};
}

/** The profiles the SDKs may select: `AWS_PROFILE` and `AWS_DEFAULT_PROFILE` when set, else `default`; undefined when not static. */
function selectedProfiles(c: Container, w: Workload, ctx: Ctx): SelectedProfile[] | undefined {
  const out: SelectedProfile[] = [];
  for (const variable of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const) {
    const e = lastEnv(c, variable);
    if (!e) {
      if (envPresence(c, w, ctx, variable).state !== 'unset') return undefined;
      continue;
    }
    if (e.valueFrom || isUnknown(e.value)) return undefined;
    if (!e.value || e.value.value === '') continue;
    if (!out.some((p) => p.name === e.value!.value)) out.push({ name: e.value.value, at: e.value, variable });
  }
  return out.length > 0 ? out : [{ name: 'default' }];
}

/**
 * The shared files a container's SDK reads, when the profiles it selects are static and at least
 * one file is known. Paths are `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else
 * `~/.aws/config` and `~/.aws/credentials`.
 */
export function sharedFiles(c: Container, w: Workload, ctx: Ctx): SharedFiles | undefined {
  const profiles = selectedProfiles(c, w, ctx);
  if (!profiles) return undefined;
  const home = homeOf(c, w);
  const cfg = filePath(c, w, ctx, 'AWS_CONFIG_FILE', 'config', home);
  const cred = filePath(c, w, ctx, 'AWS_SHARED_CREDENTIALS_FILE', 'credentials', home);
  const config = cfg.path ? fileAt(cfg.path, c, w, ctx) : { file: UNKNOWN_FILE };
  const credentials = cred.path ? fileAt(cred.path, c, w, ctx) : { file: UNKNOWN_FILE };
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
export function profileSections(file: SharedFile, which: 'config' | 'credentials', name: string): IniSection[] {
  if (file.state !== 'known') return [];
  return file.sections.filter((s) => {
    if (which === 'credentials') return s.raw === name;
    if (s.raw === 'default') return name === 'default';
    return /^profile[ \t]/.test(s.raw) && profileName(s.raw) === name;
  });
}

/** Bare `[name]` sections of the config file (written credentials-file style). */
export function bareConfigSections(file: SharedFile, name: string): IniSection[] {
  if (file.state !== 'known') return [];
  return file.sections.filter((s) => s.raw === name && name !== 'default');
}

/** The merged settings of a profile: config file first, the credentials file wins per key (keys lower-cased, as botocore does). */
export function profileSettings(f: SharedFiles, name: string): Map<string, IniSetting> {
  const out = new Map<string, IniSetting>();
  const add = (sections: IniSection[]) => {
    for (const s of sections) for (const [k, v] of s.profile?.settings ?? []) out.set(k.toLowerCase(), v);
  };
  add(profileSections(f.config, 'config', name));
  add(profileSections(f.credentials, 'credentials', name));
  return out;
}

/** Every profile name the files define (for messages). */
export function definedProfiles(f: SharedFiles): string[] {
  const names = new Set<string>();
  if (f.config.state === 'known') {
    for (const s of f.config.sections) {
      if (s.raw === 'default') names.add('default');
      else if (/^profile[ \t]/.test(s.raw)) {
        const n = profileName(s.raw);
        if (n) names.add(n);
      }
    }
  }
  if (f.credentials.state === 'known') for (const s of f.credentials.sections) names.add(s.raw);
  return [...names].sort();
}

/** A label for a known file: `Secret "x" key "credentials"`. */
export function describeFile(file: SharedFile): string {
  return file.state === 'known' ? `${file.source.kindName.value} "${file.source.name?.value ?? ''}" key "${file.key}"` : '';
}


// ---------------------------------------------------------------------------------------------
// One setting in all its spellings

/** An SDK setting that can be written as an env variable (container env or env-file key) and as a profile setting. */
export interface SettingSpec {
  /** Environment variable name, e.g. `AWS_ROLE_SESSION_NAME`. */
  readonly variable: string;
  /** Profile setting name, lower case, e.g. `role_session_name`. */
  readonly setting: string;
  /** What is wrong with a static value, or undefined when it is fine (or empty, or templated). */
  readonly problem: (value: string) => string | undefined;
}

type SettingMessage = 'envValue' | 'dataValue' | 'profileValue';

/** Values are shown on one line. */
const oneLine = (value: string): string => value.replace(/\r?\n/g, '\\n');

/**
 * Reports every static spelling of the setting whose value has a problem: a literal container env
 * value (`envValue`), a Secret/ConfigMap key of that name used as an env file (`dataValue`) and the
 * profile setting in AWS config/credentials text held by a Secret/ConfigMap (`profileValue`).
 * Message data: value, problem, and container / kind / key / profile as applicable.
 */
export function checkSetting(r: SecretLike | Workload, ctx: RuleContext<SettingMessage>, spec: SettingSpec): void {
  if (r.kind === 'k8s:Secret' || r.kind === 'k8s:ConfigMap') {
    const kind = r.kindName.value;
    const d = r.entries.get(spec.variable);
    const pd = d && !d.unknown && !d.key.unknown && d.text !== undefined ? spec.problem(d.text) : undefined;
    if (d && pd) ctx.report({ at: d.valueSpan, messageId: 'dataValue', data: { kind, value: oneLine(d.text!), problem: pd } });
    for (const [key, profiles] of r.awsProfiles) {
      for (const p of profiles) {
        for (const s of p.settings.values()) {
          if (s.key.value.toLowerCase() !== spec.setting || isUnknown(s.value)) continue;
          const pp = spec.problem(s.value.value);
          if (pp) ctx.report({ at: s.value, messageId: 'profileValue', data: { kind, key, profile: p.name, value: oneLine(s.value.value), problem: pp } });
        }
      }
    }
    return;
  }
  for (const c of containersOf(r as Workload)) {
    const v = literalEnv(c, spec.variable);
    const p = v ? spec.problem(v.value) : undefined;
    if (v && p) ctx.report({ at: v, messageId: 'envValue', data: { value: oneLine(v.value), container: c.name.value, problem: p } });
  }
}
