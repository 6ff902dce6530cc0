/**
 * The static evaluator for TypeScript (and JavaScript) programs, over an ESTree syntax tree from
 * `@typescript-eslint/typescript-estree` (parsed by the caller with `range: true`). Nothing is
 * executed.
 *
 * Evaluated: string, number, boolean and `null` literals; template literals (escapes decoded, each
 * character keeping its source position); object literals (computed keys, spreads; a later
 * property wins); array literals (spreads); `const` bindings of the same file that are bound once
 * and never mutated (`x.y = …`, `x.push(…)`, `delete x.y`, `Object.assign(x, …)` make them
 * unknown); members of known objects and arrays; `JSON.stringify(x)` of an object or array (the
 * value itself, which the readers take as the JSON document); type assertions, `!`, `?.` and
 * `await` are transparent.
 *
 * Anything else (parameters, `let`, imports, calls, `new`, other files) is unknown: a `${...}`
 * placeholder with `unknown: true`, unless an extension gives it a value. Extensions are how
 * frameworks (CDK, Pulumi) give their constructs, calls and members a meaning: they may return
 * framework values, opaque placeholders that carry data only the extension reads
 * (`frameworkValue` / `frameworkData`).
 */
import { isMap, isScalar, isSeq, type PEntry, type PMap, type PScalar } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import { LineIndex } from './positions.js';
import { decodedPiece, joinPieces, opaquePiece, sourcePiece, unknownScalar, type Piece, type StaticEvaluator, type Value } from './value.js';

/** A loose view of ESTree nodes: only the fields the readers use. */
export type EsNode = { readonly type: string; readonly range: [number, number] } & Record<string, any>;

/** What an identifier bound by an `import` (not type-only) refers to. */
export interface ImportedSymbol {
  /** The module specifier: `aws-cdk-lib/aws-iam`. */
  readonly source: string;
  /**
   * The member path inside the module: `['Role']` for `iam.Role` with `import * as iam` or for
   * `Role` with `import { Role }`; `['aws_iam', 'Role']` for `cdk.aws_iam.Role`.
   */
  readonly path: readonly string[];
}

/**
 * Framework-specific meaning for expressions the evaluator does not know. Each hook returns a
 * value, or undefined to leave the expression to the next extension (and finally to the
 * evaluator, which makes it unknown).
 */
export interface TsExtension {
  /** `new C(...)`. */
  construct?(n: EsNode, ev: TsEvaluator): Value | undefined;
  /** A call other than `JSON.stringify(...)`. */
  call?(n: EsNode, ev: TsEvaluator): Value | undefined;
  /** `a.name` or `a[name]` on a framework value `object` (see `frameworkValue`). */
  member?(object: Value, name: string, n: EsNode, ev: TsEvaluator): Value | undefined;
  /** A member chain that names an imported symbol (`iam.Effect.ALLOW`, `eks.IdentityType.IRSA`). */
  imported?(symbol: ImportedSymbol, n: EsNode, ev: TsEvaluator): Value | undefined;
  /** A tagged template (`pulumi.interpolate\`...\``). */
  tagged?(n: EsNode, ev: TsEvaluator): Value | undefined;
}

/** How deep evaluation may nest before the value is given up as unknown. */
const MAX_DEPTH = 200;

export class TsEvaluator implements StaticEvaluator<EsNode> {
  readonly lines: LineIndex;
  private readonly imports = new Map<string, ImportedSymbol>();
  private readonly consts = new Map<string, EsNode>();
  private readonly ambiguous = new Set<string>();
  private readonly members = new Map<string, Set<string>>();
  private readonly framework = new Map<Value, unknown>();
  private readonly cache = new Map<EsNode, Value>();
  private readonly evaluating = new Set<EsNode>();

  /** `program`: the parsed file, `text`: its source (without a byte order mark), `file`: its display path. */
  constructor(
    readonly program: EsNode,
    readonly text: string,
    readonly file: string,
    private readonly extensions: readonly TsExtension[] = [],
  ) {
    this.lines = new LineIndex(text, file);
    this.scan();
  }

  // ---- bindings ------------------------------------------------------------------------------

