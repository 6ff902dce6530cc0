/**
 * HCL native syntax (`*.tf`, `*.tfvars`) read with tree-sitter: `web-tree-sitter` running the
 * WebAssembly grammar of `@tree-sitter-grammars/tree-sitter-hcl` (its Terraform dialect). The
 * runtime and the grammar are loaded once, on demand (`initHcl`, awaited by `lint()` only when a
 * Terraform file is present); parsing is synchronous.
 *
 * The tree-sitter tree is turned into a small syntax tree of our own (`Body`, `Block`, `Expr`)
 * whose every node carries the file and its character offsets, and then freed. Template text
 * (quoted strings and heredocs) is decoded here: escapes, `$${`/`%%{`, the indentation that
 * `<<-` removes and the `~` strip markers, with the source offset of every decoded character, so
 * that evaluated strings keep per-character positions.
 *
 * web-tree-sitter parses JavaScript strings as UTF-16: `startIndex` / `endIndex` are UTF-16
 * offsets into the text, which is what `LineIndex` maps to 1-based lines and UTF-16 columns.
 */
import { createRequire } from 'node:module';
import type { Language as TsLanguage, Parser as TsParser, Tree as TsTree } from 'web-tree-sitter';
import type { Attribute, Block, Body, Expr, HclFile, HclText, Label, ObjectExpr, ObjectItem, Step, TemplateExpr, TemplatePart, UnknownExpr } from '../../eval/hcl-syntax.js';
import { LineIndex } from '../../eval/positions.js';
import type { ParseProblem } from '../yaml.js';

export type {
  Attribute, BinaryExpr, Block, Body, CallExpr, ConditionalExpr, Expr, ForExpr, HclFile, HclText, Label, LiteralExpr, ObjectExpr, ObjectItem,
  PostfixExpr, Step, TemplateExpr, TemplatePart, TraversalExpr, TupleExpr, UnaryExpr, UnknownExpr,
} from '../../eval/hcl-syntax.js';

// ---- runtime ------------------------------------------------------------------------------------

type WebTreeSitter = typeof import('web-tree-sitter');

let parser: TsParser | undefined;
let failure: string | undefined;
let loading: Promise<void> | undefined;

/** The grammar file inside its package (the Terraform dialect: HCL with Terraform's file types). */
const GRAMMAR = '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm';

/**
 * Load the tree-sitter runtime and the HCL grammar, once. Never rejects: a failure is kept and
 * reported by `parseHcl` as a problem of each file.
 */
export function initHcl(): Promise<void> {
  if (parser || failure) return Promise.resolve();
  loading ??= (async () => {
    try {
      const req = createRequire(import.meta.url);
      const wts = req('web-tree-sitter') as WebTreeSitter;
      await wts.Parser.init();
      const language: TsLanguage = await wts.Language.load(req.resolve(GRAMMAR));
      const p = new wts.Parser();
      p.setLanguage(language);
      parser = p;
    } catch (e) {
      failure = String((e as Error)?.message ?? e).split('\n')[0];
    }
  })();
  return loading;
}

/** Has `initHcl` completed (successfully or not)? */
export function hclInitialised(): boolean {
  return parser !== undefined || failure !== undefined;
}

// ---- parsing ------------------------------------------------------------------------------------

/**
 * A tree-sitter node copied into plain JavaScript: reading nodes through web-tree-sitter crosses
 * into WebAssembly on every property, so the tree is copied once, with one cursor walk.
 */
interface TsNode {
  readonly type: string;
  readonly isNamed: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isError: boolean;
  readonly isMissing: boolean;
  /** The node or a node inside it is an ERROR or MISSING node. */
  hasError: boolean;
  readonly field: string | null;
  readonly children: TsNode[];
  namedChildren: TsNode[];
}

