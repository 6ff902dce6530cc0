/**
 * A direct reader for the plain block YAML that Kubernetes manifests are written in: block maps and
 * sequences, plain and quoted one-line scalars, literal and folded block scalars, one-line flow
 * collections, comments, and the local tags of CloudFormation's short forms (`!Ref`, `!Sub`). It
 * builds the positioned tree (`PNode`) in one pass over the lines, without `yaml`'s token stream,
 * CST and Document, and gives the same tree, value for value and span for span, as the `yaml` path
 * (`Converter` over `parseAllDocuments`, YAML 1.1, unique keys).
 *
 * Anything outside that subset, or anything `yaml` would report as an error, makes it give up
 * (`undefined`), and the document is parsed by `yaml` as before: anchors and aliases, standard
 * (`!!str`) and verbatim tags, tags on keys or flow items, directives, explicit keys, multi-line
 * plain or quoted scalars, escapes in double quotes, multi-line flow collections, tabs, carriage
 * returns, byte order marks, template actions, duplicate and merge keys, explicit indentation or
 * keep chomping in block scalars, empty values with a comment, and comment lines indented deeper
 * than the line after a scalar (`yaml` counts them into the scalar's range). Comment lines after a
 * collection's last entry extend the range of the collection `yaml` gives them to, as there. Plain
 * scalars resolve with the tags of `yaml`'s own YAML 1.1 schema, so `on`, `0755` and `1:30` mean
 * what they meant.
 *
 * The reason for a second reader is speed: on the benchmark repository, `yaml` spends about 0.45 s
 * of a 1.2 s run on the documents the rules read; this reader does the same work in about 50 ms
 * (`npm run bench`, README "Performance"). A test compares the two readers on every fixture,
 * example and corpus document, and on edits of them.
 */
import { Document, isScalar, Scalar } from 'yaml';
import type { PEntry, PNode, PScalar } from '../model/pnode.js';
import type { Span } from '../model/span.js';

/** What makes the tree's scalars and spans: the `yaml` path's `Converter` (src/load/yaml.ts), so that both paths make them alike. */
export interface NodeMaker {
  span(start: number, end: number): Span;
  keyOf(value: unknown, range: readonly number[]): PScalar;
  scalarOf(raw: unknown, range: readonly number[], type: Scalar['type'], tag: string | undefined): PScalar;
}

/** Thrown to give the document back to `yaml`. */
const GIVE_UP: unique symbol = Symbol('give up');

interface ScalarTag {
  readonly default?: boolean | 'key';
  readonly test?: RegExp;
  resolve(value: string, onError: (msg: string) => void, options: object): unknown;
}

let schema: { tags: readonly ScalarTag[]; str: ScalarTag; options: object } | undefined;

/** `yaml`'s YAML 1.1 schema: the tags a plain scalar is resolved with, in `yaml`'s order. */
function yaml11(): NonNullable<typeof schema> {
  if (!schema) {
    const doc = new Document(null, { version: '1.1' });
    const tags = doc.schema.tags as unknown as ScalarTag[];
    const str = tags.find((t) => (t as { tag?: string }).tag === 'tag:yaml.org,2002:str')!;
    schema = { tags: tags.filter((t) => t.test !== undefined && (t as { collection?: string }).collection === undefined), str, options: doc.options };
  }
  return schema;
}

/** First characters of the plain scalars that some tag other than `str` can match. */
const MAY_RESOLVE = /^(?:$|[-+.0-9~<YyNnTtFfOo])/;

/** A plain scalar's value, as `yaml` resolves it (`findScalarTagByTest`). */
function resolvePlain(text: string, atKey: boolean): unknown {
  if (!MAY_RESOLVE.test(text)) return text;
  // Words: only booleans and null (at most five letters: `false`, `FALSE`) start with a letter.
  if (text.length > 5 && text.charCodeAt(0) > 64) return text;
  const s = yaml11();
  const tag = s.tags.find((t) => (t.default === true || (atKey && t.default === 'key')) && t.test!.test(text)) ?? s.str;
  if (tag.default === 'key') throw GIVE_UP; // the merge key
  let failed = false;
  const res = tag.resolve(text, () => (failed = true), s.options);
  // Some tags resolve to a Scalar (booleans and null, keeping their source text).
  const value = isScalar(res) ? res.value : res;
  if (failed || (value !== null && typeof value === 'object' && !(value instanceof Date))) throw GIVE_UP;
  return value;
}

