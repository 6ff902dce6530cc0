/**
 * Strict JSON (RFC 8259) to positioned trees, hand-written so that every node, key and error
 * gets an exact span.
 *
 * Positions follow `Span`: 1-based lines and columns, `endColumn` exclusive. Columns count UTF-16
 * code units (JavaScript string indices), so a character outside the BMP counts as two columns.
 * Only `\n` ends a line (`\r\n` works; a lone `\r` is plain whitespace), as in the YAML loader.
 * A leading UTF-8 byte order mark is accepted and not counted: the first character after it is
 * column 1.
 *
 * Duplicate keys are not errors: like `JSON.parse`, the last value wins (the entry stays where
 * the key first appeared, with the key span of its last occurrence) and a warning is returned.
 *
 * The parser never throws; it is linear (one pass, no regular expressions) and parses a 5 MB
 * document in well under a second.
 */
import type { InnerMap, PEntry, PNode, PScalar } from '../model/pnode.js';
import { exact, intern } from '../model/compact.js';
import { looksTemplated, type Span } from '../model/span.js';
import { posFromCharSpans, posSpan } from '../model/posmap.js';

export interface JsonError {
  /** One line, e.g. `unexpected character '}' (expected a value)`. */
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface JsonWarning {
  message: string;
  span: Span;
  /** For a duplicate key: where the key first occurs. */
  first?: Span;
}

export interface JsonResult {
  /** The document; absent when there is an error. */
  node?: PNode;
  error?: JsonError;
  /** Non-fatal findings (duplicate keys), also returned alongside an error. */
  warnings: JsonWarning[];
}

/** Maps the half-open range [start, end) of offsets in the parsed text to a source span. */
type SpanFn = (start: number, end: number) => Span;

const MAX_DEPTH = 1000;

/** Parse a JSON file. `file` goes into every span. */
export function parseJson(text: string, file: string): JsonResult {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return run(text, bom, fileSpans(text, file, bom));
}

/**
 * Parse the decoded string value of `outer` (a JSON document stored in a string, such as a
 * CloudFormation or ccoctl `AssumeRolePolicyDocument`). Spans of the result point into the
 * original file:
 * - through `outer.inner` when the string was decoded (escapes, YAML block scalars);
 * - otherwise by offsetting from the token start on the same line, skipping one opening quote
 *   unless the token is exactly as wide as the value (an unquoted YAML scalar);
 * - a multi-line value without an inner map, or a URL-encoded document (`%7B...`, see
 *   `decodeMaybeUrlEncoded`), gives every node the span of `outer`.
 */
export function parseJsonInString(outer: PScalar, file: string): JsonResult {
  const whole: Span = outer.span.file === file ? outer.span : { ...outer.span, file };
  if (typeof outer.value !== 'string') {
    return { error: { ...position(whole), message: 'expected a string holding a JSON document' }, warnings: [] };
  }
  const text = outer.value;
  const url = decodeMaybeUrlEncoded(text);
  if (url !== undefined) return run(url, 0, () => whole);
  const inner = outer.inner;
  if (inner) {
    return run(text, 0, (a, b) => {
      const s = posSpan(inner, a, b);
      return s.file === file ? s : { ...s, file };
    });
  }
  if (text.includes('\n') || whole.line !== whole.endLine) return run(text, 0, () => whole);
  const base = whole.column + (whole.endColumn - whole.column === text.length ? 0 : 1);
  return run(text, 0, (a, b) => ({ file, line: whole.line, column: base + a, endLine: whole.line, endColumn: base + b }));
}

/**
 * The decoded text when `s` looks URL-encoded (starts with `%7B`, any case, after optional
 * whitespace) as IAM's API returns policy documents; otherwise, or when decoding fails, undefined.
 */
export function decodeMaybeUrlEncoded(s: string): string | undefined {
  const t = s.trimStart();
  if (t.length < 3 || t[0] !== '%' || t[1] !== '7' || (t[2] !== 'B' && t[2] !== 'b')) return undefined;
  try {
    return decodeURIComponent(t);
  } catch {
    return undefined;
  }
}

function position(s: Span): Omit<JsonError, 'message'> {
  return { line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn };
}

function run(text: string, start: number, span: SpanFn): JsonResult {
  const p = new Parser(text, span);
  p.i = start;
  try {
    const node = p.document();
    return { node, warnings: p.warnings };
  } catch (e) {
    if (e instanceof ParseError) return { error: { ...position(span(e.start, e.end)), message: e.message }, warnings: p.warnings };
    const at = Math.min(p.i, text.length);
    const message = e instanceof RangeError ? 'document is nested too deeply' : `internal error: ${String(e)}`;
    return { error: { ...position(span(at, at)), message }, warnings: p.warnings };
  }
}

/** Span function for a whole file: offsets to lines via a table of line starts. */
function fileSpans(text: string, file: string, bom: number): SpanFn {
  const starts = [bom];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  let last = 0; // tokens are mostly requested in order: try the previous line first
  const lineOf = (off: number): number => {
    if (off >= starts[last] && (last + 1 === starts.length || off < starts[last + 1])) return last;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return (last = lo);
  };
  return (a, b) => {
    const la = lineOf(a);
    const ca = a - starts[la] + 1;
    const lb = b >= starts[la] && (la + 1 === starts.length || b < starts[la + 1]) ? la : lineOf(b);
    return { file, line: la + 1, column: ca, endLine: lb + 1, endColumn: b - starts[lb] + 1 };
  };
}

class ParseError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

/** A character for a message: `'}'`, `"'"` or `U+0007`. */
function show(s: string, i: number): string {
  const c = s.codePointAt(i) ?? 0;
  if (c < 0x20 || c === 0x7f || c === 0xfeff || (c >= 0xd800 && c <= 0xdfff)) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  const ch = String.fromCodePoint(c);
  return ch === "'" ? `"'"` : `'${ch}'`;
}

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c === 0x2e || c === 0x2b || c === 0x2d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index after the run of ASCII digits starting at `i`. */
function digits(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decode the string token whose opening quote is at `q`. With `offsets`, also records the source
 * offset of every decoded UTF-16 unit, then the offset of the closing quote.
 */
function readString(s: string, q: number, offsets?: number[]): { value: string; end: number; escaped: boolean } {
  let out = '';
  let chunk = q + 1;
  let escaped = false;
  for (let i = q + 1; ; ) {
    if (i >= s.length) throw new ParseError('unterminated string', q, i);
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      offsets?.push(i);
      return { value: escaped ? out + s.slice(chunk, i) : s.slice(chunk, i), end: i + 1, escaped };
    }
    if (c === 0x5c) {
      escaped = true;
      out += s.slice(chunk, i);
      offsets?.push(i);
      if (i + 1 >= s.length) throw new ParseError('unterminated string', q, s.length);
      const e = s[i + 1];
      if (e === 'u') {
        let v = 0;
        for (let k = 2; k < 6; k++) {
          const h = i + k < s.length ? hex(s.charCodeAt(i + k)) : -1;
          if (h < 0) throw new ParseError('invalid \\u escape (expected four hex digits)', i, Math.min(i + k + 1, s.length));
          v = v * 16 + h;
        }
        out += String.fromCharCode(v);
        i += 6;
      } else {
        const d = ESCAPES[e];
        if (d === undefined) {
          if (e === '\n' || e === '\r') throw new ParseError('unterminated string', q, i + 1);
          const shown = e.charCodeAt(0) < 0x20 ? `backslash before ${show(s, i + 1)}` : `'\\${e}'`;
          throw new ParseError(`invalid escape ${shown} in string`, i, i + 2);
        }
        out += d;
        i += 2;
      }
      chunk = i;
      continue;
    }
    if (c < 0x20) {
      if (c === 0x0a || c === 0x0d) throw new ParseError('unterminated string', q, i);
      throw new ParseError(`control character ${show(s, i)} in string (must be escaped)`, i, i + 1);
    }
    offsets?.push(i);
    i++;
  }
}

/** Position map for a decoded string with escapes: where each decoded character comes from. */
function innerMap(s: string, q: number, span: SpanFn, whole: Span): InnerMap {
  const offsets: number[] = [];
  readString(s, q, offsets);
  const n = offsets.length - 1; // decoded length; offsets[n] is the closing quote
  return posFromCharSpans(whole.file, n, (k) => span(offsets[k], offsets[k + 1]), whole);
}

class Parser {
  i = 0;
  readonly warnings: JsonWarning[] = [];

