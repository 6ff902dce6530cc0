/**
 * A plain-text table that fits a width: columns keep their natural width while the table fits;
 * otherwise the widest wrappable columns give up characters (down to a minimum) and their cells
 * wrap, at `/`, `:`, `-`, `|` or a space when one is near, else anywhere (titles too).
 */

export interface Column {
  readonly title: string;
  /** May wrap (else it keeps its natural width). */
  readonly wrap?: boolean;
  /** Narrowest width it may get when wrapping. */
  readonly min?: number;
  /** Columns of a lower rank give up width first (default 0). */
  readonly rank?: number;
}

/** Display width of text (each code point one column; the table holds no wide characters). */
export function width(s: string): number {
  return [...s].length;
}

/** Break `s` into lines of at most `w` characters. */
export function wrapText(s: string, w: number): string[] {
  const chars = [...s];
  if (chars.length <= w) return [s];
  const out: string[] = [];
  let rest = chars;
  while (rest.length > w) {
    let cut = -1;
    for (let i = w; i >= Math.ceil(w / 2); i--) {
      const c = rest[i - 1];
      if (c === '/' || c === ':' || c === '-' || c === '|' || c === ' ' || c === ',') {
        cut = i;
        break;
      }
    }
    if (cut < 0) cut = w;
    out.push(rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === ' ') rest = rest.slice(1);
  }
  if (rest.length) out.push(rest.join(''));
  return out;
}

/** Column widths for `rows` within `total` (the gap between columns is 2). */
export function fitWidths(columns: readonly Column[], rows: readonly (readonly string[])[], total: number): number[] {
  const widths = columns.map((c, i) => Math.max(width(c.title), ...rows.map((r) => width(r[i] ?? ''))));
  const used = () => widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1);
  while (used() > total) {
    let best = -1;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      if (!c.wrap || widths[i] <= (c.min ?? 8)) continue;
      const r = c.rank ?? 0;
      const rb = best < 0 ? 0 : (columns[best].rank ?? 0);
      if (best < 0 || r < rb || (r === rb && widths[i] > widths[best])) best = i;
    }
    if (best < 0) break;
    widths[best]--;
  }
  return widths;
}

/**
 * The table's lines (no trailing spaces). `style(column, line)` may colour a cell's text after
 * it is padded (so colours never change the layout).
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], total: number, style?: (column: number, row: number, text: string) => string): string[] {
  const widths = fitWidths(columns, rows, total);
  const lines: string[] = [];
  const emit = (cells: readonly string[], rowIndex: number) => {
    const wrapped = cells.map((c, i) => (columns[i].wrap ? wrapText(c, widths[i]) : [c]));
    const height = Math.max(...wrapped.map((w) => w.length));
    for (let k = 0; k < height; k++) {
      const parts = wrapped.map((w, i) => {
        const text = w[k] ?? '';
        const padded = i === wrapped.length - 1 ? text : text + ' '.repeat(Math.max(0, widths[i] - width(text)));
        return rowIndex >= 0 && style && text !== '' ? style(i, rowIndex, padded) : padded;
      });
      lines.push(parts.join('  ').trimEnd());
    }
  };
  emit(columns.map((c) => c.title), -1);
  rows.forEach((r, i) => emit(r, i));
  return lines;
}
