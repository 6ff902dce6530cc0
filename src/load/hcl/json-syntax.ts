/**
 * Terraform's JSON syntax (`*.tf.json`) read into the same syntax tree as the native syntax
 * (src/load/hcl/parse.ts), so that one evaluator and one set of recognisers serve both.
 *
 * JSON has no block syntax: whether a property is an argument or a nested block depends on the
 * schema of the block it is in, so the caller says which nested block types each block type has
 * (`schemaFor`); everything else is an argument. Strings are templates (`"${var.x}-app"`): their
 * text is decoded from the JSON escapes with the source offset of every character, and templates
 * are parsed with the HCL grammar. `"//"` properties are comments. Variable defaults are literal
 * JSON values, not templates.
 */
import { LineIndex } from '../../eval/positions.js';
import { isMap, isScalar, isSeq, type PMap, type PNode } from '../../model/pnode.js';
import type { Span } from '../../model/span.js';
import { parseJson } from '../json.js';
import type { ParseProblem } from '../yaml.js';
import { parseTemplateText, type Attribute, type Block, type Body, type Expr, type HclFile, type HclText, type Label } from './parse.js';

/** The nested block types of a block type (all other properties are arguments). */
export interface BlockSchema {
  readonly blocks?: Readonly<Record<string, BlockSchema>>;
  /** Arguments whose value is literal JSON rather than a template (a variable's `default`). */
  readonly literal?: readonly string[];
}

/** Schema of a top-level block: `resource "TYPE" "NAME"` → (`resource`, [`TYPE`, `NAME`]). */
export type SchemaFor = (type: string, labels: readonly string[]) => BlockSchema;

/** How many labels each top-level block type has in the JSON nesting. */
const LABELS: Readonly<Record<string, number>> = { resource: 2, data: 2, module: 1, variable: 1, output: 1, provider: 1, locals: 0, terraform: 0 };

export function parseTerraformJson(rawText: string, file: string, schemaFor: SchemaFor): HclFile {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const src: HclText = { file, lines: new LineIndex(text, file) };
  const problems: ParseProblem[] = [];
  const r = parseJson(text, file);
  if (r.error || !r.node) {
    const e = r.error!;
    problems.push({ message: e.message, code: 'JSON_SYNTAX', span: { file, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn } });
    return { src, body: { attributes: [], blocks: [] }, problems };
  }
  const reader = new JsonReader(src, problems);
  const blocks: Block[] = [];
  for (const root of objects(r.node)) {
    for (const e of root.entries) {
      const type = String(e.key.value);
      const depth = LABELS[type];
      if (depth === undefined) continue;
      reader.topLevel(type, e.key, e.value, depth, [], schemaFor, blocks);
    }
  }
  return { src, body: { attributes: [], blocks }, problems };
}

/** A JSON value that stands for one or several objects (arrays of objects are allowed at every block level). */
function objects(n: PNode): PMap[] {
  if (isMap(n)) return [n];
  if (isSeq(n)) return n.items.filter(isMap);
  return [];
}

class JsonReader {
  constructor(
    private readonly src: HclText,
    private readonly problems: ParseProblem[],
  ) {}

  private offset(s: Span, end = false): number {
    const line = end ? s.endLine : s.line;
    const column = end ? s.endColumn : s.column;
    return this.src.lines.lineStart(line) + column - 1;
  }

  private range(n: PNode): { src: HclText; from: number; to: number } {
    return { src: this.src, from: this.offset(n.span), to: this.offset(n.span, true) };
  }

  topLevel(type: string, key: PNode, value: PNode, depth: number, labels: Label[], schemaFor: SchemaFor, out: Block[]): void {
    if (depth === 0) {
      for (const body of objects(value)) {
        const schema = schemaFor(type, labels.map((l) => l.value));
        out.push(this.block(type, key, labels, body, schema));
      }
      return;
    }
    for (const o of objects(value)) {
      for (const e of o.entries) {
        if (e.key.value === '//') continue;
        const label: Label = { value: String(e.key.value), from: this.offset(e.key.span), to: this.offset(e.key.span, true) };
        this.topLevel(type, e.key, e.value, depth - 1, [...labels, label], schemaFor, out);
      }
    }
  }