  /** Imports, `const` bindings, the names that are bound more than once or mutated, and the members used on each name. */
  private scan(): void {
    const names = new Map<string, number>();
    const mutated = new Set<string | undefined>();
    const count = (name: string) => names.set(name, (names.get(name) ?? 0) + 1);
    forEachNode(this.program, (n, isParam) => {
      if (n.type === 'ImportDeclaration' && typeof n.source?.value === 'string' && n.importKind !== 'type') {
        for (const s of n.specifiers as EsNode[]) {
          const local = s.local?.name as string;
          if (s.type === 'ImportSpecifier') {
            const imported = s.imported?.type === 'Identifier' ? (s.imported.name as string) : String(s.imported?.value);
            this.imports.set(local, { source: n.source.value, path: [imported] });
          } else this.imports.set(local, { source: n.source.value, path: [] });
        }
      } else if (n.type === 'VariableDeclarator') {
        for (const name of bindingNames(n.id)) count(name);
      } else if (n.type === 'VariableDeclaration' && n.kind === 'const') {
        for (const d of n.declarations as EsNode[]) if (d.id?.type === 'Identifier' && d.init) this.consts.set(d.id.name, d.init);
      } else if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') && n.id?.type === 'Identifier') {
        count(n.id.name);
      } else if (n.type === 'Identifier' && isParam) {
        count(n.name);
      } else if (n.type === 'MemberExpression' && !n.computed && n.object?.type === 'Identifier' && typeof n.property?.name === 'string') {
        const used = this.members.get(n.object.name);
        if (used) used.add(n.property.name);
        else this.members.set(n.object.name, new Set([n.property.name]));
      } else if ((n.type === 'AssignmentExpression' && n.left?.type === 'MemberExpression') || (n.type === 'UpdateExpression' && n.argument?.type === 'MemberExpression')) {
        mutated.add(rootName(n.left ?? n.argument));
      } else if (n.type === 'UnaryExpression' && n.operator === 'delete') {
        mutated.add(rootName(n.argument));
      } else if (n.type === 'CallExpression' && n.callee?.type === 'MemberExpression') {
        // `x.push(...)`, `x.y.set(...)`, `Object.assign(x, ...)`: the object a const names is changed later.
        const method = n.callee.property?.name;
        if (MUTATORS.has(method)) mutated.add(rootName(n.callee.object));
        if (n.callee.object?.type === 'Identifier' && n.callee.object.name === 'Object' && method === 'assign' && n.arguments[0]) mutated.add(rootName(n.arguments[0]));
      }
    });
    for (const [name, c] of names) if (c > 1) this.ambiguous.add(name);
    // A const whose object or array is modified after its declaration is not what its literal says.
    for (const name of mutated) if (name) this.ambiguous.add(name);
  }

  /** Module specifiers the file imports values from (type-only imports excluded). */
  importSources(): string[] {
    return [...new Set([...this.imports.values()].map((i) => i.source))];
  }

  /** The imported symbol an identifier or a member chain on one names (`iam.Role`, `Role`, `cdk.aws_iam.Role`), unless a `const` shadows it. */
  imported(n: EsNode | undefined): ImportedSymbol | undefined {
    const rest: string[] = [];
    let cur = n;
    while (cur && cur.type === 'MemberExpression' && !cur.computed && cur.property?.type === 'Identifier') {
      rest.unshift(cur.property.name);
      cur = cur.object;
    }
    if (!cur || cur.type !== 'Identifier') return undefined;
    const imp = this.imports.get(cur.name);
    if (!imp || this.consts.has(cur.name)) return undefined;
    return rest.length === 0 ? imp : { source: imp.source, path: [...imp.path, ...rest] };
  }

  /** Is `x.<member>` written anywhere in the file (read, call or assignment)? */
  usesMember(name: string, member: string): boolean {
    return this.members.get(name)?.has(member) ?? false;
  }

  /** Is this name a `const` of the file (whatever its value)? */
  isConst(name: string): boolean {
    return this.consts.has(name);
  }

  // ---- positions and placeholders ------------------------------------------------------------

  span(a: number, b: number): Span {
    return this.lines.span(a, b);
  }

  nodeSpan(n: EsNode): Span {
    return this.lines.span(n.range[0], n.range[1]);
  }

  /** A known scalar at a node. */
  scalar(value: string | number | boolean | null, n: EsNode): PScalar {
    return { type: 'scalar', value, span: this.nodeSpan(n) };
  }

  /** The unknown value of a node: its source text (shortened) as a `${...}` placeholder. */
  unknown(n: EsNode): PScalar {
    let src = this.text.slice(n.range[0], n.range[1]).replace(/\s+/g, ' ');
    if (src.length > 60) src = `${src.slice(0, 57)}...`;
    return unknownScalar(src.replace(/[{}]/g, ''), this.nodeSpan(n));
  }

  /** A framework value at node `n`: an unknown placeholder for every generic reader, `data` for the extension that made it. */
  frameworkValue(n: EsNode, data: unknown): PMap {
    const node: PMap = { type: 'map', entries: [], span: this.nodeSpan(n), unknown: true };
    this.framework.set(node, data);
    return node;
  }

  /** The data of a framework value, or undefined for any other value. */
  frameworkData(v: Value | undefined): unknown {
    return v === undefined ? undefined : this.framework.get(v);
  }

  isFrameworkValue(v: Value | undefined): boolean {
    return v !== undefined && this.framework.has(v);
  }

  /** Argument `i` of a call or `new`, unless it is absent or a spread. */
  arg(n: EsNode, i: number): EsNode | undefined {
    const a = (n.arguments as EsNode[])[i];
    return a && a.type !== 'SpreadElement' ? a : undefined;
  }

  /** An object literal's value (not a framework value), or undefined. */
  props(n: EsNode | undefined): PMap | undefined {
    if (!n) return undefined;
    const v = this.evaluate(n);
    return isMap(v) && !this.isFrameworkValue(v) ? v : undefined;
  }

  /** The text of a known scalar the node evaluates to, else `fallback`. */
  knownText(n: EsNode | undefined, fallback: string): string {
    const v = n ? this.evaluate(n) : undefined;
    return isScalar(v) && !v.unknown && v.value !== null ? String(v.value) : fallback;
  }

  // ---- evaluation ----------------------------------------------------------------------------

  evaluate(n: EsNode): Value {
    const hit = this.cache.get(n);
    if (hit) return hit;
    if (this.evaluating.has(n) || this.evaluating.size > MAX_DEPTH) return this.unknown(n);
    this.evaluating.add(n);
    let v: Value;
    try {
      v = this.eval(n);
    } finally {
      this.evaluating.delete(n);
    }
    this.cache.set(n, v);
    return v;
  }

  private extend(f: (x: TsExtension) => Value | undefined, n: EsNode): Value {
    for (const x of this.extensions) {
      const v = f(x);
      if (v !== undefined) return v;
    }
    return this.unknown(n);
  }

  private eval(n: EsNode): Value {
    switch (n.type) {
      case 'Literal': {
        const v = n.value;
        if (typeof v === 'string') return joinPieces([this.textPiece(v, n.range[0] + 1, n.range[1] - 1)], this.nodeSpan(n));
        if (typeof v === 'number' || typeof v === 'boolean' || v === null) return this.scalar(v, n);
        return this.unknown(n);
      }
      case 'TemplateLiteral':
        return this.template(n);
      case 'TaggedTemplateExpression':
        return this.extend((x) => x.tagged?.(n, this), n);
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'AwaitExpression':
        return this.evaluate(n.expression ?? n.argument);
      case 'ChainExpression':
        return this.evaluate(n.expression);
      case 'Identifier': {
        const init = this.consts.get(n.name);
        if (!init || this.ambiguous.has(n.name)) return this.unknown(n);
        return this.evaluate(init);
      }
      case 'ObjectExpression':
        return this.object(n);
      case 'ArrayExpression':
        return this.array(n);
      case 'MemberExpression':
        return this.member(n);
      case 'CallExpression':
        return this.call(n);
      case 'NewExpression':
        return this.extend((x) => x.construct?.(n, this), n);
      default:
        return this.unknown(n);
    }
  }

  /**
   * The pieces of a string or template chunk: `value` is its decoded text, the source runs from
   * `from` to `to` (without quotes). Undecoded text maps one to one; escapes map each decoded
   * character to its escape sequence.
   */
  private textPiece(value: string, from: number, to: number): Piece {
    if (this.text.slice(from, to) === value) return sourcePiece(this.lines, from, to);
    const offsets = escapeOffsets(this.text, from, to);
    if (offsets.length !== value.length + 1) return opaquePiece(value, this.span(from, to));
    return decodedPiece(this.lines, value, offsets);
  }

  /** A template literal (also the quasi of a tagged template that an extension evaluates as one). */
  template(n: EsNode): Value {
    const pieces: Piece[] = [];
    const quasis = n.quasis as EsNode[];
    const exprs = n.expressions as EsNode[];
    quasis.forEach((q, i) => {
      const cooked = q.value.cooked as string | null;
      const from = q.range[0] + 1;
      const to = q.range[1] - (q.tail ? 1 : 2);
      if (cooked === null) pieces.push(opaquePiece('${invalid escape}', this.nodeSpan(q), true));
      else if (cooked.length > 0) pieces.push(this.textPiece(cooked, from, to));
      const e = exprs[i];
      if (!e) return;
      const v = this.evaluate(e);
      // A substitution: its characters all map to the whole `${...}`.
      const whole = this.span(quasis[i].range[1] - 2, quasis[i + 1].range[0] + 1);
      if (isScalar(v) && v.value !== null && !v.unknown) pieces.push(opaquePiece(String(v.value), whole));
      else pieces.push(opaquePiece(isScalar(v) && typeof v.value === 'string' && v.value.includes('${') ? v.value : `\${${this.text.slice(e.range[0], e.range[1]).replace(/[{}]/g, '')}}`, whole, true));
    });
    return joinPieces(pieces, this.nodeSpan(n));
  }

  private object(n: EsNode): PMap {
    const entries: PEntry[] = [];
    let unknown = false;
    const put = (e: PEntry) => {
      const i = entries.findIndex((x) => !x.key.unknown && !e.key.unknown && x.key.value === e.key.value);
      if (i === -1) entries.push(e);
      else entries[i] = e; // a later property wins, as in JavaScript
    };
    for (const p of n.properties as EsNode[]) {
      if (p.type === 'SpreadElement') {
        const v = this.evaluate(p.argument);
        if (isMap(v) && !v.unknown) v.entries.forEach(put);
        else unknown = true;
        continue;
      }
      if (p.type !== 'Property' || p.kind !== 'init') {
        unknown = true;
        continue;
      }
      let key: PScalar;
      const k = p.key as EsNode;
      if (!p.computed && k.type === 'Identifier') key = this.scalar(k.name, k);
      else if (!p.computed && k.type === 'Literal') key = { ...(this.evaluate(k) as PScalar), value: String(k.value) };
      else {
        const v = this.evaluate(k);
        key = isScalar(v) && v.value !== null ? { ...v, value: String(v.value) } : this.unknown(k);
      }
      put({ key, value: p.method ? this.unknown(p.value) : this.evaluate(p.value) });
    }
    return { type: 'map', entries, span: this.nodeSpan(n), ...(unknown ? { unknown } : {}) };
  }

  private array(n: EsNode): Value {
    const items: Value[] = [];
    let unknown = false;
    for (const e of n.elements as (EsNode | null)[]) {
      if (!e) continue;
      if (e.type === 'SpreadElement') {
        const v = this.evaluate(e.argument);
        if (isSeq(v) && !v.unknown) items.push(...v.items);
        else unknown = true;
      } else items.push(this.evaluate(e));
    }
    return { type: 'seq', items, span: this.nodeSpan(n), ...(unknown ? { unknown } : {}) };
  }

  private member(n: EsNode): Value {
    const symbol = this.imported(n);
    if (symbol) return this.extend((x) => x.imported?.(symbol, n, this), n);
    const obj = this.evaluate(n.object);
    let name: string | undefined;
    if (!n.computed && n.property?.type === 'Identifier') name = n.property.name;
    else if (n.computed) {
      const k = this.evaluate(n.property);
      if (isScalar(k) && !k.unknown && k.value !== null) name = String(k.value);
    }
    if (name === undefined) return this.unknown(n);
    if (this.isFrameworkValue(obj)) {
      const key = name;
      return this.extend((x) => x.member?.(obj, key, n, this), n);
    }
    if (isMap(obj) && !obj.unknown) {
      const e = obj.entries.find((x) => !x.key.unknown && x.key.value === name);
      return e ? e.value : this.unknown(n);
    }
    if (isSeq(obj) && !obj.unknown && /^\d+$/.test(name)) return obj.items[Number(name)] ?? this.unknown(n);
    return this.unknown(n);
  }

  private call(n: EsNode): Value {
    const callee = n.callee as EsNode;
    const a0 = this.arg(n, 0);
    // JSON.stringify(object): the object is the document.
    const isJsonStringify = callee.type === 'MemberExpression' && callee.object?.type === 'Identifier' && callee.object.name === 'JSON' && callee.property?.name === 'stringify' && !this.consts.has('JSON');
    if (isJsonStringify && a0) return this.documentOf(a0, n);
    return this.extend((x) => x.call?.(n, this), n);
  }

  /** The object or array `arg` evaluates to, as the JSON document a stringify call makes of it; else unknown. */
  documentOf(arg: EsNode, call: EsNode): Value {
    const v = this.evaluate(arg);
    return (isMap(v) || isSeq(v)) && !this.isFrameworkValue(v) ? v : this.unknown(call);
  }
}

