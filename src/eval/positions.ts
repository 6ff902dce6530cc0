/**
 * Offsets to positions for readers that get character offsets from their parser (TypeScript,
 * HCL): 1-based lines and columns, `endColumn` exclusive, columns in UTF-16 code units.
 */
import type { Span } from '../model/span.js';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column of a character offset. */
  pos(offset: number): { line: number; column: number } {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - s[lo] + 1 };
  }

  /** Span of the characters [a, b). */
  span(a: number, b: number): Span {
    const s = this.pos(a);
    const e = this.pos(Math.max(a, b));
    return { file: this.file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
  }
}