/** Copy a tree (iteratively: the depth of the input does not matter). */
function snapshot(tree: TsTree): TsNode {
  const c = tree.walk();
  const make = (): TsNode => ({
    type: c.nodeType,
    isNamed: c.nodeIsNamed,
    startIndex: c.startIndex,
    endIndex: c.endIndex,
    isError: c.nodeType === 'ERROR',
    isMissing: c.nodeIsMissing,
    hasError: false,
    field: c.currentFieldName,
    children: [],
    namedChildren: [],
  });
  const finish = (n: TsNode) => {
    n.namedChildren = n.children.filter((x) => x.isNamed);
    n.hasError = n.isError || n.isMissing || n.children.some((x) => x.hasError);
  };
  const root = make();
  const stack: TsNode[] = [root];
  try {
    while (stack.length > 0) {
      if (c.gotoFirstChild()) {
        const n = make();
        stack[stack.length - 1].children.push(n);
        stack.push(n);
        continue;
      }
      while (stack.length > 0) {
        finish(stack.pop()!);
        if (stack.length === 0) break;
        if (c.gotoNextSibling()) {
          const n = make();
          stack[stack.length - 1].children.push(n);
          stack.push(n);
          break;
        }
        c.gotoParent();
      }
    }
  } finally {
    c.delete();
  }
  return root;
}

function fieldChild(n: TsNode, name: string): TsNode | undefined {
  return n.children.find((c) => c.field === name);
}

/** Nodes deeper than this are not converted (unknown), so that no input exhausts the stack. */
const MAX_DEPTH = 200;

const ZERO: Body = { attributes: [], blocks: [] };

/** Parse one HCL file. Syntax errors are problems; the blocks that parsed are still returned. */
export function parseHcl(rawText: string, file: string): HclFile {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const src: HclText = { file, lines: new LineIndex(text, file) };
  const problems: ParseProblem[] = [];
  if (!parser) {
    const why = failure ?? 'the parser was not loaded';
    problems.push({ message: `cannot parse HCL: ${why}`, code: 'HCL_PARSER', span: src.lines.span(0, 0) });
    return { src, body: ZERO, problems };
  }
  const tree = parser.parse(text);
  if (!tree) {
    problems.push({ message: 'cannot parse HCL', code: 'HCL_PARSER', span: src.lines.span(0, 0) });
    return { src, body: ZERO, problems };
  }
  try {
    const root = snapshot(tree);
    if (root.hasError) {
      const bad = firstError(root);
      if (bad) problems.push(syntaxProblem(bad, src));
    }
    const c = new Converter(src, text, (o) => o);
    let body: Body = ZERO;
    let object: ObjectExpr | undefined;
    for (const n of named(root)) {
      if (n.type === 'body') body = c.body(n);
      else if (n.type === 'object') {
        const e = c.expr(n, 0);
        if (e.kind === 'object') object = e;
      }
    }
    return { src, body, problems, ...(object ? { object } : {}) };
  } finally {
    tree.delete();
  }
}

/** Delimiter of the synthetic heredoc that holds a JSON-syntax template (see `parseTemplateText`). */
const MARK = '__IRSA_LINT_TEMPLATE__';

/**
 * A template given as decoded text (a string of Terraform's JSON syntax, `"${var.x}-app"`):
 * `offsets[i]` is the source offset of character `i` in `src`. A text that does not parse as a
 * template is a problem at its first error.
 */
export function parseTemplateText(text: string, offsets: readonly number[], src: HclText, from: number, to: number): TemplateExpr | ParseProblem {
  const whole: ParseProblem = { message: 'syntax error in template', code: 'HCL_SYNTAX', span: src.lines.span(from, to) };
  if (!parser || text.includes(MARK)) return whole;
  // A heredoc template decodes no backslash escapes, so the text is parsed exactly as written.
  const head = `x = <<${MARK}\n`;
  const synthetic = `${head}${text}\n${MARK}\n`;
  const tree = parser.parse(synthetic);
  if (!tree) return whole;
  try {
    const start = head.length;
    const end = start + text.length;
    const map = (o: number) => offsets[Math.max(0, Math.min(o - start, text.length))] ?? to;
    const root = snapshot(tree);
    if (root.hasError) {
      const bad = firstError(root);
      // An error outside the template's own text (in the heredoc around it) says nothing useful.
      if (!bad || bad.startIndex < start || bad.startIndex > end) return whole;
      const p = syntaxProblem(bad, { file: src.file, lines: new LineIndex(synthetic, src.file) });
      const a = map(bad.startIndex);
      return { ...p, span: src.lines.span(a, Math.max(a, map(bad.startIndex + (p.span.endColumn - p.span.column)))) };
    }
    const c = new Converter(src, synthetic, map);
    const heredoc = findFirst(root, 'heredoc_template');
    if (!heredoc) return whole;
    const parts = c.templateParts(heredoc, start, end, 'raw', false, 0);
    return { kind: 'template', src, from, to, parts };
  } finally {
    tree.delete();
  }
}