  private block(type: string, key: PNode, labels: Label[], body: PMap, schema: BlockSchema): Block {
    const k = this.range(key);
    return { ...this.range(body), type, typeFrom: k.from, typeTo: k.to, labels, body: this.body(body, schema), broken: false };
  }

  body(n: PMap, schema: BlockSchema): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    for (const e of n.entries) {
      const name = String(e.key.value);
      if (name === '//') continue;
      const k = this.range(e.key);
      const nested = schema.blocks?.[name];
      if (nested) {
        for (const b of objects(e.value)) blocks.push(this.block(name, e.key, [], b, nested));
        continue;
      }
      if (name === 'dynamic' && schema.blocks) {
        for (const o of objects(e.value)) {
          for (const d of o.entries) {
            const inner = schema.blocks[String(d.key.value)];
            if (!inner) continue;
            const label: Label = { value: String(d.key.value), from: this.offset(d.key.span), to: this.offset(d.key.span, true) };
            for (const b of objects(d.value)) blocks.push(this.block('dynamic', d.key, [label], b, { blocks: { content: inner } }));
          }
        }
        continue;
      }
      const literal = schema.literal?.includes(name) ?? false;
      attributes.push({ ...this.range(e.value), from: k.from, name, nameFrom: k.from, nameTo: k.to, expr: this.expr(e.value, literal, 0), broken: false });
    }
    return { attributes, blocks };
  }

  expr(n: PNode, literal: boolean, depth: number): Expr {
    const at = this.range(n);
    if (depth > 200) return { kind: 'unknown', ...at };
    if (isScalar(n)) {
      if (typeof n.value === 'string') return this.string(n.span, literal);
      return { kind: 'literal', ...at, value: n.value as number | boolean | null };
    }
    if (isSeq(n)) return { kind: 'tuple', ...at, items: n.items.map((i) => this.expr(i, literal, depth + 1)) };
    return {
      kind: 'object',
      ...at,
      items: n.entries.map((e) => ({ key: this.string(e.key.span, literal), value: this.expr(e.value, literal, depth + 1), from: this.offset(e.key.span), to: this.offset(e.value.span, true) })),
    };
  }

  /** A JSON string token as a template (or literal text), with the source offset of every decoded character. */
  private string(span: Span, literal: boolean): Expr {
    const from = this.offset(span);
    const to = this.offset(span, true);
    const d = decodeJsonString(this.src.lines.text, from);
    const at = { src: this.src, from, to };
    if (!d) return { kind: 'unknown', ...at };
    if (literal || !/[$%]\{/.test(d.text)) return { kind: 'template', ...at, parts: d.text === '' ? [] : [{ kind: 'text', text: d.text, offsets: d.offsets }] };
    const t = parseTemplateText(d.text, d.offsets, this.src, from, to);
    if ('kind' in t) return t;
    this.problems.push(t);
    return { kind: 'unknown', ...at };
  }
}

/**
 * Decode the JSON string token whose opening quote is at `q`: its text and the source offset of
 * every UTF-16 unit, followed by the offset of the closing quote.
 */
function decodeJsonString(s: string, q: number): { text: string; offsets: number[] } | undefined {
  if (s[q] !== '"') return undefined;
  let text = '';
  const offsets: number[] = [];
  const ESC: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
  for (let i = q + 1; i < s.length; ) {
    const c = s[i];
    if (c === '"') {
      offsets.push(i);
      return { text, offsets };
    }
    if (c === '\\') {
      const e = s[i + 1];
      if (e === 'u') {
        text += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
        offsets.push(i);
        i += 6;
      } else {
        text += ESC[e] ?? e;
        offsets.push(i);
        i += 2;
      }
      continue;
    }
    text += c;
    offsets.push(i);
    i += 1;
  }
  return undefined;
}
