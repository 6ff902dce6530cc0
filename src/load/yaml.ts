/**
 * YAML streams to positioned trees. Documents are split on `---` markers first so that a
 * document whose top-level `kind` no rule reads is skipped before the (slow) full parse.
 */
import { Document, LineCounter, parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Node as YNode } from 'yaml';
import type { InnerMap, PEntry, PNode, PScalar } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import { looksTemplated } from '../model/span.js';
import { posFixed, posLine, posMap } from '../model/posmap.js';
import { sourceOf } from './helm-source.js';
import type { ParseProblem, RenderedDoc } from './problem.js';
export type { ParseProblem, RenderedDoc } from './problem.js';
import { templateProblem } from './template.js';
import { readBlockYaml } from './yaml-block.js';
import { own } from '../model/compact.js';

export interface YamlDoc {
  readonly node: PNode;
  /** 0-based index of the document in its stream. */
  readonly index: number;
}

export interface YamlResult {
  readonly docs: YamlDoc[];
  readonly problems: ParseProblem[];
  /** Documents (of those parsed) that name the template they were rendered from. */
  readonly rendered: RenderedDoc[];
}

/** Decides from a document's raw text whether it is worth parsing. */
export type ChunkFilter = (chunk: string) => boolean;

const DOC_MARKER = /^---(?=[ \t\r\n]|$)/gm;
const MAX_ALIAS_EXPANSIONS = 10_000;

export interface ParseYamlOptions {
  /** Blank inert ConfigMap data before parsing (`blankInertData`; default true). */
  readonly blankInert?: boolean;
  /** Read plain block documents with the direct reader (`readBlockYaml`; default true). */
  readonly blockReader?: boolean;
}

/** Parse a YAML stream. Never throws; syntax errors come back as problems with positions. */
export function parseYaml(text: string, file: string, want?: ChunkFilter, opts: ParseYamlOptions = {}): YamlResult {
  const docs: YamlDoc[] = [];
  const problems: ParseProblem[] = [];
  const rendered: RenderedDoc[] = [];
  const starts = [0];
  for (const m of text.matchAll(DOC_MARKER)) if (m.index !== 0) starts.push(m.index);
  let lineOffset = 0;
  let docIndex = 0;
  for (let i = 0; i < starts.length; i++) {
    const chunk = text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length);
    const chunkLines = countNewlines(chunk);
    if (!want || want(chunk)) {
      parseChunk(chunk, file, lineOffset, docIndex, docs, problems, opts.blankInert !== false, opts.blockReader !== false);
      const source = sourceOf(chunk, lineOffset + 1);
      if (source) rendered.push({ file, line: lineOffset + 1, endLine: lineOffset + chunkLines + (chunk.endsWith('\n') ? 0 : 1), source });
    }
    lineOffset += chunkLines;
    docIndex++;
  }
  return { docs, problems, rendered };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Nesting beyond this is reported and not parsed (the parser recurses, and where it would run out of stack depends on the thread). */
export const MAX_FLOW_DEPTH = 1000;

/**
 * Offset of the first flow bracket (`[`, `{`) nested deeper than `limit`, outside quoted scalars
 * and comments, or -1. A cheap scan that keeps deeply nested input (a hostile file) away from the
 * recursive parser.
 */
export function tooDeep(chunk: string, limit = MAX_FLOW_DEPTH): number {
  if (chunk.length < limit) return -1;
  let depth = 0;
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    } else if (c === 0x22 || c === 0x27) {
      // Skip a quoted scalar ('' escapes a quote in single quotes, \ escapes in double quotes).
      for (i++; i < chunk.length; i++) {
        const d = chunk.charCodeAt(i);
        if (c === 0x22 && d === 0x5c) i++;
        else if (d === c) {
          if (c === 0x27 && chunk.charCodeAt(i + 1) === 0x27) i++;
          else break;
        }
      }
    } else if (c === 0x23 && (i === 0 || chunk.charCodeAt(i - 1) <= 0x20)) {
      const nl = chunk.indexOf('\n', i);
      if (nl === -1) break;
      i = nl;
    }
  }
  return -1;
}