/** A local tag: `!` and a name (not `!!`, verbatim `!<...>` or a tag handle's suffix). */
const LOCAL_TAG = /^![A-Za-z][A-Za-z0-9_.:-]*(?= |$)/;

/** A collection with its tag, its properties in the order the yaml path gives them. */
function tagged(n: PNode, tag: string): PNode {
  if (n.type === 'map') return { type: 'map', entries: n.entries, span: n.span, tag };
  if (n.type === 'seq') return { type: 'seq', items: n.items, span: n.span, tag };
  throw GIVE_UP;
}

const enum Kind {
  Blank,
  Comment,
  Content,
}

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** A key read at the start of a map entry: its resolved value, its end and the offset after its `:`. */
interface Key {
  readonly value: unknown;
  readonly end: number;
  readonly after: number;
}

interface Parsed {
  readonly node: PNode;
  /** `yaml`'s range end of the node with what follows it on its line (`range[2]`). */
  readonly end: number;
  /** The first line after the node. */
  readonly next: number;
}

/**
 * The tree of one document (the text between two `---` markers), or undefined to leave it to
 * `yaml`. `ctx` makes the scalars and spans, as for `yaml`'s nodes; `lineStarts`, when given, gets
 * the offset of each line's start (the reader finds them anyway: a `LineCounter` for `ctx` needs no
 * pass of its own).
 */
