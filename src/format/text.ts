/** Human output: one line per finding, related locations indented beneath, a summary at the end. */
import { createColors } from 'picocolors';
import type { Finding, Severity } from '../engine/types.js';
import type { Span } from '../model/span.js';

export interface TextOptions {
  readonly color?: boolean;
  /** Number of files read, for the summary line. */
  readonly fileCount?: number;
}

type Colors = ReturnType<typeof createColors>;

function paint(c: Colors, s: Severity): string {
  return s === 'error' ? c.red(s) : s === 'warning' ? c.yellow(s) : c.blue(s);
}

/** `file:line:column`, or with `ranges` `file:line:column-endLine:endColumn` (the end is exclusive). */
function where(s: Span, ranges: boolean): string {
  return `${s.file}:${s.line}:${s.column}${ranges ? `-${s.endLine}:${s.endColumn}` : ''}`;
}

/**
 * The finding lines alone (no summary). With `ranges`, every location also gives its end: the
 * format of the golden files (fixture `expected.txt`, the seed and corpus expectations).
 */
export function formatFindingLines(findings: readonly Finding[], color = false, ranges = false): string {
  const c = createColors(color);
  let out = '';
  for (const f of findings) {
    out += `${c.bold(where(f.location, ranges))}  ${paint(c, f.severity)}  ${f.message}  ${c.dim(f.ruleId)}\n`;
    for (const r of f.related) out += `    ${c.dim('related:')} ${where(r.location, ranges)}  ${r.label}\n`;
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(findings: readonly Finding[], fileCount: number): string {
  const n = { error: 0, warning: 0, note: 0 };
  for (const f of findings) n[f.severity]++;
  const files = plural(fileCount, 'file');
  if (findings.length === 0) return `no problems found in ${files}`;
  return `${plural(findings.length, 'problem')} (${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}, ${plural(n.note, 'note')}) in ${files}`;
}

export function formatText(findings: readonly Finding[], opts: TextOptions = {}): string {
  const c = createColors(!!opts.color);
  const lines = formatFindingLines(findings, !!opts.color);
  const summary = summaryLine(findings, opts.fileCount ?? 0);
  const hasError = findings.some((f) => f.severity === 'error');
  return `${lines}${lines ? '\n' : ''}${hasError ? c.red(summary) : findings.length ? c.yellow(summary) : c.green(summary)}\n`;
}
