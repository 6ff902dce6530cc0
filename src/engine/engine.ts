/** Runs rules over the index, enforcing the rule contract centrally. */
import { createHash } from 'node:crypto';
import type { Index, Resource } from '../model/index.js';
import { compareSpans, type Span } from '../model/span.js';
import { expandKinds } from '../model/resource.js';
import type { Facts, Finding, Level, Rule, Severity } from './types.js';

export function spanOf(at: Span | { span: Span }): Span {
  return 'span' in at ? at.span : at;
}

/** Fill `{{name}}` placeholders; unknown placeholders are left as written. */
export function interpolate(template: string, data: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

export interface RunOptions {
  /** Effective level per rule id (absent: the rule's default severity). */
  readonly levels?: Readonly<Record<string, Level>>;
  readonly facts?: Facts;
}

export class RuleError extends Error {
  constructor(readonly ruleId: string, readonly subject: string, cause: unknown) {
    super(`rule ${ruleId} failed on ${subject}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function runRules(rules: readonly Rule[], index: Index, opts: RunOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const facts = opts.facts ?? {};
  for (const rule of rules) {
    const level = opts.levels?.[rule.meta.id] ?? rule.meta.severity;
    if (level === 'off') continue;
    const kinds = expandKinds(rule.meta.appliesTo);
    for (const subject of index.ofKind(...kinds)) {
      const ctx = {
        index,
        facts,
        report(d: { at: Span | { span: Span }; messageId: string; data?: Record<string, string | number>; related?: readonly { at: Span | { span: Span }; label: string }[] }) {
          const template = (rule.meta.messages as Record<string, string>)[d.messageId];
          if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown messageId "${d.messageId}"`);
          findings.push({
            ruleId: rule.meta.id,
            messageId: d.messageId,
            message: interpolate(template, d.data),
            severity: level as Severity,
            location: spanOf(d.at),
            related: (d.related ?? []).map((r) => ({ location: spanOf(r.at), label: r.label })),
            subject: subject.key,
            fingerprint: '',
          });
        },
      };
      try {
        rule.check(subject as Resource, ctx as never);
      } catch (e) {
        throw new RuleError(rule.meta.id, subject.key, e);
      }
    }
  }
  return findings;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareSpans(a.location, b.location) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Sort, drop exact duplicates and assign fingerprints (rule, file, subject, message; occurrence-numbered). */
export function finalize(findings: Finding[]): Finding[] {
  findings.sort(compareFindings);
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  let prev: Finding | undefined;
  for (const f of findings) {
    if (prev && compareFindings(prev, f) === 0 && prev.subject === f.subject) continue;
    prev = f;
    const basis = `${f.ruleId}\0${f.location.file}\0${f.subject}\0${f.message}`;
    const n = (seen.get(basis) ?? 0) + 1;
    seen.set(basis, n);
    f.fingerprint = createHash('sha256').update(`${basis}\0${n}`).digest('hex').slice(0, 32);
    out.push(f);
  }
  return out;
}
