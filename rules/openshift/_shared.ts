/**
 * Helpers shared by the `openshift/*` rules (not a rule: it is not registered in rules/index.ts).
 * Source of the behaviour encoded here: /work/shared/reference/ccoctl.md.
 */
import type { Facts } from '../../src/engine/types.js';
import type { Index } from '../../src/model/index.js';
import type { Container, CredentialsRequest, IniSetting, PodSpec, SecretLike } from '../../src/model/k8s.js';
import type { Located } from '../../src/model/span.js';
import { roleNameFromArn } from '../../src/iam/arn.js';
import { isUnknown } from '../../src/model/span.js';
export { isUnknown };

/** ccoctl `OidcTokenPath` (pkg/cmd/provisioning/constants.go): the token file written into every Secret. */
export const CCOCTL_TOKEN_PATH = '/var/run/secrets/openshift/serviceaccount/token';

/** `secretRef.namespace`/`.name` when both are static and non-empty. */
export function staticSecretRef(cr: CredentialsRequest): { namespace: string; name: string } | undefined {
  const ns = cr.secretRef?.namespace;
  const name = cr.secretRef?.name;
  if (!ns || !name || isUnknown(ns) || isUnknown(name) || ns.value === '' || name.value === '') return undefined;
  return { namespace: ns.value, name: name.value };
}

/** ccoctl skips CRs annotated `release.openshift.io/delete: "true"` and (without --enable-tech-preview) feature-set ones (utils.go). */
export function skippedByCcoctl(cr: CredentialsRequest): boolean {
  const del = cr.annotations.get('release.openshift.io/delete');
  if (del && del.value.value === 'true') return true;
  return cr.annotations.has('release.openshift.io/feature-set');
}

/**
 * An AWS CredentialsRequest whose role and Secret come from `ccoctl aws create-iam-roles`: AWS
 * provider, not skipped by ccoctl, no `stsIAMRoleARN` (that path is the in-cluster CCO with a role
 * made by someone else, whose name and trust policy are not ccoctl's).
 */
export function isCcoctlAws(cr: CredentialsRequest): boolean {
  return cr.isAws && !skippedByCcoctl(cr) && !cr.stsIAMRoleARN;
}

/** `<ns>/<name>` of a resource, for messages. */
export function nameOf(r: { namespace: string; name?: Located<string> }): string {
  return `${r.namespace}/${r.name?.value ?? '<unnamed>'}`;
}

/** A setting of a profile, matching keys case-insensitively as botocore does. */
export function settingOf(settings: ReadonlyMap<string, IniSetting>, key: string): IniSetting | undefined {
  for (const [k, s] of settings) if (k.toLowerCase() === key) return s;
  return undefined;
}

/** Every `role_arn` setting of a Secret's AWS profiles. */
export function roleArnSettings(secret: SecretLike): IniSetting[] {
  const out: IniSetting[] = [];
  for (const profiles of secret.awsProfiles.values()) {
    for (const p of profiles) {
      const s = settingOf(p.settings, 'role_arn');
      if (s) out.push(s);
    }
  }
  return out;
}

/** A reference from a pod to a Secret by name. */
export interface PodSecretRef {
  readonly name: Located<string>;
  /** Containers that see it (through a volume mount, env or envFrom); empty for a volume nobody mounts. */
  readonly containers: readonly Container[];
}

/** Secrets a pod refers to: `secret` volumes, `secret` sources of projected volumes, `secretKeyRef`, `envFrom.secretRef`. */
export function podSecretRefs(spec: PodSpec): PodSecretRef[] {
  const out: PodSecretRef[] = [];
  const all = [...spec.initContainers, ...spec.containers];
  for (const v of spec.volumes) {
    const names: Located<string>[] = [];
    if (v.type === 'secret' && v.secretName) names.push(v.secretName);
    if (v.type === 'projected') for (const s of v.sources) if (s.type === 'secret' && s.name) names.push(s.name);
    const users = all.filter((c) => c.volumeMounts.some((m) => m.name.value === v.name.value));
    for (const n of names) out.push({ name: n, containers: users });
  }
  for (const c of all) {
    for (const e of c.env) if (e.valueFrom?.source === 'secretKeyRef' && e.valueFrom.name) out.push({ name: e.valueFrom.name, containers: [c] });
    for (const e of c.envFrom) if (e.source === 'secretRef' && e.name) out.push({ name: e.name, containers: [c] });
  }
  return out.filter((r) => !isUnknown(r.name) && r.name.value !== '');
}

/**
 * The ccoctl `--name` prefix: the `ccoctlPrefix` fact, else the one prefix that every ccoctl Secret of
 * the repository agrees on (role name = `<prefix>-<secretRef.namespace>-<secretRef.name>`, not truncated).
 */
export function ccoctlPrefix(facts: Facts, index: Index): { prefix: string; from: 'facts' | 'secret'; at?: Located<string> } | undefined {
  if (facts.ccoctlPrefix) return { prefix: facts.ccoctlPrefix, from: 'facts' };
  const found = new Map<string, Located<string>>();
  for (const secret of index.ofKind<SecretLike>('k8s:Secret')) {
    if (secret.namespaceUnknown || !secret.name || isUnknown(secret.name)) continue;
    const crs = index.credentialsRequestsFor(secret.namespace, secret.name.value).filter(isCcoctlAws);
    if (crs.length === 0) continue;
    const suffix = `-${secret.namespace}-${secret.name.value}`;
    for (const s of roleArnSettings(secret)) {
      if (isUnknown(s.value)) continue;
      const role = roleNameFromArn(s.value.value);
      if (!role || role.length > 64 || !role.endsWith(suffix) || role.length === suffix.length) continue;
      const p = role.slice(0, role.length - suffix.length);
      if (!found.has(p)) found.set(p, s.value);
    }
  }
  if (found.size !== 1) return undefined;
  const [[prefix, at]] = [...found];
  return { prefix, from: 'secret', at };
}
