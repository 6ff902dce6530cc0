/**
 * OpenShift STS with ccoctl, as the model sees it: which CredentialsRequests ccoctl turns into a
 * role and a Secret, the roles those Secrets name, and the Secrets a pod refers to.
 * Source of the behaviour: /work/shared/reference/ccoctl.md (openshift/cloud-credential-operator
 * pkg/cmd/provisioning/aws/create-iam-roles.go, utils.go).
 */
import type { Container, CredentialsRequest, IniSetting, PodSpec, SecretLike } from './k8s.js';
import { isUnknown, type Located } from './span.js';

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