function named(n: TsNode): TsNode[] {
  return n.namedChildren.filter((c) => c.type !== 'comment');
}

function kids(n: TsNode): TsNode[] {
  return n.children.filter((c) => c.type !== 'comment');
}

function findFirst(root: TsNode, type: string): TsNode | undefined {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === type) return n;
    for (let i = n.namedChildren.length - 1; i >= 0; i--) stack.push(n.namedChildren[i]);
  }
  return undefined;
}

/** The first ERROR or MISSING node in document order (iteratively: nesting depth does not matter). */
function firstError(root: TsNode): TsNode | undefined {
  let n = root;
  for (;;) {
    if (n.isError || n.isMissing) return n;
    const c = n.children.find((x) => x.hasError);
    if (!c) return n.hasError ? n : undefined;
    n = c;
  }
}

const TOKEN_NAMES: Record<string, string> = {
  block_end: '}',
  object_end: '}',
  tuple_end: ']',
  quoted_template_end: '"',
  template_interpolation_end: '}',
  template_directive_end: '}',
  heredoc_identifier: 'heredoc end marker',
};

/** A token for a message: `'}'`, or `"'"`. */
function token(t: string): string {
  return t.includes("'") ? JSON.stringify(t) : `'${t}'`;
}

function syntaxProblem(n: TsNode, src: HclText): ParseProblem {
  if (n.isMissing) {
    const what = TOKEN_NAMES[n.type] ?? n.type;
    const shown = /^[a-z_ ]{2,}$/.test(what) ? what.replace(/_/g, ' ') : token(what);
    return { message: `syntax error: missing ${shown}`, code: 'HCL_SYNTAX', span: src.lines.span(n.startIndex, n.startIndex) };
  }
  // The first token inside the ERROR node is what the parser could not place.
  let leaf: TsNode = n;
  while (leaf.children.length > 0) {
    const first = leaf.children.find((c) => c.endIndex > c.startIndex);
    if (!first) break;
    leaf = first;
  }
  const text = src.lines.text.slice(leaf.startIndex, leaf.endIndex).split('\n')[0];
  const shown = text.length > 30 ? `${text.slice(0, 27)}...` : text;
  const message = shown === '' ? 'syntax error' : `syntax error: unexpected ${token(shown)}`;
  return { message, code: 'HCL_SYNTAX', span: src.lines.span(leaf.startIndex, leaf.startIndex + text.length) };
}

type Mode = 'quoted' | 'heredoc' | 'raw';

/** One character of template content, or an interpolation/directive, while a template is assembled. */
type Tok = { readonly ch: string; readonly off: number; readonly end: number } | { readonly node: TsNode; readonly lstrip: boolean; readonly rstrip: boolean };

const POSTFIX = new Set(['get_attr', 'index', 'splat']);
const BINARY = new Set(['*', '/', '%', '+', '-', '>', '>=', '<', '<=', '==', '!=', '&&', '||']);

class Converter {
  constructor(
    private readonly src: HclText,
    /** The text tree-sitter parsed. */
    private readonly input: string,
    /** Maps an offset of the parsed text to an offset of `src` (identity for files). */
    private readonly map: (offset: number) => number,
  ) {}

  private at(n: TsNode): { src: HclText; from: number; to: number } {
    return { src: this.src, from: this.map(n.startIndex), to: this.map(n.endIndex) };
  }

  private text(n: TsNode): string {
    return this.input.slice(n.startIndex, n.endIndex);
  }

