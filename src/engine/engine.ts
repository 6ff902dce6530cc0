/** Runs rules over the index, enforcing the rule contract centrally. */
import { createHash } from 'node:crypto';
import type { Index, Resource } from '../model/index.js';
import { compareSpans } from '../model/span.js';
import { expandKinds } from '../model/resource.js';
import { createFinding } from './finding.js';
import type { Facts, Finding, Level, ReportDescriptor, Rule, Severity } from './types.js';

export interface RunOptions {
  /** Effective level per rule id (absent: the rule's default severity). */
  readonly levels?: Readonly<Record<string, Level>>;
  readonly facts?: Facts;
  /** A `{{placeholder}}` without data is an error (rule tests). */
  readonly strictMessages?: boolean;
  /** Record, per input file, the index keys its subjects' checks read and their findings (see `Tracking`). */
  readonly track?: Tracking;
}

/**
 * What an incremental run keeps of each check (src/incremental.ts): the findings of the subjects
 * of each unit (the input file a resource was built from) and the index keys their checks read.
 * A check's findings are a function of its subject and of what those keys give.
 */
export interface Tracking {
  unitOf(r: Resource): string;
  /** Check only the subjects of these units (default: every subject). */
  readonly only?: ReadonlySet<string>;
  readonly keys: Map<string, Set<string>>;
  readonly findings: Map<string, Finding[]>;
}

export class RuleError extends Error {
  constructor(readonly ruleId: string, readonly subject: string, cause: unknown) {
    super(`rule ${ruleId} failed on ${subject}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function runRules(rules: readonly Rule[], index: Index, opts: RunOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const facts = opts.facts ?? {};
  const track = opts.track;
  let keys: Set<string> | undefined;
  let unitFindings: Finding[] | undefined;
  const observer = (k: string) => keys!.add(k);
  const outer = index.observe(undefined);
  try {
    for (const rule of rules) {
      const level = opts.levels?.[rule.meta.id] ?? rule.meta.severity;
      if (level === 'off') continue;
      const kinds = expandKinds(rule.meta.appliesTo);
      // One context per rule, reporting for the subject being checked.
      let subject: Resource;
      const ctx = {
        index,
        facts,
        report(d: ReportDescriptor<string>) {
          const f = createFinding(rule.meta, { ...d, severity: level as Severity, subject: subject.key }, opts.strictMessages);
          findings.push(f);
          unitFindings?.push(f);
        },
      };
      for (subject of index.ofKind(...kinds) as Resource[]) {
        if (track) {
          const unit = track.unitOf(subject as Resource);
          if (track.only && !track.only.has(unit)) continue;
          keys = track.keys.get(unit);
          if (!keys) track.keys.set(unit, (keys = new Set()));
          unitFindings = track.findings.get(unit);
          if (!unitFindings) track.findings.set(unit, (unitFindings = []));
          index.observe(observer);
        }
        try {
          rule.check(subject, ctx as never);
        } catch (e) {
          throw new RuleError(rule.meta.id, subject.key, e);
        } finally {
          if (track) index.observe(undefined);
        }
      }
    }
  } finally {
    index.observe(outer);
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
