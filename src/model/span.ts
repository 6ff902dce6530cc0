/**
 * Source positions. Every position is 1-based; `endColumn` is exclusive (SARIF's convention),
 * so a one-character token at column 5 has `column: 5, endColumn: 6`. Loaders convert once;
 * formatters never adjust positions.
 */
import { intern } from './compact.js';
import { posSpan, type PosMap } from './posmap.js';

export interface Span {
  /** Repository-relative POSIX path (relative to the current directory), or `<stdin>`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A value together with where it came from. `unknown` marks values that could not be resolved statically. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
  /** True when the value is a template (`${VAR}`, `{{ .Values.x }}`), an intrinsic function or otherwise not static. */
  readonly unknown?: boolean;
  /** For strings: maps character offsets of `value` to source spans (see `subSpan`). */
  readonly inner?: PosMap;
  /** Key of the resource the value refers to (a resolved IaC reference such as Terraform's `aws_iam_role.app.arn`), known even when the value is not. */
  readonly target?: string;
}

export function located<T>(value: T, span: Span, unknown?: boolean, inner?: Located<T>['inner']): Located<T> {
  const l: { value: T; span: Span; unknown?: boolean; inner?: Located<T>['inner'] } = { value: typeof value === 'string' ? (intern(value) as T) : value, span };
  if (unknown) l.unknown = true;
  if (inner) l.inner = inner;
  return l;
}

/**
 * The span of characters [start, end) of a located string. Uses the loader's position map when
 * there is one; otherwise, for a one-line token that is the value plus the same number of quote
 * characters on each side (`"…"`, `'…'`, or `\"…\"` inside a JSON-encoded string), derives it
 * from the columns. Anything else: the whole span.
 */
export function subSpan(l: Located<string>, start: number, end: number): Span {
  if (start < 0 || end > l.value.length || start > end) return l.span;
  if (l.inner) return posSpan(l.inner, start, end);
  const s = l.span;
  const extra = s.endColumn - s.column - l.value.length;
  if (s.line !== s.endLine || ![0, 2, 4].includes(extra)) return s;
  const q = extra / 2;
  return { file: s.file, line: s.line, column: s.column + q + start, endLine: s.line, endColumn: s.column + q + end };
}

export function compareSpans(a: Span, b: Span): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn;
}

export function spanToString(s: Span): string {
  return `${s.file}:${s.line}:${s.column}`;
}

/** Placeholders that a renderer fills in later: Helm/Go templates, shell/envsubst variables, kustomize vars. */
const TEMPLATE_RE = /\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([A-Za-z_][A-Za-z0-9_]*\)/;

export function looksTemplated(text: string): boolean {
  return TEMPLATE_RE.test(text);
}

/** Not static: marked unknown by the loader, or a placeholder that JSON loaders keep as written. */
export const unknownText = (l: Located<string>): boolean => !!l.unknown || looksTemplated(l.value);

/** `unknownText` for an optional value: false when there is none. */
export function isUnknown(l: Located<string> | undefined): boolean {
  return !!l && unknownText(l);
}
