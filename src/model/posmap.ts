/**
 * Where each character of a decoded string comes from in its source file (YAML block scalars,
 * JSON strings with escapes, strings assembled by the static evaluators from templates and
 * substitutions), so that a finding about part of a value points at exactly those characters.
 *
 * A map is a list of runs over the string's characters, each either
 * - advancing: the characters sit one after another on one source line, one column each; the end
 *   of the run's last character is stored (an escape such as `\n` is two source characters, a
 *   newline of a block scalar ends at the start of the next line); or
 * - fixed: every character maps to one span (a substituted value, a placeholder, a string that
 *   could not be followed character by character).
 *
 * A map is plain data (no methods, no closures), so a model holding it can be cached on disk and
 * sent between worker threads by structured clone; `posSpan` reads it.
 */
import { exact } from './compact.js';

/** A source span (the same shape as `Span` in span.ts, which builds on this module). */
interface Span {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface PosMap {
  /** The source file of every position. */
  readonly file: string;
  /** The length of the decoded string. */
  readonly length: number;
  /** `W` numbers per run (at, kind: 0 advancing / 1 fixed, line, column, endLine, endColumn), in order of `at`, the first at 0. */
  readonly runs: readonly number[];
  /** The span of the whole value (for an empty string, and as the fallback). */
  readonly whole: Span;
}

/** Numbers per run. */
const W = 6;

function make(file: string, length: number, runs: readonly number[], whole: Span): PosMap {
  return { file, length, runs: exact(runs), whole };
}

/** A map from its parts (a loader that computes runs itself). */
export function posMap(file: string, length: number, runs: readonly number[], whole: Span): PosMap {
  return make(file, length, runs, whole);
}

/** Every character maps to `span`. */
export function posFixed(span: Span, length: number): PosMap {
  return make(span.file, length, length > 0 ? [0, 1, span.line, span.column, span.endLine, span.endColumn] : [], span);
}

/** `length` characters one after another on `line` from `column`. */
export function posLine(file: string, line: number, column: number, length: number, whole?: Span): PosMap {
  const w = whole ?? { file, line, column, endLine: line, endColumn: column + length };
  return make(file, length, length > 0 ? [0, 0, line, column, line, column + length] : [], w);
}

/**
 * From the span of every character (`charSpan(k)` for `k` in `[0, length)`): consecutive
 * characters that follow each other on one line form one run.
 */
export function posFromCharSpans(file: string, length: number, charSpan: (k: number) => Span, whole: Span): PosMap {
  const runs: number[] = [];
  let prevEnd: Span | undefined;
  for (let k = 0; k < length; k++) {
    const s = charSpan(k);
    const n = runs.length;
    const continues =
      n > 0 &&
      runs[n - W + 1] === 0 &&
      prevEnd !== undefined &&
      s.line === runs[n - W + 2] &&
      s.line === prevEnd.endLine &&
      s.column === prevEnd.endColumn &&
      s.column === runs[n - W + 3] + (k - runs[n - W]);
    if (continues) {
      runs[n - W + 4] = s.endLine;
      runs[n - W + 5] = s.endColumn;
    } else runs.push(k, 0, s.line, s.column, s.endLine, s.endColumn);
    prevEnd = s;
  }
  return make(file, length, runs, whole);
}

/** The maps of consecutive parts of a string, joined. */
export function posConcat(parts: readonly PosMap[], whole: Span): PosMap {
  const runs: number[] = [];
  let off = 0;
  for (const p of parts) {
    for (let i = 0; i < p.runs.length; i += W) runs.push(p.runs[i] + off, p.runs[i + 1], p.runs[i + 2], p.runs[i + 3], p.runs[i + 4], p.runs[i + 5]);
    off += p.length;
  }
  return make(whole.file, off, runs, whole);
}

/** The map of the characters `[from, to)`. */
export function posSlice(m: PosMap, from: number, to: number): PosMap {
  from = clamp(from, 0, m.length);
  to = clamp(to, from, m.length);
  if (from === 0 && to === m.length) return m;
  const r = m.runs;
  const runs: number[] = [];
  for (let i = 0; i < r.length; i += W) {
    const at = r[i];
    const next = i + W < r.length ? r[i + W] : m.length;
    if (next <= from || at >= to) continue;
    const a = Math.max(at, from);
    const b = Math.min(next, to);
    if (r[i + 1] === 1) runs.push(a - from, 1, r[i + 2], r[i + 3], r[i + 4], r[i + 5]);
    else if (b === next) runs.push(a - from, 0, r[i + 2], r[i + 3] + (a - at), r[i + 4], r[i + 5]);
    else runs.push(a - from, 0, r[i + 2], r[i + 3] + (a - at), r[i + 2], r[i + 3] + (b - at));
  }
  return make(m.file, to - from, runs, runs.length > 0 ? posSpan(m, from, to) : m.whole);
}

/** The span of the characters `[start, end)`. */
export function posSpan(m: PosMap, start: number, end: number): Span {
  const r = m.runs;
  const n = r.length;
  if (n === 0) return m.whole;
  const a = clamp(start, 0, m.length);
  const b = clamp(end, a, m.length);
  if (a === b) {
    if (a === m.length) {
      const i = n - W;
      if (r[i + 1] === 1) return runSpan(m, i);
      return point(m.file, r[i + 4], r[i + 5]);
    }
    const i = runAt(m, a);
    if (r[i + 1] === 1) return runSpan(m, i);
    return point(m.file, r[i + 2], r[i + 3] + (a - r[i]));
  }
  const i = runAt(m, a);
  const j = runAt(m, b - 1);
  const column = r[i + 1] === 1 ? r[i + 3] : r[i + 3] + (a - r[i]);
  const lastOfRun = (j + W < n ? r[j + W] : m.length) - 1;
  const whole = r[j + 1] === 1 || b - 1 === lastOfRun;
  return {
    file: m.file,
    line: r[i + 2],
    column,
    endLine: whole ? r[j + 4] : r[j + 2],
    endColumn: whole ? r[j + 5] : r[j + 3] + (b - r[j]),
  };
}

/** Index (in `runs`) of the run holding character `k`. */
function runAt(m: PosMap, k: number): number {
  const r = m.runs;
  let lo = 0;
  let hi = r.length / W - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (r[mid * W] <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo * W;
}

function runSpan(m: PosMap, i: number): Span {
  const r = m.runs;
  return { file: m.file, line: r[i + 2], column: r[i + 3], endLine: r[i + 4], endColumn: r[i + 5] };
}

function point(file: string, line: number, column: number): Span {
  return { file, line, column, endLine: line, endColumn: column };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(x, hi));
}