/**
 * Source offset of every decoded character of the string or template text between `from` and
 * `to` (escapes decoded as JavaScript does), followed by `to`.
 */
function escapeOffsets(s: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; ) {
    if (s[i] !== '\\') {
      out.push(i);
      i += 1;
      continue;
    }
    const c = s[i + 1];
    let len = 2;
    let units = 1;
    if (c === 'x') len = 4;
    else if (c === 'u' && s[i + 2] === '{') {
      const close = s.indexOf('}', i);
      len = close === -1 ? 2 : close - i + 1;
      const cp = parseInt(s.slice(i + 3, i + len - 1), 16);
      units = cp > 0xffff ? 2 : 1;
    } else if (c === 'u') len = 6;
    else if (c === '\r' && s[i + 2] === '\n') {
      len = 3;
      units = 0;
    } else if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') units = 0;
    for (let k = 0; k < units; k++) out.push(i);
    i += len;
  }
  out.push(to);
  return out;
}

/**
 * Calls `f` on every node of the tree, parents before children, children in source order;
 * `isParam` is true for the identifiers a function or catch clause binds as parameters.
 */
export function forEachNode(root: EsNode, f: (n: EsNode, isParam: boolean) => void): void {
  const params = new Set<EsNode>();
  const stack: EsNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'TSDeclareFunction') && Array.isArray(n.params)) {
      for (const p of n.params as EsNode[]) markParams(p, params);
    }
    if (n.type === 'CatchClause' && n.param) markParams(n.param, params);
    f(n, params.has(n));
    for (const key of Object.keys(n)) {
      if (key === 'range' || key === 'loc' || key === 'parent') continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) if (v[i] && typeof v[i].type === 'string') stack.push(v[i]);
      } else if (v && typeof v === 'object' && typeof v.type === 'string') stack.push(v);
    }
  }
}

