/**
 * Suppression comments in YAML files:
 *
 *   # irsa-lint-disable-next-line <rule>[, <rule>...] -- <reason>
 *   key: value   # irsa-lint-disable-line <rule> -- <reason>
 *   # irsa-lint-disable <rule> -- <reason>          (the whole file)
 *
 * Comments are found with the `yaml` lexer, so `#` inside quoted strings and block scalars (a
 * shell script in a ConfigMap) is never mistaken for a directive. Files without the text
 * `irsa-lint-disable` are not lexed at all.
 */
import { Lexer } from 'yaml';
import type { Span } from '../model/span.js';

export type CommentForm = 'next-line' | 'line' | 'file';

export interface CommentDirective {
  readonly form: CommentForm;
  /** Rule ids (or `domain/*`) as written. */
  readonly rules: readonly string[];
  /** Span of each rule id in `rules`. */
  readonly ruleSpans: readonly Span[];
  /** Empty when missing. */
  readonly reason: string;
  /** Span of the comment text (from `#` to the end of the line). */
  readonly span: Span;
  /** The 1-based line the directive applies to (`file`: 0). */
  readonly targetLine: number;
}

const MARKER = 'irsa-lint-disable';
const DIRECTIVE = /^#\s*irsa-lint-(disable-next-line|disable-line|disable)(?=\s|$)(.*)$/;
/** Tokens the lexer emits that are not source text (document start, flow error end, scalar marker). */
const SYNTHETIC = new Set(['\x02', '\x18', '\x1f']);

export function hasDirectives(text: string): boolean {
  return text.includes(MARKER);
}

/** Every suppression directive in a YAML file's text. */
export function scanComments(text: string, file: string): CommentDirective[] {
  if (!hasDirectives(text)) return [];
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (off: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo; // 0-based
  };
  const comments: { off: number; text: string }[] = [];
  let off = 0;
  for (const tok of new Lexer().lex(text)) {
    if (SYNTHETIC.has(tok)) continue;
    if (tok.startsWith('#') && tok.includes(MARKER)) comments.push({ off, text: tok });
    off += tok.length;
  }
  const out: CommentDirective[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text.trimEnd());
    if (!m) continue;
    const form: CommentForm = m[1] === 'disable-next-line' ? 'next-line' : m[1] === 'disable-line' ? 'line' : 'file';
    const { rules, reason } = parseBody(m[2]);
    const li = lineOf(c.off);
    const col = c.off - lineStarts[li] + 1;
    const span: Span = { file, line: li + 1, column: col, endLine: li + 1, endColumn: col + c.text.trimEnd().length };
    let from = c.text.length - m[2].length;
    const ruleSpans = rules.map((r) => {
      const i = c.text.indexOf(r, from);
      from = i + r.length;
      return { file, line: li + 1, column: col + i, endLine: li + 1, endColumn: col + i + r.length };
    });
    let targetLine = 0;
    if (form === 'line') targetLine = li + 1;
    else if (form === 'next-line') targetLine = nextCodeLine(text, lineStarts, li + 1);
    out.push({ form, rules, ruleSpans, reason, span, targetLine });
  }
  return out;
}

/** `a, b c -- reason` → rules [a, b, c], reason. */
export function parseBody(body: string): { rules: string[]; reason: string } {
  const sep = /(?:^|\s)--(?:\s|$)/.exec(body);
  const list = sep ? body.slice(0, sep.index) : body;
  const reason = sep ? body.slice(sep.index + sep[0].length).trim() : '';
  return { rules: list.split(/[\s,]+/).filter(Boolean), reason };
}

/** 1-based number of the first line at or after 0-based `from` that is neither blank nor only a comment. */
function nextCodeLine(text: string, lineStarts: readonly number[], from: number): number {
  for (let i = from; i < lineStarts.length; i++) {
    const end = i + 1 < lineStarts.length ? lineStarts[i + 1] : text.length;
    const line = text.slice(lineStarts[i], end).trim();
    if (line !== '' && !line.startsWith('#')) return i + 1;
  }
  return -1;
}
