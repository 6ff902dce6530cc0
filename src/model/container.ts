/** Small, shared readings of containers: which env entry wins, and path normalisation. */
import type { Container, EnvVar, VolumeMount, Workload } from './k8s.js';
import { isUnknown, type Located } from './span.js';

/** Init containers, then containers. */
export function containersOf(w: Workload): Container[] {
  return [...w.podSpec.initContainers, ...w.podSpec.containers];
}

/** The entry that wins for a name: Kubernetes keeps the last of duplicate `env` names. */
export function lastEnv(c: Container, name: string): EnvVar | undefined {
  let found: EnvVar | undefined;
  for (const e of c.env) if (e.name.value === name) found = e;
  return found;
}

/** A literal, static env value; undefined when not set, set through envFrom/valueFrom, or templated. */
export function literalEnv(c: Container, name: string): Located<string> | undefined {
  const e = lastEnv(c, name);
  if (!e || e.valueFrom || !e.value || isUnknown(e.value)) return undefined;
  return e.value;
}

/** Collapse duplicate slashes and `.` segments, drop a trailing slash. */
export function normPath(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return (p.startsWith('/') ? '/' : '') + parts.join('/');
}

/** Image reference without tag and digest (`registry/ns/name`). */
export function imageName(image: string): string {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The official AWS CLI v2 images (`amazon/aws-cli`, `public.ecr.aws/aws-cli/aws-cli`) and images named like them. */
export function isAwsCliImage(c: Container): boolean {
  return !!c.image && !c.image.unknown && imageName(c.image.value).toLowerCase().includes('aws-cli');
}

/** The file a mount exposes for a path inside its volume, or undefined when a subPath hides it. */
export function fileIn(mount: VolumeMount, pathInVolume: string): string | undefined {
  const rel = normPath(pathInVolume).replace(/^\/+/, '');
  const sub = mount.subPath ? normPath(mount.subPath.value).replace(/^\/+/, '') : '';
  if (sub === '') return normPath(`${mount.mountPath.value}/${rel}`);
  if (rel === sub) return normPath(mount.mountPath.value);
  if (rel.startsWith(`${sub}/`)) return normPath(`${mount.mountPath.value}/${rel.slice(sub.length + 1)}`);
  return undefined;
}