  body(n: TsNode): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    for (const c of named(n)) {
      if (c.type === 'attribute') {
        const [id, ...rest] = named(c);
        const e = rest.find((x) => x.type === 'expression');
        if (!id || id.type !== 'identifier') continue;
        attributes.push({
          ...this.at(c),
          name: this.text(id),
          nameFrom: this.map(id.startIndex),
          nameTo: this.map(id.endIndex),
          expr: e && !c.hasError ? this.expr(e, 0) : { kind: 'unknown', ...this.at(e ?? c) },
          broken: c.hasError,
        });
      } else if (c.type === 'block') {
        const parts = named(c);
        const id = parts[0];
        if (!id || id.type !== 'identifier') continue;
        const labels: Label[] = [];
        let inner: Body = ZERO;
        for (const p of parts.slice(1)) {
          if (p.type === 'string_lit') {
            const t = this.templateOf(p, 0);
            const literal = t.parts.every((x) => x.kind === 'text');
            if (literal) labels.push({ value: t.parts.map((x) => (x.kind === 'text' ? x.text : '')).join(''), from: this.map(p.startIndex), to: this.map(p.endIndex) });
          } else if (p.type === 'identifier') labels.push({ value: this.text(p), from: this.map(p.startIndex), to: this.map(p.endIndex) });
          else if (p.type === 'body') inner = this.body(p);
        }
        blocks.push({ ...this.at(c), type: this.text(id), typeFrom: this.map(id.startIndex), typeTo: this.map(id.endIndex), labels, body: inner, broken: c.hasError });
      }
    }
    return { attributes, blocks };
  }

  private unknown(n: TsNode): UnknownExpr {
    return { kind: 'unknown', ...this.at(n) };
  }

  /** An `expression` node, or any node that stands for one. */
  expr(n: TsNode, depth: number): Expr {
    if (depth > MAX_DEPTH || n.hasError) return this.unknown(n);
    switch (n.type) {
      case 'expression': {
        const cs = kids(n);
        if (cs.length === 1 && cs[0].type === 'conditional') return this.expr(cs[0], depth + 1);
        return this.term(cs, n, depth + 1);
      }
      case 'conditional': {
        const es = named(n).filter((c) => c.type === 'expression');
        if (es.length !== 3) return this.unknown(n);
        return { kind: 'conditional', ...this.at(n), cond: this.expr(es[0], depth + 1), then: this.expr(es[1], depth + 1), else: this.expr(es[2], depth + 1) };
      }
      default:
        return this.term([n], n, depth + 1);
    }
  }

  /** A flattened term: a primary node (or `( expression )`) followed by attribute, index and splat steps. */
  private term(cs: readonly TsNode[], whole: TsNode, depth: number): Expr {
    if (cs.length === 0) return this.unknown(whole);
    let i = 0;
    let base: Expr;
    if (cs[0].type === '(') {
      const inner = cs[1];
      if (!inner || inner.type !== 'expression') return this.unknown(whole);
      base = this.expr(inner, depth + 1);
      i = cs[2]?.type === ')' ? 3 : 2;
    } else {
      base = this.primary(cs[0], depth + 1);
      i = 1;
    }
    const steps: Step[] = [];
    for (; i < cs.length; i++) {
      const s = cs[i];
      if (!POSTFIX.has(s.type)) return this.unknown(whole);
      const converted = this.steps(s, depth + 1);
      if (!converted) return this.unknown(whole);
      steps.push(...converted);
    }
    if (steps.length === 0) return base;
    const at = { src: this.src, from: base.from, to: this.map(cs[cs.length - 1].endIndex) };
    if (base.kind === 'traversal' && cs[0].type !== '(') return { ...base, ...at, steps: [...base.steps, ...steps] };
    return { kind: 'postfix', ...at, target: base, steps };
  }

  private steps(s: TsNode, depth: number): Step[] | undefined {
    const from = this.map(s.startIndex);
    const to = this.map(s.endIndex);
    switch (s.type) {
      case 'get_attr': {
        const id = named(s).find((c) => c.type === 'identifier');
        return id ? [{ kind: 'attr', name: this.text(id), from, to }] : undefined;
      }
      case 'index': {
        const k = named(s)[0];
        if (!k) return undefined;
        if (k.type === 'new_index') {
          const e = named(k).find((c) => c.type === 'expression');
          return e ? [{ kind: 'index', key: this.expr(e, depth + 1), from, to }] : undefined;
        }
        if (k.type === 'legacy_index') {
          const digits = this.text(k).replace(/^\./, '');
          return [{ kind: 'index', key: { kind: 'literal', src: this.src, from: from + 1, to, value: Number(digits) }, from, to }];
        }
        return undefined;
      }
      case 'splat': {
        const k = named(s)[0];
        if (!k) return undefined;
        const out: Step[] = [{ kind: 'splat', from, to: from + (k.type === 'full_splat' ? 3 : 2) }];
        for (const c of named(k)) {
          const more = this.steps(c, depth + 1);
          if (!more) return undefined;
          out.push(...more);
        }
        return out;
      }
    }
    return undefined;
  }

  private primary(n: TsNode, depth: number): Expr {
    if (depth > MAX_DEPTH || n.hasError) return this.unknown(n);
    switch (n.type) {
      case 'literal_value':
        return this.primary(named(n)[0] ?? n, depth + 1);
      case 'numeric_lit': {
        const t = this.text(n);
        const v = /^0x/i.test(t) ? Number.NaN : Number(t);
        return Number.isFinite(v) ? { kind: 'literal', ...this.at(n), value: v } : this.unknown(n);
      }
      case 'bool_lit':
        return { kind: 'literal', ...this.at(n), value: this.text(n) === 'true' };
      case 'null_lit':
        return { kind: 'literal', ...this.at(n), value: null };
      case 'string_lit':
      case 'quoted_template':
      case 'heredoc_template':
        return this.templateOf(n, depth + 1);
      case 'template_expr':
        return this.primary(named(n)[0] ?? n, depth + 1);
      case 'collection_value':
        return this.primary(named(n)[0] ?? n, depth + 1);
      case 'tuple':
        return { kind: 'tuple', ...this.at(n), items: named(n).filter((c) => c.type === 'expression').map((c) => this.expr(c, depth + 1)) };
      case 'object': {
        const items: ObjectItem[] = [];
        for (const el of named(n)) {
          if (el.type !== 'object_elem') continue;
          const k = fieldChild(el, 'key');
          const v = fieldChild(el, 'val');
          if (!k || !v) continue;
          items.push({ key: this.objectKey(k, depth + 1), value: this.expr(v, depth + 1), from: this.map(el.startIndex), to: this.map(el.endIndex) });
        }
        return { kind: 'object', ...this.at(n), items };
      }
      case 'variable_expr':
        return { kind: 'traversal', ...this.at(n), root: this.text(n), steps: [] };
      case 'function_call': {
        const id = named(n).find((c) => c.type === 'identifier');
        const args = named(n).find((c) => c.type === 'function_arguments');
        const list = args ? named(args).filter((c) => c.type === 'expression').map((c) => this.expr(c, depth + 1)) : [];
        const expand = !!args && named(args).some((c) => c.type === 'ellipsis');
        return id ? { kind: 'call', ...this.at(n), name: this.text(id), args: list, expand } : this.unknown(n);
      }
      case 'for_expr':
        return this.forExpr(named(n)[0] ?? n, depth + 1);
      case 'operation':
        return this.operation(named(n)[0] ?? n, depth + 1);
      case 'expression':
        return this.expr(n, depth + 1);
    }
    return this.unknown(n);
  }

  /** An object key: a bare identifier is the literal name; anything else is evaluated. */
  private objectKey(k: TsNode, depth: number): Expr {
    const cs = kids(k);
    if (k.type === 'expression' && cs.length === 1 && cs[0].type === 'variable_expr') {
      const id = cs[0];
      const text = this.text(id);
      const from = this.map(id.startIndex);
      const offsets = Array.from({ length: text.length + 1 }, (_, i) => this.map(id.startIndex + i));
      return { kind: 'template', src: this.src, from, to: this.map(id.endIndex), parts: [{ kind: 'text', text, offsets }] };
    }
    return this.expr(k, depth);
  }

  private forExpr(n: TsNode, depth: number): Expr {
    const object = n.type === 'for_object_expr';
    if (!object && n.type !== 'for_tuple_expr') return this.unknown(n);
    const cs = named(n);
    const intro = cs.find((c) => c.type === 'for_intro');
    const cond = cs.find((c) => c.type === 'for_cond');
    const exprs = cs.filter((c) => c.type === 'expression');
    if (!intro) return this.unknown(n);
    const ids = named(intro).filter((c) => c.type === 'identifier').map((c) => this.text(c));
    const coll = named(intro).find((c) => c.type === 'expression');
    if (!coll || ids.length === 0 || exprs.length < (object ? 2 : 1)) return this.unknown(n);
    const condExpr = cond ? named(cond).find((c) => c.type === 'expression') : undefined;
    return {
      kind: 'for',
      ...this.at(n),
      object,
      ...(ids.length === 2 ? { keyVar: ids[0] } : {}),
      valueVar: ids[ids.length - 1],
      collection: this.expr(coll, depth + 1),
      ...(object ? { key: this.expr(exprs[0], depth + 1) } : {}),
      value: this.expr(exprs[object ? 1 : 0], depth + 1),
      ...(condExpr ? { cond: this.expr(condExpr, depth + 1) } : {}),
      group: object && cs.some((c) => c.type === 'ellipsis'),
    };
  }

  private operation(n: TsNode, depth: number): Expr {
    const cs = kids(n);
    if (n.type === 'unary_operation') {
      const op = cs[0]?.type;
      if (op !== '-' && op !== '!') return this.unknown(n);
      return { kind: 'unary', ...this.at(n), op, operand: this.term(cs.slice(1), n, depth + 1) };
    }
    if (n.type !== 'binary_operation') return this.unknown(n);
    // Find the operator: the first anonymous token after one complete term.
    let i = cs[0]?.type === '(' ? 3 : 1;
    while (i < cs.length && POSTFIX.has(cs[i].type)) i++;
    const op = cs[i];
    if (!op || op.isNamed || !BINARY.has(op.type)) return this.unknown(n);
    return { kind: 'binary', ...this.at(n), op: op.type, left: this.term(cs.slice(0, i), n, depth + 1), right: this.term(cs.slice(i + 1), n, depth + 1) };
  }

  // ---- templates --------------------------------------------------------------------------------

  private templateOf(n: TsNode, depth: number): TemplateExpr {
    const cs = kids(n);
    if (n.type === 'heredoc_template') {
      const ids = cs.filter((c) => c.type === 'heredoc_identifier');
      const flush = cs[0]?.type === 'heredoc_start' && this.text(cs[0]) === '<<-';
      const text = this.input;
      const open = ids[0];
      const close = ids[ids.length - 1];
      if (!open || !close || open === close) return { kind: 'template', ...this.at(n), parts: [] };
      // The content starts on the line after the opening marker and ends before the closing marker's line.
      const nl = text.indexOf('\n', open.endIndex);
      const start = nl === -1 ? open.endIndex : nl + 1;
      const lastNl = text.lastIndexOf('\n', close.startIndex - 1);
      const end = Math.max(start, lastNl + 1);
      return { kind: 'template', ...this.at(n), parts: this.templateParts(n, start, end, 'heredoc', flush, depth) };
    }
    const startTok = cs.find((c) => c.type === 'quoted_template_start');
    const endTok = cs.find((c) => c.type === 'quoted_template_end');
    const start = startTok ? startTok.endIndex : n.startIndex;
    const end = endTok ? endTok.startIndex : n.endIndex;
    return { kind: 'template', ...this.at(n), parts: this.templateParts(n, start, end, 'quoted', false, depth) };
  }

  /** The parts of a template whose content is the text [start, end) with interpolations and directives among `n`'s children. */
  templateParts(n: TsNode, start: number, end: number, mode: Mode, flush: boolean, depth: number): TemplatePart[] {
    const text = this.input;
    const specials = kids(n).filter((c) => (c.type === 'template_interpolation' || c.type === 'template_directive') && c.startIndex >= start && c.endIndex <= end);
    const toks: Tok[] = [];
    let pos = start;
    for (const s of [...specials, undefined]) {
      const gapEnd = s ? s.startIndex : end;
      if (gapEnd > pos) this.decode(text, pos, gapEnd, mode, toks);
      if (!s) break;
      const inner = kids(s);
      const lstrip = inner[1]?.type === 'strip_marker';
      const rstrip = inner.length >= 2 && inner[inner.length - 2]?.type === 'strip_marker';
      toks.push({ node: s, lstrip, rstrip });
      pos = s.endIndex;
    }
    if (flush) unindent(toks);
    strip(toks);
    const parts: TemplatePart[] = [];
    let chars = '';
    let offs: number[] = [];
    let lastEnd = 0;
    const flushText = () => {
      if (chars === '') return;
      offs.push(this.map(lastEnd));
      parts.push({ kind: 'text', text: chars, offsets: offs });
      chars = '';
      offs = [];
    };
    for (const t of toks) {
      if ('ch' in t) {
        chars += t.ch;
        offs.push(this.map(t.off));
        lastEnd = t.end;
        continue;
      }
      flushText();
      const from = this.map(t.node.startIndex);
      const to = this.map(t.node.endIndex);
      if (t.node.type === 'template_directive') {
        parts.push({ kind: 'directive', from, to });
        continue;
      }
      const e = named(t.node).find((c) => c.type === 'expression');
      const expr: Expr = e ? this.expr(e, depth + 1) : { kind: 'unknown', src: this.src, from, to };
      parts.push({ kind: 'interp', expr, from, to });
    }
    flushText();
    return parts;
  }

  /** Characters of the literal text [a, b) with their offsets (escapes decoded per `mode`). */
  private decode(s: string, a: number, b: number, mode: Mode, out: Tok[]): void {
    for (let i = a; i < b; ) {
      const c = s[i];
      if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
        out.push({ ch: c, off: i, end: i + 2 }, { ch: '{', off: i + 2, end: i + 3 });
        i += 3;
        continue;
      }
      if (c === '\\' && mode === 'quoted' && i + 1 < b) {
        const e = s[i + 1];
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
        if (e in simple) {
          out.push({ ch: simple[e], off: i, end: i + 2 });
          i += 2;
          continue;
        }
        const len = e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const hex = len ? s.slice(i + 2, i + 2 + len) : '';
        if (len && hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
          const cp = parseInt(hex, 16);
          if (cp <= 0x10ffff) {
            const units = String.fromCodePoint(cp);
            for (let k = 0; k < units.length; k++) out.push({ ch: units[k], off: i, end: i + 2 + len });
            i += 2 + len;
            continue;
          }
        }
      }
      out.push({ ch: c, off: i, end: i + 1 });
      i += 1;
    }
  }
}