  constructor(
    private readonly s: string,
    private readonly span: SpanFn,
  ) {}

  document(): PNode {
    this.ws();
    if (this.i >= this.s.length) throw new ParseError('unexpected end of input (expected a value)', this.i, this.i);
    const node = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.unexpected('expected end of input');
    return node;
  }

  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    }
    this.i = i;
  }

  private unexpected(expected: string): never {
    const s = this.s;
    const i = this.i;
    if (i >= s.length) throw new ParseError(`unexpected end of input (${expected})`, i, i);
    if (s[i] === '/' && (s[i + 1] === '/' || s[i + 1] === '*')) {
      let end: number;
      if (s[i + 1] === '/') {
        end = s.indexOf('\n', i);
        if (end === -1) end = s.length;
        if (s[end - 1] === '\r') end--;
      } else {
        end = s.indexOf('*/', i + 2);
        end = end === -1 ? s.length : end + 2;
      }
      throw new ParseError('comments are not allowed in JSON', i, end);
    }
    const c = s.charCodeAt(i);
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    const hint = s[i] === "'" ? '; JSON strings use double quotes' : '';
    throw new ParseError(`unexpected character ${show(s, i)} (${expected}${hint})`, i, i + width);
  }

  private value(depth: number): PNode {
    const s = this.s;
    const start = this.i;
    const c = s.charCodeAt(start);
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e) return this.number();
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) {
      let i = start + 1;
      while (i < s.length && isWordChar(s.charCodeAt(i))) i++;
      const word = s.slice(start, i);
      this.i = i;
      const value = word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : undefined;
      if (value === undefined) throw new ParseError(`unexpected word '${word}' (expected a value; JSON literals are true, false and null)`, start, i);
      return { type: 'scalar', value, span: this.span(start, i) };
    }
    return this.unexpected('expected a value');
  }

  private string(): PScalar {
    const start = this.i;
    const r = readString(this.s, start, undefined);
    this.i = r.end;
    const span = this.span(start, r.end);
    // A placeholder (`${VAR}`, `{{ .Values.x }}`) is filled in later: unknown, as in the YAML loader.
    const unknown = looksTemplated(r.value);
    const node: PScalar = r.escaped ? { type: 'scalar', value: r.value, span, inner: innerMap(this.s, start, this.span, span) } : { type: 'scalar', value: intern(r.value), span };
    return unknown ? { ...node, unknown } : node;
  }

  private number(): PScalar {
    const s = this.s;
    const start = this.i;
    let i = start;
    let ok = true;
    if (s[i] === '-') i++;
    if (s[i] === '0') i++;
    else {
      const from = i;
      ok = (i = digits(s, i)) > from;
    }
    if (ok && s[i] === '.') {
      const from = ++i;
      ok = (i = digits(s, i)) > from;
    }
    if (ok && (s[i] === 'e' || s[i] === 'E')) {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      const from = i;
      ok = (i = digits(s, i)) > from;
    }
    if (!ok || (i < s.length && isWordChar(s.charCodeAt(i)))) {
      while (i < s.length && isWordChar(s.charCodeAt(i))) i++;
      const text = s.slice(start, i);
      const why = /^-?0\d/.test(text) ? ' (leading zeros are not allowed)' : '';
      throw new ParseError(`invalid number '${text}'${why}`, start, i);
    }
    this.i = i;
    return { type: 'scalar', value: Number(s.slice(start, i)), span: this.span(start, i) };
  }

  private where(off: number): string {
    const p = this.span(off, off + 1);
    return `line ${p.line}, column ${p.column}`;
  }

  private object(depth: number): PNode {
    if (depth > MAX_DEPTH) throw new ParseError('document is nested too deeply', this.i, this.i + 1);
    const s = this.s;
    const open = this.i++;
    const entries: PEntry[] = [];
    let index: Map<string, number> | undefined; // built for large objects only; small ones are scanned
    this.ws();
    if (s[this.i] === '}') return { type: 'map', entries, span: this.span(open, ++this.i) };
    for (;;) {
      if (s[this.i] !== '"') this.unexpected(this.i < s.length ? "expected a string key" : `expected a key; the object opened at ${this.where(open)} is not closed`);
      const key = this.string();
      this.ws();
      if (s[this.i] !== ':') this.unexpected(`expected ':' after key ${JSON.stringify(key.value)}`);
      this.i++;
      this.ws();
      const value = this.value(depth);
      const name = key.value as string;
      let prev: number | undefined;
      if (index) prev = index.get(name);
      else for (let k = 0; k < entries.length && prev === undefined; k++) if (entries[k].key.value === name) prev = k;
      if (prev === undefined) {
        index?.set(name, entries.length);
        entries.push({ key, value });
        if (!index && entries.length === 16) index = new Map(entries.map((e, k) => [e.key.value as string, k]));
      } else {
        const first = entries[prev].key.span;
        this.warnings.push({ message: `duplicate key ${JSON.stringify(name)}; the last value is used`, span: key.span, first });
        entries[prev] = { key, value };
      }
      this.ws();
      const c = s[this.i];
      if (c === '}') return { type: 'map', entries: exact(entries), span: this.span(open, ++this.i) };
      if (c === ',') {
        const comma = this.i++;
        this.ws();
        if (s[this.i] === '}') throw new ParseError('trailing comma', comma, comma + 1);
        continue;
      }
      if (c === '"') throw new ParseError("missing ',' between object members", this.i, this.i + 1);
      this.unexpected(this.i < s.length ? "expected ',' or '}'" : `expected ',' or '}'; the object opened at ${this.where(open)} is not closed`);
    }
  }

  private array(depth: number): PNode {
    if (depth > MAX_DEPTH) throw new ParseError('document is nested too deeply', this.i, this.i + 1);
    const s = this.s;
    const open = this.i++;
    const items: PNode[] = [];
    this.ws();
    if (s[this.i] === ']') return { type: 'seq', items, span: this.span(open, ++this.i) };
    for (;;) {
      if (this.i >= s.length) this.unexpected(`expected a value; the array opened at ${this.where(open)} is not closed`);
      items.push(this.value(depth));
      this.ws();
      const c = s[this.i];
      if (c === ']') return { type: 'seq', items: exact(items), span: this.span(open, ++this.i) };
      if (c === ',') {
        const comma = this.i++;
        this.ws();
        if (s[this.i] === ']') throw new ParseError('trailing comma', comma, comma + 1);
        continue;
      }
      if (c === '"' || c === '{' || c === '[' || (c !== undefined && /[-0-9tfn]/.test(c))) {
        throw new ParseError("missing ',' between array elements", this.i, this.i + 1);
      }
      this.unexpected(this.i < s.length ? "expected ',' or ']'" : `expected ',' or ']'; the array opened at ${this.where(open)} is not closed`);
    }
  }
}

