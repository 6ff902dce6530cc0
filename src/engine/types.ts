/** The rule contract: data-first metadata plus one `check` per subject resource. */
import type { Index, Resource } from '../model/index.js';
import type { Located, Span } from '../model/span.js';

export type Severity = 'error' | 'warning' | 'note';
export type Level = Severity | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];

export interface RuleDocs {
  /** One imperative line (SARIF shortDescription). */
  readonly description: string;
  readonly whatItChecks: string;
  readonly whyItMatters: string;
  readonly howToFix: string;
  /** Sources for the behaviour the rule encodes (component source files, AWS docs, issues). */
  readonly references?: readonly string[];
}

export interface RuleMeta<M extends string = string> {
  /** Equals the rule file's path under `rules/` without extension. */
  readonly id: string;
  /** `problem`: will not work or is exploitable. `hardening`: works, but risky. */
  readonly type: 'problem' | 'hardening';
  readonly severity: Severity;
  /** CVSS-like score for security rules (SARIF `security-severity`); marks the rule as a security rule. */
  readonly securitySeverity?: number;
  readonly tags?: readonly string[];
  readonly docs: RuleDocs;
  /** Resource kinds (or groups such as `k8s:PodSpecOwner`) this rule's `check` is called for. */
  readonly appliesTo: readonly string[];
  readonly messages: Readonly<Record<M, string>>;
}

export interface Related {
  readonly at: Span | Located<unknown>;
  readonly label: string;
}

export interface ReportDescriptor<M extends string> {
  readonly at: Span | Located<unknown>;
  readonly messageId: M;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly related?: readonly Related[];
}

/** Facts the repository cannot tell (from configuration). */
export interface Facts {
  /** Namespace of objects without `metadata.namespace` (default `default`). */
  readonly defaultNamespace?: string;
  /** ccoctl `--name` prefix. */
  readonly ccoctlPrefix?: string;
  /** Webhook `--annotation-prefix` (default `eks.amazonaws.com`). */
  readonly annotationPrefix?: string;
  /** Webhook `--token-audience` (default `sts.amazonaws.com`). */
  readonly tokenAudience?: string;
  /** Webhook `--aws-default-region`. */
  readonly defaultRegion?: string;
  /** The cluster's `serviceAccountIssuer` URL. */
  readonly serviceAccountIssuer?: string;
  /** Known OIDC providers. */
  readonly oidcProviders?: readonly { readonly arn?: string; readonly issuer?: string; readonly clientIds?: readonly string[] }[];
  /** Accounts roles may live in. */
  readonly accounts?: readonly string[];
  /** Role trust policy length quota, characters without whitespace (IAM default 2048). */
  readonly trustPolicySizeQuota?: number;
}

export interface RuleContext<M extends string> {
  readonly index: Index;
  readonly facts: Facts;
  report(d: ReportDescriptor<M>): void;
}

export interface Rule<M extends string = string, S extends Resource = Resource> {
  readonly meta: RuleMeta<M>;
  check(subject: S, ctx: RuleContext<M>): void;
}

/** Typed identity helper: infers message ids so a misspelt id is a compile error. */
export function defineRule<M extends string, S extends Resource = Resource>(rule: Rule<M, S>): Rule<M, S> {
  return rule;
}

export interface RelatedLocation {
  readonly location: Span;
  readonly label: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly messageId: string;
  readonly message: string;
  readonly severity: Severity;
  readonly location: Span;
  readonly related: readonly RelatedLocation[];
  /** Key of the resource the finding is about (used for logical locations, suppression and fingerprints). */
  readonly subject: string;
  /** Stable across unrelated line shifts: rule, file, subject and message, never line numbers. */
  fingerprint: string;
  suppressions?: readonly { readonly kind: 'inSource' | 'external'; readonly justification: string; readonly location?: Span }[];
}