const MUTATORS = new Set(['push', 'unshift', 'splice', 'pop', 'shift', 'reverse', 'sort', 'fill', 'copyWithin', 'set', 'delete', 'clear', 'add']);

/** The identifier an expression such as `a.b[c].d` starts from. */
function rootName(n: EsNode | undefined): string | undefined {
  let cur = n;
  while (cur && (cur.type === 'MemberExpression' || cur.type === 'TSNonNullExpression' || cur.type === 'TSAsExpression' || cur.type === 'ChainExpression')) cur = cur.object ?? cur.expression;
  return cur?.type === 'Identifier' ? cur.name : undefined;
}

/** Names bound by a declaration target (an identifier or a destructuring pattern). */
function bindingNames(p: EsNode | null | undefined): string[] {
  if (!p) return [];
  switch (p.type) {
    case 'Identifier':
      return [p.name];
    case 'AssignmentPattern':
      return bindingNames(p.left);
    case 'RestElement':
      return bindingNames(p.argument);
    case 'ObjectPattern':
      return (p.properties as EsNode[]).flatMap((q) => bindingNames(q.type === 'Property' ? q.value : q));
    case 'ArrayPattern':
      return (p.elements as (EsNode | null)[]).flatMap((q) => bindingNames(q));
    default:
      return [];
  }
}

function markParams(p: EsNode, out: Set<EsNode>): void {
  if (!p) return;
  if (p.type === 'Identifier') out.add(p);
  else if (p.type === 'AssignmentPattern') markParams(p.left, out);
  else if (p.type === 'RestElement') markParams(p.argument, out);
  else if (p.type === 'TSParameterProperty') markParams(p.parameter, out);
  else if (p.type === 'ObjectPattern') for (const q of p.properties as EsNode[]) markParams(q.type === 'Property' ? q.value : q, out);
  else if (p.type === 'ArrayPattern') for (const q of p.elements as (EsNode | null)[]) if (q) markParams(q, out);
}
