/**
 * Templated YAML outside Helm charts: Argo CD and Flux generator templates, Ansible/Jinja
 * (`*.j2`), Go templates (`*.tpl`, `*.gotmpl`), ERB (`*.erb`). A document that holds a template
 * action where YAML cannot take one (`name: {{ .Release.Name }}-app`, a `{{- if … }}` line) is
 * not YAML until rendered: when it does not parse, that is a note (`parse/template`) at the
 * action, never a `parse/syntax` error. The test is textual and runs only on the parse-failure
 * path, so files that parse pay nothing for it.
 */
import path from 'node:path';
import type { Span } from '../model/span.js';
import { TEMPLATE_RULE } from './helm-source.js';
import type { ParseProblem } from './problem.js';

/** Extensions of template files: any document of theirs that does not parse is a template note. */
export const TEMPLATE_EXTENSIONS: ReadonlySet<string> = new Set(['.tpl', '.gotmpl', '.j2', '.jinja', '.jinja2', '.erb']);

/** Is this (display) path a template file by its extension (`deploy.yaml.j2`)? */
export function isTemplatePath(p: string): boolean {
  return TEMPLATE_EXTENSIONS.has(path.extname(p).toLowerCase());
}

/** A template action found in a document, as offsets into its text. */
export interface Action {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const OPEN = /\{\{|\{%|\{#|<%/g;
const CLOSE: Readonly<Record<string, string>> = { '{{': '}}', '{%': '%}', '{#': '#}', '<%': '%>' };

/**
 * Does the text before an action on its line put the action where a YAML (or JSON) node starts:
 * at the start of the line, after `key:`, `- `, `? `, `[`, `{` or `,`? Inside a quoted string, a
 * comment or the middle of a plain scalar, the action is ordinary text and parses. `whole` is
 * false when `before` is only the end of a longer line.
 */
function atNodeStart(before: string, whole: boolean): boolean {
  const t = before.replace(/\s+$/, '');
  if (whole && (t === '' || /^(\s*-)+$/.test(t))) return true;
  // `key: {{`, and `"key":{{` (a quoted key needs no space after the colon, in JSON and YAML flow style).
  if (t.endsWith(':')) return before.length > t.length || /["']:$/.test(t);
  return /(^|\s)[-?]$/.test(t) || /[[{,]$/.test(t);
}

/** How far back an action's line and forward its closing delimiter are looked for (linear time on any input). */
const REACH = 256;

/**
 * The template actions of `text` that YAML cannot parse where they stand (or, with `anywhere`,
 * every action: for template files). ERB `<% … %>` counts only with `anywhere`: YAML reads it as
 * a plain scalar.
 */
export function templateActions(text: string, anywhere = false): Action[] {
  const out: Action[] = [];
  let lineStart = 0;
  let nextNl = text.indexOf('\n');
  for (const m of text.matchAll(OPEN)) {
    const start = m.index;
    while (nextNl !== -1 && nextNl < start) {
      lineStart = nextNl + 1;
      nextNl = text.indexOf('\n', lineStart);
    }
    const eol = Math.min(nextNl === -1 ? text.length : nextNl, start + REACH);
    const close = text.slice(start + 2, eol).indexOf(CLOSE[m[0]]);
    const end = close === -1 ? eol : start + 2 + close + 2;
    const from = Math.max(lineStart, start - REACH);
    if (!anywhere && (m[0] === '<%' || !atNodeStart(text.slice(from, start), from === lineStart))) continue;
    if (out.length && out[out.length - 1].end > start) continue; // `{{ {{` or an action inside an action
    out.push({ start, end, text: text.slice(start, end).replace(/\s+$/, '') });
  }
  return out;
}

/** The action a parse error at `offset` is blamed on: the last one at or before it, else the first. */
export function blamedAction(actions: readonly Action[], offset: number): Action | undefined {
  let best: Action | undefined;
  for (const a of actions) if (a.start <= offset) best = a;
  return best ?? actions[0];
}

const MAX_SHOWN = 60;

/** The action as the message quotes it: one line, at most 60 characters. */
function shown(a: Action): string {
  return a.text.length > MAX_SHOWN ? `${a.text.slice(0, MAX_SHOWN - 1)}…` : a.text;
}

/**
 * The note for a document that does not parse because it is a template, or undefined when it is
 * not one (then the error is a `parse/syntax` finding). `span` maps offsets of `text` to positions.
 */
export function templateProblem(text: string, file: string, errorOffset: number, error: string, span: (start: number, end: number) => Span): ParseProblem | undefined {
  const templateFile = isTemplatePath(file);
  const actions = templateActions(text, templateFile);
  const a = blamedAction(actions, errorOffset);
  if (a) {
    return { message: error, code: 'TEMPLATE', span: span(a.start, a.end), rule: { id: TEMPLATE_RULE, messageId: 'templatedYaml', data: { action: shown(a), error } } };
  }
  if (!templateFile) return undefined;
  return { message: error, code: 'TEMPLATE', span: span(errorOffset, errorOffset + 1), rule: { id: TEMPLATE_RULE, messageId: 'templateFile', data: { file: path.basename(file), error } } };
}