/**
 * Words that make a ConfigMap value worth reading: everything the rules look for in data values
 * (AWS settings and shared config/credentials text, access key ids, role ARNs, token files,
 * ccoctl's dry-run placeholders). A block scalar under `data` without any of them, in its key or
 * its text, is never read by a rule.
 */
const AWS_WORDS = /aws|akia|asia|arn|role|token|identity|profile|credential|region|sts|enter_/i;
const CONFIG_MAP = /^kind:[ \t]*['"]?ConfigMap['"]?[ \t]*(#.*)?$/m;
const DATA_KEY = /^data:[ \t]*(#.*)?$/;
/** `key: |` or `key: >` with an optional chomping indicator (no explicit indentation, anchor or tag). */
const HEADER = /:[ \t]+(?=[|>][-+]?[ \t]*(#.*)?$)/;
const BLOCK_ENTRY = /^( +)(?:[A-Za-z0-9_.-][^:#'"]*|"[^"\\]*"|'[^']*'):[ \t]+[|>][-+]?[ \t]*(#.*)?$/;

/**
 * The text of a ConfigMap document with the bodies of its inert `data` block scalars (see
 * AWS_WORDS: embedded application configs, dashboards, scripts) blanked: every line kept, so line
 * and column positions are unchanged (the last line of a body keeps its length, so spans end where
 * they did), and the scalar's header offset recorded so that the
 * converter makes it an unknown value. Most bytes of a GitOps repository are such bodies; the parser
 * then never reads them. Undefined when nothing is blanked.
 */
export function blankInertData(chunk: string): { text: string; omitted: Set<number> } | undefined {
  if (!CONFIG_MAP.test(chunk)) return undefined;
  const lines = chunk.split('\n');
  const omitted = new Set<number>();
  let offset = 0;
  let inData = false;
  let dataIndent = -1;
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const start = offset;
    offset += line.length + 1;
    const body = line.replace(/\r$/, '');
    if (body.trim() === '' || /^\s*#/.test(body)) continue;
    const indent = body.length - body.trimStart().length;
    if (indent === 0) {
      inData = DATA_KEY.test(body);
      dataIndent = -1;
      continue;
    }
    if (!inData || body.includes('\t')) continue;
    if (dataIndent === -1) dataIndent = indent;
    if (indent !== dataIndent) continue;
    const m = BLOCK_ENTRY.exec(body);
    if (!m) continue;
    // The body, as YAML finds it: the first content line sets the indentation; the following lines
    // that are blank or indented at least as much. Leading blank lines wider than the content, or a
    // tab in an indentation, are left to the parser (they can be errors).
    let j = i + 1;
    let last = i;
    let content = -1;
    let wideBlank = false;
    while (j < lines.length) {
      const l = lines[j].replace(/\r$/, '');
      if (l.trim() === '') {
        if (content === -1 && l.length > indent + 1) wideBlank = true;
        j++;
        continue;
      }
      const d = l.length - l.trimStart().length;
      if (content === -1) content = d;
      if (d <= indent || d < content || l.slice(0, d).includes('\t')) break;
      last = j;
      j++;
    }
    if (last === i || wideBlank) continue;
    let text = body;
    for (let k = i + 1; k <= last; k++) text += '\n' + lines[k];
    if (AWS_WORDS.test(text)) continue;
    const h = HEADER.exec(body)!;
    omitted.add(start + h.index + h[0].length);
    // Offsets are those of the blanked text: later lines move up by what was removed. The last
    // line keeps its length (spaces and one character), so that the scalar and the maps around it
    // end where they did.
    for (let k = i + 1; k <= last; k++) {
      const cr = lines[k].endsWith('\r') ? '\r' : '';
      const len = lines[k].length - cr.length;
      lines[k] = (k === last ? `${' '.repeat(len - 1)}x` : '') + cr;
      offset += lines[k].length + 1;
    }
    i = last;
    changed = true;
  }
  return changed ? { text: lines.join('\n'), omitted } : undefined;
}

function parseChunk(chunk: string, file: string, lineOffset: number, docIndex: number, out: YamlDoc[], problems: ParseProblem[], blank: boolean, direct: boolean): void {
  const blanked = blank ? blankInertData(chunk) : undefined;
  if (blanked) chunk = blanked.text;
  // The direct reader bounds its own nesting (and gives deep documents back): the depth scan
  // is for the yaml path.
  if (direct) {
    // The reader fills the line counter with the line starts it finds.
    const lines = new LineCounter();
    const node = readBlockYaml(chunk, new Converter(chunk, file, lines, lineOffset, blanked?.omitted), lines.lineStarts);
    if (node) {
      out.push({ node, index: docIndex });
      return;
    }
  }
  const lc = new LineCounter();
  const deep = tooDeep(chunk);
  if (deep !== -1) {
    lc.addNewLine(0);
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
    problems.push({ message: 'document is nested too deeply', code: 'TOO_DEEP', span: new Converter(chunk, file, lc, lineOffset).span(deep, deep + 1) });
    return;
  }
  const parsed = parseAllDocuments(chunk, { lineCounter: lc, version: '1.1', prettyErrors: false, uniqueKeys: true });
  const ctx = new Converter(chunk, file, lc, lineOffset, blanked?.omitted);
  const list = Array.isArray(parsed) ? parsed : [];
  for (const doc of list) {
    const errors = doc.errors;
    // The first error of a document is the cause; later ones are usually its cascade.
    const e = errors[0];
    if (e) {
      let start = e.pos[0];
      const last = chunk.replace(/\s+$/, '').length;
      if (start >= last) start = Math.max(0, last - 1); // errors at end of input point at the last character
      const end = Math.max(Math.min(e.pos[1], last), start + 1);
      let message = firstLine(e.message);
      // Where the stack runs out depends on the thread: report the document, the same everywhere.
      if (/call stack/i.test(message)) {
        problems.push({ message: 'document is nested too deeply', code: 'TOO_DEEP', span: ctx.span(0, Math.min(1, chunk.length)) });
        continue;
      }
      if (e.code === 'DUPLICATE_KEY') {
        // Name the key: "map keys must be unique" alone leaves the reader to find it.
        const head = chunk.slice(start, start + 256);
        const key = /^(["'])(.*?)\1/.exec(head)?.[2] ?? /^[^\s:#,{}[\]]+/.exec(head)?.[0];
        if (key) message = `duplicate key "${key}": ${message}`;
      }
      // A document that holds template actions where YAML cannot take them is not YAML until rendered: a note, not an error.
      problems.push(templateProblem(chunk, file, start, message, (a, b) => ctx.span(a, b)) ?? { message, code: e.code, span: ctx.span(start, end) });
    }
    if (errors.length > 0 || doc.contents === null) continue;
    const node = ctx.convert(doc, doc.contents as YNode);
    if (node) out.push({ node, index: docIndex });
  }
}

function firstLine(msg: string): string {
  const i = msg.indexOf('\n');
  const line = (i === -1 ? msg : msg.slice(0, i)).trim();
  const text = line.replace(/ at line \d+, column \d+:?$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export class Converter {
  private aliasBudget = MAX_ALIAS_EXPANSIONS;
  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly lc: LineCounter,
    private readonly lineOffset: number,
    /** Header offsets of block scalars whose body was blanked (`blankInertData`): unknown values. */
    private readonly omitted?: ReadonlySet<number>,
  ) {}

  span(start: number, end: number): Span {
    // Exclude a trailing newline (block scalars end at the start of the next line).
    while (end > start + 1 && (this.src[end - 1] === '\n' || this.src[end - 1] === '\r')) end--;
    const line = this.lineOf(start);
    const column = this.col;
    const endLine = this.lineOf(end);
    return { file: this.file, line: line + this.lineOffset, column, endLine: endLine + this.lineOffset, endColumn: this.col };
  }

  /** Column of the last `lineOf` (1-based). */
  private col = 0;

  /** LineCounter.linePos without its result object: the line, with the column left in `col`. */
  private lineOf(offset: number): number {
    const starts = this.lc.lineStarts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid] < offset) low = mid + 1;
      else high = mid;
    }
    if (starts[low] === offset) {
      this.col = 1;
      return low + 1;
    }
    if (low === 0) {
      this.col = offset;
      return 0;
    }
    this.col = offset - starts[low - 1] + 1;
    return low;
  }

  private nodeSpan(n: YNode): Span {
    const r = n.range ?? [0, 0, 0];
    return this.span(r[0], r[1]);
  }

  convert(doc: Document, n: YNode | null | undefined, depth = 0): PNode | undefined {
    if (n === null || n === undefined || depth > 200) return undefined;
    if (isAlias(n)) {
      if (--this.aliasBudget < 0) return { type: 'scalar', value: null, span: this.nodeSpan(n), unknown: true };
      const target = n.resolve(doc);
      return target ? this.convert(doc, target as YNode, depth + 1) : undefined;
    }
    const tag = n.tag && !n.tag.startsWith('tag:yaml.org,2002:') ? n.tag : undefined;
    if (isScalar(n)) return this.scalar(n, tag);
    const action = this.templateAction(n);
    if (action) return action;
    if (isMap(n)) {
      const entries: PEntry[] = [];
      for (const item of n.items) {
        if (!isPair(item)) continue;
        const keyNode = item.key as YNode | null;
        const valueNode = this.convert(doc, item.value as YNode | null, depth + 1);
        const key = this.keyScalar(doc, keyNode);
        if (key.value === '<<' && valueNode) {
          mergeInto(entries, valueNode);
          continue;
        }
        entries.push({ key, value: valueNode ?? { type: 'scalar', value: null, span: key.span } });
      }
      return { type: 'map', entries, span: this.nodeSpan(n), ...(tag ? { tag } : {}) };
    }
    if (isSeq(n)) {
      const items: PNode[] = [];
      for (const item of n.items) {
        const c = this.convert(doc, item as YNode, depth + 1);
        if (c) items.push(c);
      }
      return { type: 'seq', items, span: this.nodeSpan(n), ...(tag ? { tag } : {}) };
    }
    return undefined;
  }

  /**
   * A flow map that is really a template action (`name: {{ .Values.name }}` parses as a map in a
   * map): an unknown scalar holding the action's text.
   */
  private templateAction(n: YNode): PScalar | undefined {
    if (!isMap(n) || !n.flow || !n.range) return undefined;
    const [a, b] = n.range;
    if (this.src.startsWith('{{', a) && this.src.slice(Math.max(a, b - 2), b) === '}}') return { type: 'scalar', value: this.src.slice(a, b), span: this.span(a, b), unknown: true };
    return undefined;
  }

  private keyScalar(doc: Document, k: YNode | null): PScalar {
    const action = k ? this.templateAction(k) : undefined;
    if (action) return action;
    if (k && isScalar(k)) return this.keyOf(k.value, k.range ?? [0, 0, 0]);
    const span = k ? this.nodeSpan(k) : this.span(0, 0);
    return { type: 'scalar', value: k ? String(k) : null, span };
  }

  /** A key scalar, from its resolved value and range. */
  keyOf(v: unknown, range: readonly number[]): PScalar {
    return { type: 'scalar', value: v === null || v === undefined ? null : typeof v === 'object' ? String(v) : typeof v === 'string' ? own(v) : (v as number | boolean), span: this.span(range[0], range[1]) };
  }

  private scalar(n: Scalar, tag: string | undefined): PScalar {
    return this.scalarOf(n.value, n.range ?? [0, 0, 0], n.type, tag);
  }

  /** A value scalar, from its resolved value, range and YAML scalar type (`Scalar.BLOCK_LITERAL`...). */
  scalarOf(raw: unknown, range: readonly number[], type: Scalar['type'], tag: string | undefined): PScalar {
    if (this.omitted && this.omitted.has(range[0])) return { type: 'scalar', value: '', span: this.span(range[0], range[1]), unknown: true };
    let value: string | number | boolean | null;
    if (raw === null || raw === undefined) value = null;
    else if (typeof raw === 'string') value = own(raw);
    else if (typeof raw === 'number' || typeof raw === 'boolean') value = raw;
    else if (typeof raw === 'bigint') value = Number(raw);
    else value = String(raw);
    const span = this.span(range[0], range[1]);
    const unknown = typeof value === 'string' && looksTemplated(value);
    const inner = typeof value === 'string' ? this.innerMap(range, type, value, span) : undefined;
    // Set one by one rather than spread: a spread at a site this busy costs more than the scalar.
    const node: { -readonly [K in keyof PScalar]: PScalar[K] } = { type: 'scalar', value, span };
    if (tag) node.tag = tag;
    if (unknown) node.unknown = unknown;
    if (inner) node.inner = inner;
    return node;
  }

  /** Position mapping for literal block scalars and single-line plain/quoted strings. */
  private innerMap(r: readonly number[], type: Scalar['type'], value: string, whole: Span): InnerMap | undefined {
    const fallback = posFixed(whole, value.length);
    if (type === Scalar.BLOCK_LITERAL) {
      // Content starts on the line after the header; each decoded line is one source line.
      const headerEnd = this.src.indexOf('\n', r[0]);
      if (headerEnd === -1) return fallback;
      let indent = 0;
      let p = headerEnd + 1;
      // Indentation of the first non-empty content line.
      while (p < r[1]) {
        let q = p;
        while (this.src[q] === ' ') q++;
        if (this.src[q] !== '\n' && this.src[q] !== '\r') {
          indent = q - p;
          break;
        }
        p = this.src.indexOf('\n', p) + 1;
        if (p === 0) break;
      }
      const firstLine = this.lc.linePos(headerEnd + 1).line + this.lineOffset;
      // One run per decoded line; its newline ends where the next line's content starts.
      const runs: number[] = [];
      let li = 0;
      for (let start = 0; start < value.length; li++) {
        const nl = value.indexOf('\n', start);
        const end = nl === -1 ? value.length : nl + 1;
        const line = firstLine + li;
        const last = nl === -1 ? [line, indent + 1 + (end - start)] : [line + 1, indent + 1];
        runs.push(start, 0, line, indent + 1, last[0], last[1]);
        start = end;
      }
      return posMap(whole.file, value.length, runs, whole);
    }
    if (whole.line !== whole.endLine) return fallback;
    const quote = type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE ? 1 : 0;
    const rawLen = whole.endColumn - whole.column - 2 * quote;
    if (rawLen !== value.length) return fallback; // escapes changed the length
    // One undecoded line: the columns give every position (`subSpan`, `positionsOf`); no map kept.
    if (value.length > 0) return undefined;
    return posLine(whole.file, whole.line, whole.column + quote, value.length, whole);
  }
}

/** YAML 1.1 merge key: copy entries from the merged map(s) that the current map does not define. */
function mergeInto(entries: PEntry[], source: PNode): void {
  const maps = source.type === 'seq' ? source.items : [source];
  for (const m of maps) {
    if (m.type !== 'map') continue;
    for (const e of m.entries) if (!entries.some((x) => x.key.value === e.key.value)) entries.push(e);
  }
}
