/**
 * Baselines: adopt the linter on a repository with known findings and report only new ones.
 *
 * `--write-baseline FILE` records every finding that is not suppressed; `--baseline FILE` drops
 * the findings recorded there. An entry is matched on rule id, file and fingerprint, never on a
 * line number: the fingerprint hashes the rule, the file (relative to the baseline's directory),
 * the subject and the message, numbered by occurrence, so inserting lines above a finding, moving
 * a block, or reordering the documents of a file does not make an old finding new. It equals
 * `Finding.fingerprint` when the baseline sits in the directory the linter runs from, except that
 * subjects keyed by position (`iam:Role@file:12`, roles without a static ARN) lose the line.
 *
 * The file is JSON, sorted, without dates or line numbers, so rewriting it gives a reviewable
 * diff: a fixed finding disappears from the next written baseline.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from './engine/types.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  readonly ruleId: string;
  /** Relative to the baseline file's directory, `/`-separated. */
  readonly file: string;
  readonly fingerprint: string;
  /** For readers of the file; not used for matching. */
  readonly message: string;
}

export interface Baseline {
  readonly version: number;
  readonly tool: string;
  readonly findings: readonly BaselineEntry[];
}

export class BaselineError extends Error {}

/** A subject without the line suffix of position-keyed resources (`iam:Role@f.yaml:12` → `iam:Role@f.yaml`). */
export function stableSubject(subject: string): string {
  return subject.replace(/^([a-z0-9]+:[A-Za-z]+[^@]*@.*):\d+$/, '$1');
}

function relFile(file: string, baseDir: string, cwd: string): string {
  if (file === '<stdin>') return file;
  return path.relative(baseDir, path.resolve(cwd, file)).split(path.sep).join('/');
}

/**
 * Baseline entries for the findings that are not suppressed, in the findings' order (sorted, as
 * `lint` returns them), with occurrence-numbered fingerprints.
 */
export function baselineEntries(findings: readonly Finding[], baseDir: string, cwd: string): BaselineEntry[] {
  const seen = new Map<string, number>();
  const out: BaselineEntry[] = [];
  for (const f of findings) {
    if (f.suppressions?.length) continue;
    const file = relFile(f.location.file, baseDir, cwd);
    const basis = `${f.ruleId}\0${file}\0${stableSubject(f.subject)}\0${f.message}`;
    const n = (seen.get(basis) ?? 0) + 1;
    seen.set(basis, n);
    out.push({ ruleId: f.ruleId, file, fingerprint: createHash('sha256').update(`${basis}\0${n}`).digest('hex').slice(0, 32), message: f.message });
  }
  return out;
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  const k = (e: BaselineEntry) => `${e.file}\0${e.ruleId}\0${e.fingerprint}`;
  return k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0;
}

/** The baseline file's text for these findings. */
export function formatBaseline(findings: readonly Finding[], baseDir: string, cwd: string): string {
  const entries = baselineEntries(findings, baseDir, cwd).sort(compareEntries);
  const doc: Baseline = { version: BASELINE_VERSION, tool: 'irsa-lint', findings: entries };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** Write the baseline; returns the number of entries. */
export function writeBaseline(absFile: string, findings: readonly Finding[], cwd: string): number {
  const text = formatBaseline(findings, path.dirname(absFile), cwd);
  fs.mkdirSync(path.dirname(absFile), { recursive: true });
  fs.writeFileSync(absFile, text);
  return (JSON.parse(text) as Baseline).findings.length;
}

export function readBaseline(absFile: string, display = absFile): Baseline {
  let text: string;
  try {
    text = fs.readFileSync(absFile, 'utf8');
  } catch (e) {
    throw new BaselineError(`cannot read baseline ${display} (${(e as NodeJS.ErrnoException).code ?? 'EIO'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`baseline ${display} is not JSON: ${(e as Error).message}`);
  }
  const d = doc as Partial<Baseline>;
  if (!d || typeof d !== 'object' || d.version !== BASELINE_VERSION || !Array.isArray(d.findings)) {
    throw new BaselineError(`baseline ${display} is not an irsa-lint baseline (version ${BASELINE_VERSION})`);
  }
  for (const e of d.findings) {
    if (!e || typeof e.ruleId !== 'string' || typeof e.file !== 'string' || typeof e.fingerprint !== 'string') {
      throw new BaselineError(`baseline ${display} has an entry without ruleId, file and fingerprint`);
    }
  }
  return d as Baseline;
}

export interface BaselineResult {
  /** Findings not in the baseline (suppressed findings are kept: they are not the baseline's business). */
  readonly findings: Finding[];
  /** How many findings the baseline matched (and were dropped). */
  readonly known: number;
  /** Baseline entries that matched nothing: fixed since it was written. */
  readonly stale: number;
}

/** Drop the findings recorded in the baseline (`absFile` is where the baseline lives, for its relative paths). */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline, absFile: string, cwd: string): BaselineResult {
  const pool = new Map<string, number>();
  const key = (e: { ruleId: string; file: string; fingerprint: string }) => `${e.ruleId}\0${e.file}\0${e.fingerprint}`;
  for (const e of baseline.findings) pool.set(key(e), (pool.get(key(e)) ?? 0) + 1);
  const entries = baselineEntries(findings, path.dirname(absFile), cwd);
  const known = new Set<Finding>();
  let i = 0;
  for (const f of findings) {
    if (f.suppressions?.length) continue;
    const k = key(entries[i++]);
    const n = pool.get(k) ?? 0;
    if (n > 0) {
      pool.set(k, n - 1);
      known.add(f);
    }
  }
  let stale = 0;
  for (const n of pool.values()) stale += n;
  return { findings: findings.filter((f) => !known.has(f)), known: known.size, stale };
}
