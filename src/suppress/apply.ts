/**
 * Applies suppressions to findings and reports the suppressions themselves.
 *
 * Three sources, each naming rules and giving a reason:
 * - YAML comments (`comments.ts`): `inSource`, scoped to a line or a file;
 * - the annotation `irsa-lint.io/ignore: "<rule>=<reason>,..."` on a Kubernetes object:
 *   `inSource`, for findings whose subject is that object;
 * - `ignore:` entries of the configuration: `external`, scoped by file glob, JSON pointer,
 *   statement `Sid` and/or resource key, with an optional expiry date.
 *
 * Suppressed findings stay in the result with `suppressions` set. The bookkeeping rules report
 * what needs attention: `suppress/missing-reason`, `suppress/unused` (matches nothing, names an
 * unknown rule or no rule) and `suppress/expired`. A suppression is judged unused only when the
 * rules it names ran and (for configuration entries) its file or resource was part of the run,
 * so linting a subset of a repository or turning a rule off stays quiet; when only single files
 * are linted (no directory), nothing is judged unused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createFinding } from '../engine/finding.js';
import type { Finding, Level, Rule, Severity } from '../engine/types.js';
import type { LoadedConfig, IgnoreEntry } from '../config/types.js';
import { matchExact, matchGlob } from '../config/glob.js';
import type { LoadedFile } from '../load/loader.js';
import type { Resource } from '../model/index.js';
import type { K8sResource } from '../model/k8s.js';
import { subSpan, type Located, type Span } from '../model/span.js';
import type { CommentForm } from './comments.js';
import { locate, parseTrees, pointerStartsWith, type TreePosition } from './pointer.js';
import type { PNode } from '../model/pnode.js';

export const IGNORE_ANNOTATION = 'irsa-lint.io/ignore';
export const UNUSED_RULE = 'suppress/unused';
export const MISSING_REASON_RULE = 'suppress/missing-reason';
export const EXPIRED_RULE = 'suppress/expired';
const BOOKKEEPING = new Set([UNUSED_RULE, MISSING_REASON_RULE, EXPIRED_RULE]);

/** What suppressions read of a resource: its key, and the value of its ignore annotation (`IGNORE_ANNOTATION`). */
export interface SuppressionSubject {
  readonly key: string;
  readonly ignore?: Located<string>;
}

/** The part of a resource that suppressions read (what an incremental run keeps of resources it does not load). */
export function suppressionSubject(r: Resource): SuppressionSubject {
  const ann = (r as Partial<K8sResource>).annotations?.get(IGNORE_ANNOTATION);
  return ann ? { key: r.key, ignore: ann.value } : { key: r.key };
}

export interface SuppressionOptions {
  /** A `{{placeholder}}` without data is an error (rule tests). */
  readonly strictMessages?: boolean;
  readonly files: readonly LoadedFile[];
  /** The text of a file, for the JSON pointers of `ignore:` entries (read again from disk when it was not kept). */
  readonly textOf?: (file: string) => string | undefined;
  readonly resources: readonly SuppressionSubject[];
  readonly config?: LoadedConfig;
  /** Display path of the configuration file (for findings about its entries). */
  readonly configDisplay?: string;
  readonly cwd: string;
  readonly rules: readonly Rule[];
  /** Level of every rule in this run (`off`: did not run). */
  readonly levels: Readonly<Record<string, Level>>;
  /** Today (UTC) as YYYY-MM-DD. */
  readonly today: string;
  /**
   * Whether a suppression that matched nothing may be reported. False when only single files were
   * linted (a pre-commit hook passing changed files): cross-reference rules then miss the other
   * side and their suppressions would look unused.
   */
  readonly judgeUnused?: boolean;
}

type Form = CommentForm | 'annotation' | 'config';

interface Suppression {
  readonly kind: 'inSource' | 'external';
  readonly form: Form;
  readonly rules: readonly string[];
  readonly reason: string;
  /** Where the suppression is written. */
  readonly span: Span;
  /** Where each rule id is written. */
  readonly ruleSpans?: readonly Span[];
  /** Subject of bookkeeping findings. */
  readonly subject: string;
  // Scope, by form.
  readonly file?: string;
  readonly line?: number;
  readonly resourceKey?: string;
  readonly entry?: IgnoreEntry;
  readonly expired?: boolean;
  readonly used: Set<string>;
}

