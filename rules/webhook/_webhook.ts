/**
 * Shared semantics of the pod identity webhook for the `webhook/*` rules (not a rule itself).
 * Sources: aws/amazon-eks-pod-identity-webhook pkg/annotations.go, pkg/cache/cache.go, pkg/handler/handler.go.
 */
import type { RuleContext } from '../../src/engine/types.js';
import type { Annotation, Container, PodSpec, ServiceAccount, Workload } from '../../src/model/k8s.js';
import { subSpan } from '../../src/model/span.js';
import { lastEnv, normPath } from '../../src/model/container.js';
import { isUnknown } from '../../src/model/span.js';
import { fileIn } from '../../src/model/container.js';
export { fileIn };
export { isUnknown, lastEnv, normPath };

export const DEFAULT_PREFIX = 'eks.amazonaws.com';
/** W main.go `--token-mount-path` default; handler.go volume name and token file name. */
export const WEBHOOK_MOUNT_PATH = '/var/run/secrets/eks.amazonaws.com/serviceaccount';
export const WEBHOOK_VOLUME = 'aws-iam-token';
export const WEBHOOK_TOKEN_PATH = 'token';
export const WEBHOOK_TOKEN_FILE = `${WEBHOOK_MOUNT_PATH}/${WEBHOOK_TOKEN_PATH}`;

/** Annotation names (W pkg/annotations.go) and where the webhook reads them. */
export const SA_ONLY_ANNOTATIONS = ['role-arn', 'audience', 'sts-regional-endpoints'] as const;
export const POD_ANNOTATIONS = ['token-expiration', 'skip-containers'] as const;
export const ANNOTATION_NAMES = ['role-arn', 'audience', 'sts-regional-endpoints', 'token-expiration', 'skip-containers'] as const;

export function prefixOf(ctx: RuleContext<string>): string {
  return ctx.facts.annotationPrefix ?? DEFAULT_PREFIX;
}

export function isWindows(spec: PodSpec): boolean {
  return ['kubernetes.io/os', 'beta.kubernetes.io/os'].some((k) => spec.nodeSelector.get(k)?.value.value === 'windows');
}

/** The ServiceAccount the webhook looks up for this pod, when it is static and in the repository. */
export function podServiceAccount(w: Workload, ctx: RuleContext<string>): ServiceAccount | undefined {
  if (w.namespaceUnknown || w.podSpec.serviceAccountUnknown) return undefined;
  return ctx.index.serviceAccount(w.namespace, w.podSpec.effectiveServiceAccount);
}

export interface Mutation {
  /**
   * yes: the SA is in the repository with a static, non-empty role-arn annotation (or one its
   * managing tool always writes), and no EKS Pod Identity association.
   */
  readonly state: 'yes' | 'no' | 'maybe';
  readonly sa?: ServiceAccount;
  readonly roleArn?: Annotation;
  /** The ServiceAccount has an EKS Pod Identity association: the webhook injects container credentials instead (state `no`). */
  readonly podIdentity?: boolean;
}

/**
 * Does the webhook mutate this pod for web identity (its ServiceAccount has a non-empty role-arn
 * annotation, handler.go `if podRole == ""`)? Not when the ServiceAccount has an EKS Pod Identity
 * association: container credentials take precedence (handler.go `buildPodPatchConfig`).
 */
export function mutation(w: Workload, ctx: RuleContext<string>): Mutation {
  const sa = podServiceAccount(w, ctx);
  if (!sa) return { state: 'maybe' };
  const a = sa.annotations.get(`${prefixOf(ctx)}/role-arn`);
  if (ctx.index.associationsFor(w.namespace, w.podSpec.effectiveServiceAccount).length > 0) return { state: 'no', sa, ...(a ? { roleArn: a } : {}), podIdentity: true };
  if (!a) return { state: 'no', sa };
  // A tool that manages the ServiceAccount (eksctl) always writes a role ARN, even when its account or name is not in the file.
  if (isUnknown(a.value)) return { state: sa.managedBy ? 'yes' : 'maybe', sa, roleArn: a };
  return a.value.value !== '' ? { state: 'yes', sa, roleArn: a } : { state: 'no', sa, roleArn: a };
}

export interface SkipEntry {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Entries of `<prefix>/skip-containers` as the webhook reads them: one record of Go `encoding/csv`
 * (no trimming). Undefined when the value is not static or uses CSV quoting or several lines
 * (not modelled here).
 */
export function skipEntries(a: Annotation | undefined): SkipEntry[] | undefined {
  if (!a) return [];
  if (isUnknown(a.value)) return undefined;
  const v = a.value.value;
  if (/["\r\n]/.test(v)) return undefined;
  const out: SkipEntry[] = [];
  let start = 0;
  for (const part of v.split(',')) {
    out.push({ name: part, start, end: start + part.length });
    start += part.length + 1;
  }
  return out;
}

/** Is the container listed in `skip-containers`? undefined when that cannot be told. */
export function skipped(c: Container, spec: PodSpec, prefix: string): boolean | undefined {
  const entries = skipEntries(spec.podAnnotations.get(`${prefix}/skip-containers`));
  if (!entries) return undefined;
  if (entries.length === 0) return false;
  if (isUnknown(c.name)) return undefined;
  return entries.some((e) => e.name === c.name.value);
}

/** Does the container's own `env` hold AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE (then the webhook injects neither)? */
export function setsWebIdentityEnv(c: Container): boolean {
  return c.env.some((e) => e.name.value === 'AWS_ROLE_ARN' || e.name.value === 'AWS_WEB_IDENTITY_TOKEN_FILE');
}

/** addEnvToContainer returns early (no env, no mount) when web identity, region and STS variables are all set. */
export function hasAllEnv(c: Container): boolean {
  const names = new Set(c.env.map((e) => e.name.value));
  return setsWebIdentityEnv(c) && (names.has('AWS_REGION') || names.has('AWS_DEFAULT_REGION')) && names.has('AWS_STS_REGIONAL_ENDPOINTS');
}

/** The span of characters [start, end) of a located string (see subSpan). */
export const partSpan = subSpan;

/** Human name of the pod metadata for messages. */
export function podMetadataName(w: Workload): string {
  return w.kind === 'k8s:Pod' ? 'Pod metadata' : 'pod template metadata';
}