/** `<<-`: remove from every line the smallest indentation of the lines that are not blank. */
function unindent(toks: Tok[]): void {
  const lines: number[][] = [];
  let cur: number[] = [];
  toks.forEach((t, i) => {
    cur.push(i);
    if ('ch' in t && t.ch === '\n') {
      lines.push(cur);
      cur = [];
    }
  });
  if (cur.length) lines.push(cur);
  const lead = (line: number[]) => {
    let n = 0;
    for (const i of line) {
      const t = toks[i];
      if ('ch' in t && (t.ch === ' ' || t.ch === '\t')) n++;
      else return { n, blank: 'ch' in t && t.ch === '\n' };
    }
    return { n, blank: true };
  };
  let min = Infinity;
  for (const l of lines) {
    const { n, blank } = lead(l);
    if (!blank) min = Math.min(min, n);
  }
  if (min === Infinity || min === 0) return;
  const drop = new Set<number>();
  for (const l of lines) {
    const { n } = lead(l);
    for (let k = 0; k < Math.min(n, min); k++) drop.add(l[k]);
  }
  const kept = toks.filter((_, i) => !drop.has(i));
  toks.length = 0;
  toks.push(...kept);
}

/** `${~ x}` and `${x ~}`: whitespace before or after the interpolation is removed. */
function strip(toks: Tok[]): void {
  const drop = new Set<number>();
  const ws = (t: Tok) => 'ch' in t && /\s/.test(t.ch);
  toks.forEach((t, i) => {
    if ('ch' in t) return;
    if (t.lstrip) for (let k = i - 1; k >= 0 && ws(toks[k]); k--) drop.add(k);
    if (t.rstrip) for (let k = i + 1; k < toks.length && ws(toks[k]); k++) drop.add(k);
  });
  if (drop.size === 0) return;
  const kept = toks.filter((_, i) => !drop.has(i));
  toks.length = 0;
  toks.push(...kept);
}