export function matchesRule(pattern: string, id: string): boolean {
  return pattern === id || (pattern.endsWith('/*') && id.startsWith(pattern.slice(0, -1)));
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Marks suppressed findings (in place) and returns the bookkeeping findings. */
export function applySuppressions(findings: Finding[], opts: SuppressionOptions): Finding[] {
  const sups = collect(opts);
  if (sups.length === 0) return [];
  const byFile = new Map<string, Suppression[]>();
  const bySubject = new Map<string, Suppression[]>();
  const external: Suppression[] = [];
  for (const s of sups) {
    if (s.form === 'annotation') push(bySubject, s.resourceKey!, s);
    else if (s.form === 'config') {
      if (!s.expired) external.push(s);
    } else push(byFile, s.file!, s);
  }

  const relCache = new Map<string, string>();
  const rel = (file: string) => {
    let r = relCache.get(file);
    if (r === undefined) {
      r = file === '<stdin>' || !opts.config ? file : toPosix(path.relative(opts.config.dir, path.resolve(opts.cwd, file)));
      relCache.set(file, r);
    }
    return r;
  };
  // Built on first use: only `ignore:` entries with a JSON pointer or a statement id read file texts.
  let files: Map<string, LoadedFile> | undefined;
  const textOf = (file: string): string | undefined => {
    files ??= new Map(opts.files.map((f) => [f.path, f]));
    const f = files.get(file);
    if (!f) return undefined;
    if (f.text !== undefined) return f.text;
    if (opts.textOf) return opts.textOf(file);
    try {
      return f.abs ? fs.readFileSync(f.abs, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
  const treeCache = new Map<string, PNode[]>();
  const positionOf = (f: Finding): TreePosition | undefined => {
    const file = f.location.file;
    let trees = treeCache.get(file);
    if (!trees) {
      const text = textOf(file);
      trees = text === undefined ? [] : parseTrees(text, file);
      treeCache.set(file, trees);
    }
    return locate(trees, file, f.location.line, f.location.column);
  };

  for (const f of findings) {
    if (BOOKKEEPING.has(f.ruleId)) continue;
    const hits: Suppression[] = [];
    for (const s of byFile.get(f.location.file) ?? []) {
      if ((s.form === 'file' || s.line === f.location.line) && hit(s, f.ruleId)) hits.push(s);
    }
    for (const s of bySubject.get(f.subject) ?? []) if (hit(s, f.ruleId)) hits.push(s);
    let pos: TreePosition | undefined | null = null;
    for (const s of external) {
      const e = s.entry!;
      if (!matchesRule(e.rule, f.ruleId)) continue;
      if (e.file !== undefined && !matchGlob(rel(f.location.file), e.file)) continue;
      if (e.resource !== undefined && !resourceMatches(f.subject, e.resource)) continue;
      if (e.pointer !== undefined || e.sid !== undefined) {
        if (pos === null) pos = positionOf(f);
        if (!pos) continue;
        if (e.pointer !== undefined && !pointerStartsWith(pos.pointer, e.pointer)) continue;
        if (e.sid !== undefined && !pos.sids.includes(e.sid)) continue;
      }
      s.used.add(e.rule);
      hits.push(s);
    }
    if (hits.length) {
      f.suppressions = [...(f.suppressions ?? []), ...hits.map((s) => ({ kind: s.kind, justification: s.reason, location: s.span }))];
    }
  }

  return bookkeeping(sups, opts, rel);
}

function hit(s: Suppression, ruleId: string): boolean {
  for (const r of s.rules) {
    if (matchesRule(r, ruleId)) {
      s.used.add(r);
      return true;
    }
  }
  return false;
}

function resourceMatches(subject: string, pattern: string): boolean {
  if (subject === pattern || subject === `k8s:${pattern}`) return true;
  if (!/[*?[{]/.test(pattern)) return false;
  return matchExact(subject, pattern) || (subject.startsWith('k8s:') && matchExact(subject.slice(4), pattern));
}

function collect(opts: SuppressionOptions): Suppression[] {
  const out: Suppression[] = [];
  for (const f of opts.files) {
    for (const d of f.comments) {
      out.push({ kind: 'inSource', form: d.form, rules: d.rules, ruleSpans: d.ruleSpans, reason: d.reason, span: d.span, subject: `file:${f.path}`, file: f.path, line: d.targetLine, used: new Set() });
    }
  }
  for (const r of opts.resources) {
    const ann = r.ignore;
    if (!ann || ann.unknown) continue;
    for (const e of splitAnnotation(ann.value)) {
      out.push({
        kind: 'inSource',
        form: 'annotation',
        rules: e.rule ? [e.rule] : [],
        reason: e.reason,
        span: subSpan(ann, e.start, e.end),
        ruleSpans: e.rule ? [subSpan(ann, e.start, e.start + e.rule.length)] : [],
        subject: r.key,
        resourceKey: r.key,
        used: new Set(),
      });
    }
  }
  const cfg = opts.config;
  if (cfg) {
    const subject = `file:${opts.configDisplay ?? cfg.file ?? ''}`;
    for (const e of cfg.ignore) {
      out.push({
        kind: 'external',
        form: 'config',
        rules: [e.rule],
        reason: e.reason,
        span: e.span,
        subject,
        entry: e,
        expired: e.expires !== undefined && opts.today > e.expires,
        used: new Set(),
      });
    }
  }
  return out;
}

/** `a/b=reason, with commas,c/d=other` → entries with offsets into the value. */
export function splitAnnotation(value: string): { rule: string; reason: string; start: number; end: number }[] {
  const starts = [0];
  const re = /,(?=\s*[a-z0-9][a-z0-9-]*\/[a-z0-9*][a-z0-9*-]*\s*(?:=|,|$))/g;
  for (const m of value.matchAll(re)) starts.push(m.index + 1);
  const out: { rule: string; reason: string; start: number; end: number }[] = [];
  for (let i = 0; i < starts.length; i++) {
    let a = starts[i];
    let b = i + 1 < starts.length ? starts[i + 1] - 1 : value.length;
    while (a < b && /\s/.test(value[a])) a++;
    while (b > a && /\s/.test(value[b - 1])) b--;
    if (a === b) continue;
    const piece = value.slice(a, b);
    const eq = piece.indexOf('=');
    out.push({ rule: (eq < 0 ? piece : piece.slice(0, eq)).trim(), reason: eq < 0 ? '' : piece.slice(eq + 1).trim(), start: a, end: b });
  }
  return out;
}

function bookkeeping(sups: readonly Suppression[], opts: SuppressionOptions, rel: (file: string) => string): Finding[] {
  const meta = new Map(opts.rules.map((r) => [r.meta.id, r]));
  const ids = opts.rules.map((r) => r.meta.id);
  const out: Finding[] = [];
  const report = (ruleId: string, messageId: string, at: Span, subject: string, data: Record<string, string>) => {
    const level = opts.levels[ruleId] ?? meta.get(ruleId)?.meta.severity ?? 'note';
    const rule = meta.get(ruleId);
    if (level === 'off' || !rule) return;
    out.push(createFinding(rule.meta, { messageId, data, severity: level as Severity, at, subject }, opts.strictMessages));
  };
  const ran = (pattern: string) => ids.some((id) => matchesRule(pattern, id) && (opts.levels[id] ?? 'off') !== 'off' && !BOOKKEEPING.has(id));
  const known = (pattern: string) => ids.some((id) => matchesRule(pattern, id));
  // A configuration entry is judged only when its scope was part of this run.
  // Computed on first use (configuration entries only).
  let linted: string[] | undefined;
  let keys: string[] | undefined;
  const inScope = (e: IgnoreEntry) =>
    (e.file === undefined || (linted ??= opts.files.map((f) => rel(f.path))).some((p) => matchGlob(p, e.file!))) &&
    (e.resource === undefined || (keys ??= opts.resources.map((r) => r.key)).some((k) => resourceMatches(k, e.resource!)));

  for (const s of sups) {
    const entry = s.entry;
    if (s.rules.length === 0) report(UNUSED_RULE, 'noRule', s.span, s.subject, {});
    for (const [i, r] of s.rules.entries()) {
      const at = entry ? entry.ruleSpan : (s.ruleSpans?.[i] ?? s.span);
      if (!known(r)) report(UNUSED_RULE, 'unknownRule', at, s.subject, { rule: r });
      else if (opts.judgeUnused !== false && !s.expired && !s.used.has(r) && ran(r) && (!entry || inScope(entry))) report(UNUSED_RULE, 'unused', at, s.subject, { rule: r });
    }
    if (!s.reason) {
      const messageId = s.form === 'annotation' ? 'annotation' : s.form === 'config' ? 'config' : 'comment';
      report(MISSING_REASON_RULE, messageId, s.span, s.subject, { rules: s.rules.join(', ') || '?' });
    }
    if (s.expired && entry) report(EXPIRED_RULE, 'expired', entry.expiresSpan ?? entry.span, s.subject, { rule: entry.rule, date: entry.expires ?? '' });
  }
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
