/** Small, shared readings of containers: which env entry wins, and path normalisation. */
import type { Container, EnvVar } from './k8s.js';

/** The entry that wins for a name: Kubernetes keeps the last of duplicate `env` names. */
export function lastEnv(c: Container, name: string): EnvVar | undefined {
  let found: EnvVar | undefined;
  for (const e of c.env) if (e.name.value === name) found = e;
  return found;
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
