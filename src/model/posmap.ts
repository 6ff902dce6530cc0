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
 * The map is plain data (`toJSON`/`fromJSON`), so a model holding it can be cached on disk and
 * sent between worker threads.
 */
import type { Span } from './span.js';

/** Numbers per run: at, kind (0 advancing, 1 fixed), line, column, endLine, endColumn. */
const W = 6;

export class PosMap {
  /**
   * @param file   the source file of every position
   * @param length the length of the decoded string
   * @param runs   `W` numbers per run, runs in order of `at`, the first at 0
   * @param whole  the span of the whole value (for an empty string, and as the fallback)
   */
  constructor(
    readonly file: string,
    readonly length: number,
    readonly runs: readonly number[],
    readonly whole: Span,
  ) {}

  /** Every character maps to `span`. */
  static fixed(span: Span, length: number): PosMap {
    return new PosMap(span.file, length, length > 0 ? [0, 1, span.line, span.column, span.endLine, span.endColumn] : [], span);
  }

  /** `length` characters one after another on `line` from `column`. */
  static line(file: string, line: number, column: number, length: number, whole?: Span): PosMap {
    const w = whole ?? { file, line, column, endLine: line, endColumn: column + length };
    return new PosMap(file, length, length > 0 ? [0, 0, line, column, line, column + length] : [], w);
  }

  /**
   * From the span of every character (`charSpan(k)` for `k` in `[0, length)`): consecutive
   * characters that follow each other on one line form one run.
   */
  static fromCharSpans(file: string, length: number, charSpan: (k: number) => Span, whole: Span): PosMap {
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
    return new PosMap(file, length, runs, whole);
  }

  /** The maps of consecutive parts of a string, joined. */
  static concat(parts: readonly PosMap[], whole: Span): PosMap {
    const runs: number[] = [];
    let off = 0;
    for (const p of parts) {
      for (let i = 0; i < p.runs.length; i += W) runs.push(p.runs[i] + off, p.runs[i + 1], p.runs[i + 2], p.runs[i + 3], p.runs[i + 4], p.runs[i + 5]);
      off += p.length;
    }
    return new PosMap(whole.file, off, runs, whole);
  }

  /** The map of the characters `[from, to)`. */
  slice(from: number, to: number): PosMap {
    from = clamp(from, 0, this.length);
    to = clamp(to, from, this.length);
    if (from === 0 && to === this.length) return this;
    const runs: number[] = [];
    for (let i = 0; i < this.runs.length; i += W) {
      const at = this.runs[i];
      const next = i + W < this.runs.length ? this.runs[i + W] : this.length;
      if (next <= from || at >= to) continue;
      const kind = this.runs[i + 1];
      const a = Math.max(at, from);
      const b = Math.min(next, to);
      const [line, column, endLine, endColumn] = [this.runs[i + 2], this.runs[i + 3], this.runs[i + 4], this.runs[i + 5]];
      if (kind === 1) runs.push(a - from, 1, line, column, endLine, endColumn);
      else {
        const end = b === next ? [endLine, endColumn] : [line, column + (b - at)];
        runs.push(a - from, 0, line, column + (a - at), end[0], end[1]);
      }
    }
    const s = runs.length > 0 ? this.spanOf(from, to) : this.whole;
    return new PosMap(this.file, to - from, runs, s);
  }

  /** The span of the characters `[start, end)`. */
  spanOf(start: number, end: number): Span {
    const n = this.runs.length;
    if (n === 0) return this.whole;
    const a = clamp(start, 0, this.length);
    const b = clamp(end, a, this.length);
    if (a === b) {
      if (a === this.length) {
        const i = n - W;
        if (this.runs[i + 1] === 1) return this.runSpan(i);
        return this.point(this.runs[i + 4], this.runs[i + 5]);
      }
      const i = this.runAt(a);
      if (this.runs[i + 1] === 1) return this.runSpan(i);
      const col = this.runs[i + 3] + (a - this.runs[i]);
      return this.point(this.runs[i + 2], col);
    }
    const i = this.runAt(a);
    const j = this.runAt(b - 1);
    const sLine = this.runs[i + 2];
    const sCol = this.runs[i + 1] === 1 ? this.runs[i + 3] : this.runs[i + 3] + (a - this.runs[i]);
    let eLine: number;
    let eCol: number;
    const lastOfRun = (j + W < n ? this.runs[j + W] : this.length) - 1;
    if (this.runs[j + 1] === 1 || b - 1 === lastOfRun) {
      eLine = this.runs[j + 4];
      eCol = this.runs[j + 5];
    } else {
      eLine = this.runs[j + 2];
      eCol = this.runs[j + 3] + (b - this.runs[j]);
    }
    return { file: this.file, line: sLine, column: sCol, endLine: eLine, endColumn: eCol };
  }

  toJSON(): { f: string; n: number; r: readonly number[]; w: readonly number[] } {
    const w = this.whole;
    return { f: this.file, n: this.length, r: this.runs, w: [w.line, w.column, w.endLine, w.endColumn] };
  }

  static fromJSON(o: { f: string; n: number; r: readonly number[]; w: readonly number[] }): PosMap {
    return new PosMap(o.f, o.n, o.r, { file: o.f, line: o.w[0], column: o.w[1], endLine: o.w[2], endColumn: o.w[3] });
  }

  /** Index (in `runs`) of the run holding character `k`. */
  private runAt(k: number): number {
    let lo = 0;
    let hi = this.runs.length / W - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runs[mid * W] <= k) lo = mid;
      else hi = mid - 1;
    }
    return lo * W;
  }

  private runSpan(i: number): Span {
    return { file: this.file, line: this.runs[i + 2], column: this.runs[i + 3], endLine: this.runs[i + 4], endColumn: this.runs[i + 5] };
  }

  private point(line: number, column: number): Span {
    return { file: this.file, line, column, endLine: line, endColumn: column };
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(x, hi));
}