export function readBlockYaml(src: string, ctx: NodeMaker, lineStarts?: number[]): PNode | undefined {
  if (/[\t\r\uFEFF]|\{\{|^(?:%|\.\.\.(?:[ \n]|$))/m.test(src)) return undefined;
  try {
    return new BlockReader(src, ctx, lineStarts).document();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

const MAX_SHARED_LINES = 1 << 16;

interface LineTable {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly indents: Int32Array;
  readonly kinds: Uint8Array;
}

function lineTable(n: number): LineTable {
  return { starts: new Int32Array(n), ends: new Int32Array(n), indents: new Int32Array(n), kinds: new Uint8Array(n) };
}

/** Line tables, shared by every reader of this thread (a reader runs to its end before the next). */
let table = lineTable(1024);

class BlockReader {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly indents: Int32Array;
  private readonly kinds: Uint8Array;
  /** The number of lines. */
  private readonly count: number;
  private depth = 0;
  /** Comment lines before this one are kept by a collection (see `trailing`). */
  private taken = 0;

  constructor(
    private readonly src: string,
    private readonly ctx: NodeMaker,
    lineStarts: number[] | undefined,
  ) {
    // One pass over the lines; the tables double when a document has more lines than they hold.
    let t = table;
    let line = 0;
    for (let start = 0; ; line++) {
      if (line === t.kinds.length) {
        const grown = lineTable(line * 2);
        grown.starts.set(t.starts);
        grown.ends.set(t.ends);
        grown.indents.set(t.indents);
        grown.kinds.set(t.kinds);
        t = grown;
        // Kept for the next documents unless it is huge (memory stays bounded after a hostile file).
        if (line * 2 <= MAX_SHARED_LINES) table = t;
      }
      let end = src.indexOf('\n', start);
      if (end === -1) end = src.length;
      let i = start;
      while (i < end && src.charCodeAt(i) === SPACE) i++;
      t.starts[line] = start;
      t.ends[line] = end;
      t.indents[line] = i - start;
      t.kinds[line] = i === end ? Kind.Blank : src.charCodeAt(i) === HASH ? Kind.Comment : Kind.Content;
      lineStarts?.push(start);
      if (end === src.length) break;
      start = end + 1;
    }
    this.starts = t.starts;
    this.ends = t.ends;
    this.indents = t.indents;
    this.kinds = t.kinds;
    this.count = line + 1;
  }

  document(): PNode | undefined {
    let first = 0;
    if (this.src.startsWith('---')) {
      // The marker line: nothing may follow it but a comment.
      const rest = this.src.slice(3, this.ends[0]).trimStart();
      if (rest !== '' && !rest.startsWith('#')) throw GIVE_UP;
      first = 1;
    }
    const j = this.nextContent(first);
    if (j === -1) throw GIVE_UP; // an empty document: yaml decides what it holds
    const root = this.block(j, this.indents[j]);
    if (this.nextContent(root.next) !== -1) throw GIVE_UP; // more after the root: yaml's error
    return root.node;
  }

  // ---- lines -----------------------------------------------------------------------------------

  /** The first content line at or after `i` (-1: none). */
  private nextContent(i: number): number {
    for (; i < this.count; i++) if (this.kinds[i] === Kind.Content) return i;
    return -1;
  }

  /** After the end of a line: the offset after its newline, or the end of the text. */
  private afterLine(i: number): number {
    return Math.min(this.ends[i] + 1, this.src.length);
  }

  /**
   * Comment lines between a collection's last line and the next content line `j` (-1: the end of
   * the document), when the collection at column `col` ends there. `yaml` hands such comments from
   * the innermost collection outwards while all of them are indented less than the collection, and
   * never keeps them in one at column 0; the collection that keeps them extends its range (its
   * `range[2]`, so its parent's span) to their end. Returns that end, or undefined.
   */
  private trailing(from: number, j: number, col: number): number | undefined {
    const to = j === -1 ? this.count : j;
    from = Math.max(from, this.taken);
    let last = -1;
    let keep = false;
    for (let k = from; k < to; k++) {
      if (this.kinds[k] === Kind.Comment) {
        last = k;
        if (this.indents[k] >= col) keep = true;
      } else if (this.ends[k] > this.starts[k]) throw GIVE_UP; // a line of spaces: left to yaml
    }
    if (last === -1 || col === 0 || !keep) return undefined;
    this.taken = to;
    // Up to the next content, its indentation included.
    return j === -1 ? this.src.length : this.starts[j] + this.indents[j];
  }

  /** Are there comment lines in [from, to)? */
  private commentsIn(from: number, to: number): boolean {
    for (let k = from; k < to; k++) if (this.kinds[k] === Kind.Comment) return true;
    return false;
  }

  private isSeqEntry(at: number): boolean {
    const c = this.src.charCodeAt(at + 1);
    return this.src.charCodeAt(at) === DASH && (c === SPACE || c === 10 || at + 1 >= this.src.length);
  }

  // ---- block nodes -------------------------------------------------------------------------------

  /**
   * The block collection whose first entry is on line `i` at column `col` (0-based). `first`: the
   * map's first key, when the caller has read it already (a map that starts in a sequence entry).
   */
  private block(i: number, col: number, first?: Key): Parsed {
    if (++this.depth > 100) throw GIVE_UP;
    const at = this.starts[i] + col;
    const r = !first && this.isSeqEntry(at) ? this.seq(i, col) : this.map(i, col, at, first);
    this.depth--;
    return r;
  }

  /** A block map at column `col`; its first key starts at `at` on line `i` (`first`, when read already). */
  private map(i: number, col: number, at: number, first: Key | undefined): Parsed {
    const entries: PEntry[] = [];
    let seen: Set<unknown> | undefined;
    const start = at;
    let end = at;
    let line = i;
    for (let known = first; ; known = undefined) {
      const key = known ?? this.key(at, line);
      if (!key) throw GIVE_UP;
      // yaml reports a duplicate key (a linear scan for small maps: most are).
      if (entries.length < 16) {
        for (const e of entries) if (e.key.value === key.value) throw GIVE_UP;
      } else {
        seen ??= new Set(entries.map((e) => e.key.value));
        if (seen.has(key.value)) throw GIVE_UP;
        seen.add(key.value);
      }
      const v = this.value(key.after, line, col, true);
      entries.push({ key: this.ctx.keyOf(key.value, [at, key.end]), value: v.node });
      end = v.end;
      const j = this.nextContent(v.next);
      if (j === -1 || this.indents[j] < col) {
        const node: PNode = { type: 'map', entries, span: this.ctx.span(start, end) };
        return { node, end: this.trailing(v.next, j, col) ?? end, next: v.next };
      }
      if (this.indents[j] > col) throw GIVE_UP;
      line = j;
      at = this.starts[j] + col;
      if (this.isSeqEntry(at)) throw GIVE_UP;
    }
  }

  /** A block sequence whose dashes are at column `col`, from line `i`. */
  private seq(i: number, col: number): Parsed {
    const items: PNode[] = [];
    const start = this.starts[i] + col;
    let end = start;
    let line = i;
    for (;;) {
      const dash = this.starts[line] + col;
      let p = dash + 1;
      while (p < this.ends[line] && this.src.charCodeAt(p) === SPACE) p++;
      let v: Parsed;
      if (p < this.ends[line] && this.src.charCodeAt(p) !== HASH) {
        if (this.isSeqEntry(p)) throw GIVE_UP; // `- - a`
        const key = this.key(p, line);
        v = key ? this.block(line, p - this.starts[line], key) : this.value(p, line, col, false);
      } else v = this.value(dash + 1, line, col, false);
      items.push(v.node);
      end = v.end;
      const j = this.nextContent(v.next);
      if (j === -1 || this.indents[j] < col || !this.isSeqEntry(this.starts[j] + col)) {
        if (j !== -1 && this.indents[j] > col) throw GIVE_UP;
        const node: PNode = { type: 'seq', items, span: this.ctx.span(start, end) };
        return { node, end: this.trailing(v.next, j, col) ?? end, next: v.next };
      }
      line = j;
    }
  }

  /**
   * The value that starts after a key's `:` (or a sequence entry's `-`) at `p` on line `line`, in a
   * collection at column `col`. `inMap`: a map value (a sequence at the key's own column is its value).
   */
  private value(p: number, line: number, col: number, inMap: boolean): Parsed {
    const src = this.src;
    const eol = this.ends[line];
    while (p < eol && src.charCodeAt(p) === SPACE) p++;
    // A local tag (`!Ref`, `!Sub`: CloudFormation's short forms): kept on the node, whose range
    // starts after it; a tagged plain scalar is a string, as yaml reads an unknown tag.
    let tag: string | undefined;
    if (src.charCodeAt(p) === 33) {
      const m = LOCAL_TAG.exec(src.slice(p, Math.min(eol, p + 256)));
      if (!m) throw GIVE_UP;
      tag = m[0];
      p += tag.length;
      while (p < eol && src.charCodeAt(p) === SPACE) p++;
    }
    if (p >= eol || src.charCodeAt(p) === HASH) {
      // Nothing on this line: a nested block, or an empty value.
      const j = this.nextContent(line + 1);
      if (j !== -1 && (this.indents[j] > col || (inMap && this.indents[j] === col && this.isSeqEntry(this.starts[j] + col)))) {
        const inner = this.block(j, this.indents[j]);
        return tag ? { ...inner, node: tagged(inner.node, tag) } : inner;
      }
      // An empty value: where yaml ends it depends on the comments around it, left to yaml.
      if (tag || p < eol || this.commentsIn(line + 1, j === -1 ? this.count : j)) throw GIVE_UP;
      const node = this.ctx.scalarOf(null, [p, p], Scalar.PLAIN, undefined);
      return { node, end: p, next: line + 1 };
    }
    const c = src.charCodeAt(p);
    let node: PScalar | PNode;
    let after: number;
    switch (c) {
      case 124: // |
      case 62: // >
        return this.blockScalar(p, line, col, tag);
      case 34: // "
      case 39: {
        // '
        const q = this.quoted(p, eol);
        node = this.ctx.scalarOf(q.value, [p, q.end], c === 34 ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE, tag);
        after = q.end;
        break;
      }
      case 123: // {
      case 91: {
        // [
        const f = this.flow(p, eol, 0);
        node = tag ? tagged(f.node, tag) : f.node;
        after = f.end;
        break;
      }
      default: {
        const end = this.plainEnd(p, eol);
        const text = src.slice(p, end);
        node = this.ctx.scalarOf(tag ? text : resolvePlain(text, false), [p, end], Scalar.PLAIN, tag);
        after = end;
      }
    }
    this.lineRest(after, eol);
    // A more indented line that follows may continue a plain scalar, and a comment line there ends
    // up in the range of the scalar before it: left to yaml.
    for (let k = line + 1; k < this.count; k++) {
      if (this.kinds[k] === Kind.Blank) continue;
      if (this.indents[k] > col) throw GIVE_UP;
      break;
    }
    return { node, end: this.afterLine(line), next: line + 1 };
  }

  /** Only spaces and a comment may follow a value on its line. */
  private lineRest(p: number, eol: number): void {
    const src = this.src;
    if (p < eol && src.charCodeAt(p) !== SPACE) throw GIVE_UP;
    while (p < eol && src.charCodeAt(p) === SPACE) p++;
    if (p < eol && src.charCodeAt(p) !== HASH) throw GIVE_UP;
  }

  /**
   * A key at `p` on line `line`: its resolved value, its end and the offset after its `:`, or
   * undefined when the line holds no `key:` there.
   */
  private key(p: number, line: number): Key | undefined {
    const src = this.src;
    const eol = this.ends[line];
    const c = src.charCodeAt(p);
    if (c === 34 || c === 39) {
      const q = this.quoted(p, eol);
      let k = q.end;
      while (k < eol && src.charCodeAt(k) === SPACE) k++;
      if (src.charCodeAt(k) !== COLON || !(k + 1 >= eol || src.charCodeAt(k + 1) === SPACE)) return undefined;
      if (q.end - p > 1024) throw GIVE_UP;
      return { value: q.value, end: q.end, after: k + 1 };
    }
    if (!this.plainStart(p, eol)) return undefined;
    for (let k = p; k < eol; k++) {
      const ch = src.charCodeAt(k);
      if (ch === COLON && (k + 1 >= eol || src.charCodeAt(k + 1) === SPACE)) {
        let e = k;
        while (src.charCodeAt(e - 1) === SPACE) e--;
        if (e - p > 1024) throw GIVE_UP;
        const text = src.slice(p, e);
        if (text === '<<') throw GIVE_UP;
        return { value: resolvePlain(text, true), end: e, after: k + 1 };
      }
      if (ch === HASH && src.charCodeAt(k - 1) === SPACE) return undefined;
    }
    return undefined;
  }

  /** Can a plain scalar start at `p`? Indicators that cannot start one, or that this reader leaves to yaml, say no. */
  private plainStart(p: number, eol: number): boolean {
    const c = this.src[p];
    if ('[]{},#&*!|>\'"%@`?:'.includes(c)) return false;
    if (c === '-') return p + 1 < eol && this.src.charCodeAt(p + 1) !== SPACE;
    return true;
  }

  /** The end of a block plain scalar starting at `p` (trailing spaces excluded). */
  private plainEnd(p: number, eol: number): number {
    const src = this.src;
    if (!this.plainStart(p, eol)) throw GIVE_UP;
    let end = eol;
    for (let k = p; k < eol; k++) {
      const ch = src.charCodeAt(k);
      if (ch === COLON && (k + 1 >= eol || src.charCodeAt(k + 1) === SPACE)) throw GIVE_UP; // a nested mapping: yaml's error
      if (ch === HASH && src.charCodeAt(k - 1) === SPACE) {
        end = k;
        break;
      }
    }
    while (end > p && src.charCodeAt(end - 1) === SPACE) end--;
    return end;
  }

  /** A one-line quoted scalar at `p`: its value and the offset after its closing quote. */
  private quoted(p: number, eol: number): { value: string; end: number } {
    const src = this.src;
    const q = src[p];
    if (q === '"') {
      const close = src.indexOf('"', p + 1);
      if (close === -1 || close >= eol) throw GIVE_UP;
      const value = src.slice(p + 1, close);
      if (value.includes('\\')) throw GIVE_UP;
      return { value, end: close + 1 };
    }
    let value = '';
    let k = p + 1;
    for (;;) {
      const close = src.indexOf("'", k);
      if (close === -1 || close >= eol) throw GIVE_UP;
      value += src.slice(k, close);
      if (src[close + 1] === "'") {
        value += "'";
        k = close + 2;
        continue;
      }
      return { value, end: close + 1 };
    }
  }

  /** A literal (`|`) or folded (`>`) block scalar whose header is at `p` on line `line`. */
  private blockScalar(p: number, line: number, col: number, tag: string | undefined): Parsed {
    const src = this.src;
    const eol = this.ends[line];
    const folded = src[p] === '>';
    let h = p + 1;
    let chomp = 'clip';
    if (src[h] === '-') {
      chomp = 'strip';
      h++;
    } else if (src[h] === '+') throw GIVE_UP;
    this.lineRest(h, eol);
    // The body: the first line with content sets the indentation.
    let first = -1;
    for (let k = line + 1; k < this.count; k++) {
      if (this.ends[k] === this.starts[k] + this.indents[k]) continue; // empty or spaces only
      first = k;
      break;
    }
    if (first === -1 || this.indents[first] <= col) throw GIVE_UP; // an empty body
    const indent = this.indents[first];
    for (let k = line + 1; k < first; k++) if (this.ends[k] - this.starts[k] > indent) throw GIVE_UP;
    let last = first;
    for (let k = first + 1; k < this.count; k++) {
      const blank = this.ends[k] === this.starts[k] + this.indents[k];
      if (blank) {
        if (this.ends[k] - this.starts[k] > indent) throw GIVE_UP; // spaces that belong to the value
        continue;
      }
      if (this.indents[k] < indent) break;
      last = k;
    }
    const lines: string[] = [];
    for (let k = line + 1; k <= last; k++) {
      const text = this.ends[k] - this.starts[k] <= indent ? '' : src.slice(this.starts[k] + indent, this.ends[k]);
      if (folded && text.charCodeAt(0) === SPACE) throw GIVE_UP; // more-indented lines keep their breaks
      lines.push(text);
    }
    let value: string;
    if (folded) {
      value = '';
      let pendingBreaks = 0;
      let started = false;
      for (const text of lines) {
        if (text === '') {
          pendingBreaks++;
          continue;
        }
        if (started) value += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
        else if (pendingBreaks > 0) value += '\n'.repeat(pendingBreaks);
        value += text;
        started = true;
        pendingBreaks = 0;
      }
    } else value = lines.join('\n');
    if (chomp === 'clip') value += '\n'; // also at the end of the text without a line break, as yaml does
    const end = this.afterLine(last);
    const node = this.ctx.scalarOf(value, [p, end], folded ? Scalar.BLOCK_FOLDED : Scalar.BLOCK_LITERAL, tag);
    // What follows the body must close the collection or continue it at its column.
    const j = this.nextContent(last + 1);
    if (j !== -1 && this.indents[j] > col) throw GIVE_UP;
    return { node, end, next: last + 1 };
  }

  // ---- flow collections (on one line) --------------------------------------------------------------

  private flow(p: number, eol: number, depth: number): { node: PNode; end: number } {
    if (depth > 50) throw GIVE_UP;
    const src = this.src;
    const isMap = src.charCodeAt(p) === 123;
    const close = isMap ? 125 : 93; // } ]
    const entries: PEntry[] = [];
    const items: PNode[] = [];
    let k = this.spaces(p + 1, eol);
    if (src.charCodeAt(k) === close) return { node: this.collection(isMap, entries, items, p, k + 1), end: k + 1 };
    for (;;) {
      k = this.spaces(k, eol);
      if (isMap) {
        const keyStart = k;
        let key: unknown;
        let keyEnd: number;
        const c = src.charCodeAt(k);
        if (c === 34 || c === 39) {
          const q = this.quoted(k, eol);
          key = q.value;
          keyEnd = k = q.end;
        } else {
          keyEnd = k = this.flowPlainEnd(k, eol);
          const text = src.slice(keyStart, keyEnd);
          if (text === '<<') throw GIVE_UP;
          key = resolvePlain(text, true);
        }
        if (src.charCodeAt(k) !== COLON || src.charCodeAt(k + 1) !== SPACE) throw GIVE_UP;
        for (const e of entries) if (e.key.value === key) throw GIVE_UP; // yaml reports the duplicate
        k = this.spaces(k + 2, eol);
        const v = this.flowValue(k, eol, depth);
        k = v.end;
        entries.push({ key: this.ctx.keyOf(key, [keyStart, keyEnd]), value: v.node });
      } else {
        const v = this.flowValue(k, eol, depth);
        k = v.end;
        if (src.charCodeAt(k) === COLON) throw GIVE_UP; // a pair in a sequence
        items.push(v.node);
      }
      k = this.spaces(k, eol);
      const c = src.charCodeAt(k);
      if (c === 44) {
        // ,
        k = this.spaces(k + 1, eol);
        if (src.charCodeAt(k) === close) throw GIVE_UP; // a trailing comma
        continue;
      }
      if (c === close) return { node: this.collection(isMap, entries, items, p, k + 1), end: k + 1 };
      throw GIVE_UP;
    }
  }

  /** The first offset from `k` that is not a space; the flow collection must go on on this line. */
  private spaces(k: number, eol: number): number {
    while (k < eol && this.src.charCodeAt(k) === SPACE) k++;
    if (k >= eol) throw GIVE_UP; // continues on the next line
    return k;
  }

  private collection(isMap: boolean, entries: PEntry[], items: PNode[], start: number, end: number): PNode {
    const span = this.ctx.span(start, end);
    return isMap ? { type: 'map', entries, span } : { type: 'seq', items, span };
  }

  private flowValue(k: number, eol: number, depth: number): { node: PNode; end: number } {
    const src = this.src;
    const c = src[k];
    if (c === '{' || c === '[') return this.flow(k, eol, depth + 1);
    if (c === '"' || c === "'") {
      const q = this.quoted(k, eol);
      return { node: this.ctx.scalarOf(q.value, [k, q.end], c === '"' ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE, undefined), end: q.end };
    }
    const end = this.flowPlainEnd(k, eol);
    return { node: this.ctx.scalarOf(resolvePlain(src.slice(k, end), false), [k, end], Scalar.PLAIN, undefined), end };
  }

  /** The end of a plain scalar in a flow collection (before `,`, `]`, `}`, `: ` or spaces). */
  private flowPlainEnd(p: number, eol: number): number {
    const src = this.src;
    if (!this.plainStart(p, eol)) throw GIVE_UP;
    let k = p;
    for (; k < eol; k++) {
      const ch = src[k];
      if (ch === ',' || ch === ']' || ch === '}' || ch === '[' || ch === '{') break;
      if (ch === ':') {
        const n = src[k + 1];
        if (n === ' ') break;
        if (n === undefined || k + 1 >= eol || ',[]{}'.includes(n)) throw GIVE_UP;
      }
      if (ch === '#' && src[k - 1] === ' ') throw GIVE_UP;
    }
    if (src[k] === '[' || src[k] === '{') throw GIVE_UP;
    let end = k;
    while (end > p && src.charCodeAt(end - 1) === SPACE) end--;
    if (end === p) throw GIVE_UP;
    return end;
  }
}
