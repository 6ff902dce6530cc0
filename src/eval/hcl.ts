/**
 * The static evaluator for HCL expressions (Terraform): literals, templates and heredocs (with
 * per-character positions through `Piece`s), tuples and objects, references, `for` expressions,
 * conditionals and operators on known values, and the functions that appear in trust policies:
 * `jsonencode`, `jsondecode`, `replace` (also with a `/regex/`), `format`, `trimprefix`,
 * `trimsuffix`, `trimspace`, `lower`, `upper`, `join`, `split`, `concat`, `merge`, `flatten`,
 * `compact`, `distinct`, `tolist`, `toset`, `tomap`, `tostring`, `coalesce`, `lookup`, `element`,
 * `length`, `keys`, `values`, `contains`, `try`.
 *
 * Root names (`var`, `local`, resources, `module`, ...) are resolved by the `HclScope` the loader
 * provides; `for` variables, `each`, `count` and dynamic-block iterators are local bindings.
 * Anything that cannot be known is an unknown scalar whose text is a `${...}` placeholder; a string
 * assembled from known and unknown parts keeps its parts (`piecesOf`), so that
 * `"${replace(module.eks.cluster_oidc_issuer_url, "https://", "")}:sub"` is an unknown prefix
 * followed by the known `:sub`.
 *
 * `jsonencode(x)` of an object or tuple, and a policy document's `json`, are the encoded value
 * itself tagged `hcl:json` (a string holding that JSON document); where such a value is used as a
 * string it is serialized with positions.
 */
import { isMap, isScalar, isSeq, type PEntry, type PMap, type PNode, type PScalar } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import type { Expr, Step, TemplateExpr } from './hcl-syntax.js';
import { decodedPiece, joinPieces, opaquePiece, retextPiece, scalarPiece, slicePiece, unknownScalar, type Piece, type StaticEvaluator, type Value } from './value.js';
import { posSpan } from '../model/posmap.js';

/** Tag of a value that Terraform holds as a JSON string: the decoded document. */
export const JSON_TAG = 'hcl:json';

/** Where a root name gets its value: the configuration around the expression. */
export interface HclScope {
  /**
   * The value of `root` followed by some of `steps` (`var.x`, `aws_iam_role.app.arn`), and how
   * many steps it used; undefined when the name is not known.
   */
  lookup(root: string, steps: readonly Step[], ev: HclEvaluator, at: Expr): { value: Value; used: number } | undefined;
  /** The document a JSON string holds, with positions (`jsondecode`); undefined when it is not one. */
  decodeJson?(s: PScalar): Value | undefined;
}

/** Shared by an evaluator and the evaluators derived from it with other bindings. */
class State {
  /** The parts of assembled strings, so that known and unknown parts survive being used again. */
  readonly pieces = new WeakMap<PScalar, readonly Piece[]>();
  depth = 0;
}

const MAX_DEPTH = 150;
const MAX_ITEMS = 10_000;

export class HclEvaluator implements StaticEvaluator<Expr> {
  private readonly state: State;

  constructor(
    private readonly scope: HclScope,
    private readonly bindings: ReadonlyMap<string, Value> = new Map(),
    state?: State,
  ) {
    this.state = state ?? new State();
  }

  /** An evaluator with more local names bound (`for` variables, `each`, `count`, iterators). */
  with(bindings: Readonly<Record<string, Value>>): HclEvaluator {
    const m = new Map(this.bindings);
    for (const [k, v] of Object.entries(bindings)) m.set(k, v);
    return new HclEvaluator(this.scope, m, this.state);
  }

  /** Span of an expression. */
  span(e: { readonly src: { readonly lines: { span(a: number, b: number): Span } }; readonly from: number; readonly to: number }): Span {
    return e.src.lines.span(e.from, e.to);
  }

  /** An unknown value standing for the expression's source text. */
  unknown(e: Expr, what?: string): PScalar {
    return unknownScalar(what ?? placeholderText(e.src.lines.text.slice(e.from, e.to)), this.span(e));
  }

  evaluate(e: Expr): Value {
    if (this.state.depth > MAX_DEPTH) return this.unknown(e);
    this.state.depth++;
    try {
      return this.eval(e);
    } catch {
      // Never throw past the evaluator: an unexpected shape is an unknown value.
      return this.unknown(e);
    } finally {
      this.state.depth--;
    }
  }

  private eval(e: Expr): Value {
    switch (e.kind) {
      case 'literal':
        return { type: 'scalar', value: e.value, span: this.span(e) };
      case 'template':
        return this.template(e);
      case 'tuple':
        return { type: 'seq', items: e.items.map((i) => this.evaluate(i)), span: this.span(e) };
      case 'object': {
        const entries: PEntry[] = [];
        for (const it of e.items) {
          const k = this.evaluate(it.key);
          const key = this.keyScalar(k);
          const value = this.evaluate(it.value);
          if (!key) return this.unknown(e);
          const prev = key.unknown ? -1 : entries.findIndex((x) => !x.key.unknown && x.key.value === key.value);
          if (prev === -1) entries.push({ key, value });
          else entries[prev] = { key, value };
        }
        return { type: 'map', entries, span: this.span(e) };
      }
      case 'traversal': {
        const bound = this.bindings.get(e.root);
        if (bound !== undefined) return this.applySteps(bound, e.steps, e);
        const r = this.scope.lookup(e.root, e.steps, this, e);
        if (!r) return this.unknown(e);
        return this.applySteps(r.value, e.steps.slice(r.used), e);
      }
      case 'postfix':
        return this.applySteps(this.evaluate(e.target), e.steps, e);
      case 'call':
        return this.call(e);
      case 'for':
        return this.forExpr(e);
      case 'conditional': {
        const c = this.evaluate(e.cond);
        if (isScalar(c) && !c.unknown && typeof c.value === 'boolean') return this.evaluate(c.value ? e.then : e.else);
        const a = this.evaluate(e.then);
        const b = this.evaluate(e.else);
        return isScalar(a) && isScalar(b) && !a.unknown && !b.unknown && a.value === b.value ? a : this.unknown(e);
      }
      case 'unary': {
        const v = this.evaluate(e.operand);
        if (!isScalar(v) || v.unknown) return this.unknown(e);
        if (e.op === '!' && typeof v.value === 'boolean') return { type: 'scalar', value: !v.value, span: this.span(e) };
        const n = toNumber(v);
        if (e.op === '-' && n !== undefined) return { type: 'scalar', value: -n, span: this.span(e) };
        return this.unknown(e);
      }
      case 'binary':
        return this.binary(e);
      case 'unknown':
        return this.unknown(e);
    }
  }

  // ---- strings ----------------------------------------------------------------------------------

  /**
   * A string value from pieces; its parts are kept for later use (`piecesOf`). A string's
   * positions are in one file, its own: characters that come from another file (a variable's
   * default in variables.tf used in main.tf) point at `span`.
   */
  string(pieces: readonly Piece[], span: Span): PScalar {
    const local = localize(pieces, span);
    const s = joinPieces(local, span);
    this.state.pieces.set(s, local);
    return s;
  }

  /** The characters of a value used as a string (unknown parts included), or undefined when it is not one. */
  piecesOf(v: Value, at: Span): readonly Piece[] | undefined {
    if (isScalar(v)) {
      const kept = this.state.pieces.get(v);
      if (kept) return kept;
      if (v.unknown) return [opaquePiece(typeof v.value === 'string' ? v.value : '${value}', v.span, true)];
      if (typeof v.value === 'string') return [scalarPiece(v)];
      if (typeof v.value === 'number') return [opaquePiece(formatNumber(v.value), v.span)];
      if (typeof v.value === 'boolean') return [opaquePiece(String(v.value), v.span)];
      return undefined; // null: Terraform refuses to interpolate it
    }
    if (v.tag === JSON_TAG) return this.jsonPieces(v, at);
    if (v.unknown) return [opaquePiece('${value}', v.span, true)];
    return undefined;
  }

  /** A value as a string, for a template's interpolation: an unknown piece when it is not one. */
  private asPieces(v: Value, at: Span): readonly Piece[] {
    return this.piecesOf(v, at) ?? [opaquePiece('${value}', at, true)];
  }

  private template(e: TemplateExpr): Value {
    const parts = e.parts;
    if (parts.length === 1 && parts[0].kind === 'interp') return this.evaluate(parts[0].expr);
    const pieces: Piece[] = [];
    for (const p of parts) {
      if (p.kind === 'text') pieces.push(decodedPiece(e.src.lines, p.text, p.offsets));
      else if (p.kind === 'directive') pieces.push(opaquePiece('${template directive}', e.src.lines.span(p.from, p.to), true));
      else {
        // A value from another file stands at its interpolation.
        const at = e.src.lines.span(p.from, p.to);
        pieces.push(...localize(this.asPieces(this.evaluate(p.expr), at), at));
      }
    }
    return this.string(pieces, this.span(e));
  }

  private keyScalar(k: Value): PScalar | undefined {
    if (!isScalar(k)) return k.unknown ? unknownScalar('key', k.span) : undefined;
    if (k.unknown || typeof k.value === 'string') return k;
    if (typeof k.value === 'number' || typeof k.value === 'boolean') return this.string(this.asPieces(k, k.span), k.span);
    return undefined;
  }

  // ---- traversal --------------------------------------------------------------------------------

  /** `.name`, `[key]` and `[*]` / `.*` steps on a value. */
  applySteps(v: Value, steps: readonly Step[], at: Expr): Value {
    let cur = v;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (cur.unknown || cur.tag === JSON_TAG) return this.unknown(at);
      if (s.kind === 'splat') {
        const rest = steps.slice(i + 1);
        const items = isSeq(cur) ? cur.items : isScalar(cur) && cur.value === null ? [] : [cur];
        return { type: 'seq', items: items.map((x) => this.applySteps(x, rest, at)), span: this.span(at) };
      }
      if (s.kind === 'attr') {
        if (!isMap(cur)) return this.unknown(at);
        const hit = findEntry(cur, s.name);
        if (hit === 'unknown' || hit === undefined) return this.unknown(at);
        cur = hit.value;
        continue;
      }
      const key = this.evaluate(s.key);
      if (!isScalar(key) || key.unknown) return this.unknown(at);
      if (isSeq(cur)) {
        const n = toNumber(key);
        if (n === undefined || !Number.isInteger(n) || n < 0 || n >= cur.items.length) return this.unknown(at);
        cur = cur.items[n];
      } else if (isMap(cur)) {
        const name = textOf(key);
        const hit = name === undefined ? undefined : findEntry(cur, name);
        if (hit === 'unknown' || hit === undefined) return this.unknown(at);
        cur = hit.value;
      } else return this.unknown(at);
    }
    return cur;
  }

  // ---- operators --------------------------------------------------------------------------------

  private binary(e: Expr & { kind: 'binary' }): Value {
    const span = this.span(e);
    const bool = (b: boolean): PScalar => ({ type: 'scalar', value: b, span });
    if (e.op === '&&' || e.op === '||') {
      const a = this.evaluate(e.left);
      const known = (v: Value) => (isScalar(v) && !v.unknown && typeof v.value === 'boolean' ? v.value : undefined);
      const x = known(a);
      if (e.op === '&&' && x === false) return bool(false);
      if (e.op === '||' && x === true) return bool(true);
      const y = known(this.evaluate(e.right));
      if (y === undefined) return this.unknown(e);
      if (x === undefined) return (e.op === '&&' && y === false) || (e.op === '||' && y === true) ? bool(y) : this.unknown(e);
      return bool(e.op === '&&' ? x && y : x || y);
    }
    const a = this.evaluate(e.left);
    const b = this.evaluate(e.right);
    if (e.op === '==' || e.op === '!=') {
      const eq = equal(a, b);
      return eq === undefined ? this.unknown(e) : bool(e.op === '==' ? eq : !eq);
    }
    const x = isScalar(a) && !a.unknown ? toNumber(a) : undefined;
    const y = isScalar(b) && !b.unknown ? toNumber(b) : undefined;
    if (x === undefined || y === undefined) return this.unknown(e);
    const num = (n: number): Value => (Number.isFinite(n) ? { type: 'scalar', value: n, span } : this.unknown(e));
    switch (e.op) {
      case '+':
        return num(x + y);
      case '-':
        return num(x - y);
      case '*':
        return num(x * y);
      case '/':
        return y === 0 ? this.unknown(e) : num(x / y);
      case '%':
        return y === 0 ? this.unknown(e) : num(x % y);
      case '<':
        return bool(x < y);
      case '<=':
        return bool(x <= y);
      case '>':
        return bool(x > y);
      case '>=':
        return bool(x >= y);
    }
    return this.unknown(e);
  }

  // ---- for expressions --------------------------------------------------------------------------

  private forExpr(e: Expr & { kind: 'for' }): Value {
    const coll = this.evaluate(e.collection);
    const pairs = iterate(coll);
    if (!pairs || pairs.length > MAX_ITEMS) return this.unknown(e);
    const span = this.span(e);
    const items: PNode[] = [];
    const entries: PEntry[] = [];
    const groups = new Map<string, PNode[]>();
    for (const [k, v] of pairs) {
      const scope = this.with({ ...(e.keyVar ? { [e.keyVar]: k } : {}), [e.valueVar]: v });
      if (e.cond) {
        const c = scope.evaluate(e.cond);
        if (!isScalar(c) || c.unknown || typeof c.value !== 'boolean') return this.unknown(e);
        if (!c.value) continue;
      }
      if (!e.object) {
        items.push(scope.evaluate(e.value));
        continue;
      }
      const key = this.keyScalar(scope.evaluate(e.key!));
      if (!key || key.unknown) return this.unknown(e);
      const value = scope.evaluate(e.value);
      const name = String(key.value);
      if (e.group) {
        const list = groups.get(name);
        if (list) list.push(value);
        else {
          groups.set(name, [value]);
          entries.push({ key, value: { type: 'seq', items: [], span } });
        }
      } else {
        const prev = entries.findIndex((x) => x.key.value === name);
        if (prev !== -1) return this.unknown(e); // duplicate keys are an error without grouping
        entries.push({ key, value });
      }
    }
    if (!e.object) return { type: 'seq', items, span };
    if (e.group) return { type: 'map', span, entries: entries.map((x) => ({ key: x.key, value: { type: 'seq', items: groups.get(String(x.key.value)) ?? [], span } })) };
    return { type: 'map', entries, span };
  }

  // ---- functions --------------------------------------------------------------------------------

  private call(e: Expr & { kind: 'call' }): Value {
    const name = e.name.replace(/^core::/, '');
    const fn = FUNCTIONS[name];
    if (!fn) return this.unknown(e);
    let args = e.args.map((a) => this.evaluate(a));
    if (e.expand) {
      const last = args[args.length - 1];
      if (!isSeq(last) || last.unknown) return this.unknown(e);
      args = [...args.slice(0, -1), ...last.items];
    }
    return fn(this, args, this.span(e)) ?? this.unknown(e);
  }

  /** `jsondecode` of a known string, through the scope. */
  decodeJson(s: PScalar): Value | undefined {
    return this.scope.decodeJson?.(s);
  }

  /** A function applied to values (`what` names the result when it is not known). */
  callFunction(name: string, args: Value[], span: Span, what: string): Value {
    const fn = FUNCTIONS[name];
    let r: Value | undefined;
    try {
      r = fn?.(this, args, span);
    } catch {
      r = undefined;
    }
    return r ?? unknownScalar(what, span);
  }

  /** The pieces of a fully known string, or undefined. */
  knownPieces(v: Value): readonly Piece[] | undefined {
    if (!isScalar(v) || v.unknown || typeof v.value !== 'string') return undefined;
    const p = this.state.pieces.get(v) ?? [scalarPiece(v)];
    return p.some((x) => x.unknown) ? undefined : p;
  }

  /**
   * A string of pieces whose span is theirs when they all come from one file (a part of a value
   * that `trimprefix` or `split` cut out), else `fallback`.
   */
  fromPieces(pieces: readonly Piece[], fallback: Span): PScalar {
    const written = pieces.filter((p) => p.text.length > 0);
    const files = new Set(written.map((p) => p.map.file));
    if (written.length === 0 || files.size !== 1) return this.string(pieces, fallback);
    const total = pieces.reduce((n, p) => n + p.text.length, 0);
    const span = posSpan(joinPieces(pieces, written[0].map.whole).inner!, 0, total);
    return this.string(pieces, span);
  }

  /** JSON text of a value, with positions: punctuation at the value's span, strings at their characters. */
  jsonPieces(v: Value, at: Span): Piece[] {
    const out: Piece[] = [];
    const punct = (t: string, s: Span) => out.push(opaquePiece(t, s));
    const str = (s: PScalar) => {
      punct('"', s.span);
      for (const p of this.piecesOf(s, at) ?? []) out.push(...escapeJson(p));
      punct('"', s.span);
    };
    const walk = (n: PNode, depth: number) => {
      if (depth > 100) return out.push(opaquePiece('"${value}"', n.span, true));
      if (isScalar(n)) {
        if (n.unknown || typeof n.value === 'string') return str(n);
        return punct(n.value === null ? 'null' : typeof n.value === 'number' ? formatNumber(n.value) : String(n.value), n.span);
      }
      if (n.unknown) return out.push(opaquePiece('"${value}"', n.span, true));
      if (isSeq(n)) {
        punct('[', n.span);
        n.items.forEach((x, i) => {
          if (i) punct(',', n.span);
          walk(x, depth + 1);
        });
        return punct(']', n.span);
      }
      punct('{', n.span);
      [...n.entries].sort((x, y) => cmp(String(x.key.value), String(y.key.value))).forEach((x, i) => {
        if (i) punct(',', n.span);
        str(x.key);
        punct(':', x.key.span);
        walk(x.value, depth + 1);
      });
      punct('}', n.span);
    };
    walk(v, 0);
    return out;
  }
}

type Fn = (ev: HclEvaluator, args: Value[], span: Span) => Value | undefined;

const FUNCTIONS: Record<string, Fn> = {
  jsonencode(ev, [v], span) {
    if (!v) return undefined;
    if ((isMap(v) || isSeq(v)) && !v.unknown) return { ...v, tag: JSON_TAG };
    if (v.unknown && !isScalar(v)) return undefined;
    return ev.string(ev.jsonPieces(v, span), span);
  },
  jsondecode(ev, [v]) {
    if (!v) return undefined;
    if ((isMap(v) || isSeq(v)) && v.tag === JSON_TAG) {
      const { tag: _t, ...plain } = v;
      return plain as Value;
    }
    if (!isScalar(v) || v.unknown || typeof v.value !== 'string') return undefined;
    return ev.decodeJson(v);
  },
  replace(ev, [s, from, to], span) {
    const p = s && ev.knownPieces(s);
    const f = from && ev.knownPieces(from);
    const t = to && ev.knownPieces(to);
    if (!p || !f || !t) return undefined;
    const text = p.map((x) => x.text).join('');
    const pattern = f.map((x) => x.text).join('');
    const repl = t.map((x) => x.text).join('');
    const out: Piece[] = [];
    if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
      const re = re2(pattern.slice(1, -1));
      if (!re) return undefined;
      let last = 0;
      for (let m = re.exec(text), n = 0; m && n < MAX_ITEMS; m = re.exec(text), n++) {
        const whole = m.indices?.[0];
        if (!whole) return undefined;
        const [a, b] = whole;
        out.push(...slicePieces(p, last, a));
        const r = expandReplacement(repl, t, p, m);
        if (!r) return undefined;
        out.push(...r);
        last = b;
        if (a === b) re.lastIndex++;
      }
      out.push(...slicePieces(p, last, text.length));
      return ev.fromPieces(out, span);
    }
    if (pattern === '') return undefined;
    let last = 0;
    for (let i = text.indexOf(pattern); i !== -1; i = text.indexOf(pattern, i + pattern.length)) {
      out.push(...slicePieces(p, last, i), ...t);
      last = i + pattern.length;
    }
    out.push(...slicePieces(p, last, text.length));
    return ev.fromPieces(out, span);
  },
  format(ev, [spec, ...args], span) {
    const f = spec && ev.knownPieces(spec);
    if (!f) return undefined;
    const text = f.map((x) => x.text).join('');
    const out: Piece[] = [];
    let next = 0;
    let last = 0;
    const verb = /%(?:\[(\d+)\])?([-+# 0]*\d*(?:\.\d+)?)?([a-zA-Z%])/g;
    for (let m = verb.exec(text); m; m = verb.exec(text)) {
      out.push(...slicePieces(f, last, m.index));
      last = m.index + m[0].length;
      if (m[3] === '%' && !m[1] && !m[2]) {
        out.push(...slicePieces(f, m.index, m.index + 1));
        continue;
      }
      if (m[2]) return undefined; // flags, width and precision are not modelled
      const i = m[1] ? Number(m[1]) - 1 : next;
      next = i + 1;
      const a = args[i];
      if (!a) return undefined;
      if (m[3] === 's' || m[3] === 'v') {
        const pieces = ev.piecesOf(a, span);
        if (!pieces) return undefined;
        out.push(...pieces);
      } else if (m[3] === 'd') {
        if (!isScalar(a) || a.unknown) out.push(opaquePiece('${number}', a.span, true));
        else {
          const n = toNumber(a);
          if (n === undefined || !Number.isInteger(n)) return undefined;
          out.push(opaquePiece(formatNumber(n), a.span));
        }
      } else if (m[3] === 'q') {
        const pieces = ev.piecesOf(a, span);
        if (!pieces || !isScalar(a)) return undefined;
        out.push(opaquePiece('"', a.span), ...pieces.flatMap(escapeJson), opaquePiece('"', a.span));
      } else return undefined;
    }
    out.push(...slicePieces(f, last, text.length));
    return ev.string(out, span);
  },
  trimprefix(ev, [s, prefix]) {
    const p = s && ev.knownPieces(s);
    const x = textOf(prefix);
    if (!p || x === undefined) return undefined;
    const text = p.map((y) => y.text).join('');
    return text.startsWith(x) && x !== '' ? ev.fromPieces(slicePieces(p, x.length, text.length), s.span) : s;
  },
  trimsuffix(ev, [s, suffix]) {
    const p = s && ev.knownPieces(s);
    const x = textOf(suffix);
    if (!p || x === undefined) return undefined;
    const text = p.map((y) => y.text).join('');
    return text.endsWith(x) && x !== '' ? ev.fromPieces(slicePieces(p, 0, text.length - x.length), s.span) : s;
  },
  trimspace(ev, [s]) {
    const p = s && ev.knownPieces(s);
    if (!p) return undefined;
    const text = p.map((y) => y.text).join('');
    const a = text.length - text.trimStart().length;
    const b = text.trimEnd().length;
    return a === 0 && b === text.length ? s : ev.fromPieces(slicePieces(p, a, Math.max(a, b)), s.span);
  },
  lower(ev, [s]) {
    const p = s && ev.knownPieces(s);
    return p ? ev.string(p.map((x) => retextPiece(x, x.text.toLowerCase())), s.span) : undefined;
  },
  upper(ev, [s]) {
    const p = s && ev.knownPieces(s);
    return p ? ev.string(p.map((x) => retextPiece(x, x.text.toUpperCase())), s.span) : undefined;
  },
  join(ev, [sep, ...lists], span) {
    const sp = sep && ev.piecesOf(sep, span);
    if (!sp || !isScalar(sep)) return undefined;
    const out: Piece[] = [];
    let first = true;
    for (const l of lists) {
      if (!isSeq(l) || l.unknown) return undefined;
      for (const item of l.items) {
        const ip = ev.piecesOf(item, item.span);
        if (!ip) return undefined;
        if (!first) out.push(...sp);
        out.push(...ip);
        first = false;
      }
    }
    return ev.string(out, span);
  },
  split(ev, [sep, s], span) {
    const x = textOf(sep);
    const p = s && ev.knownPieces(s);
    if (x === undefined || !p || x === '') return undefined;
    const text = p.map((y) => y.text).join('');
    const items: PNode[] = [];
    let last = 0;
    for (let i = text.indexOf(x); i !== -1; i = text.indexOf(x, i + x.length)) {
      items.push(ev.fromPieces(slicePieces(p, last, i), s.span));
      last = i + x.length;
    }
    items.push(ev.fromPieces(slicePieces(p, last, text.length), s.span));
    return { type: 'seq', items, span: span };
  },
  concat(ev, lists, span) {
    const items: PNode[] = [];
    for (const l of lists) {
      if (!isSeq(l) || l.unknown) return undefined;
      items.push(...l.items);
    }
    return { type: 'seq', items, span: span };
  },
  merge(ev, maps, span) {
    const entries: PEntry[] = [];
    for (const m of maps) {
      if (isScalar(m) && m.value === null && !m.unknown) continue;
      if (!isMap(m) || m.unknown || m.entries.some((x) => x.key.unknown)) return undefined;
      for (const x of m.entries) {
        const i = entries.findIndex((y) => y.key.value === x.key.value);
        if (i === -1) entries.push(x);
        else entries[i] = x;
      }
    }
    return { type: 'map', entries, span: span };
  },
  flatten(ev, [l], span) {
    const items: PNode[] = [];
    const walk = (n: PNode, depth: number): boolean => {
      if (depth > 50 || n.unknown) return false;
      if (!isSeq(n)) {
        items.push(n);
        return true;
      }
      return n.items.every((x) => walk(x, depth + 1));
    };
    if (!l || !isSeq(l) || !walk(l, 0)) return undefined;
    return { type: 'seq', items, span: span };
  },
  compact(ev, [l], span) {
    if (!isSeq(l) || l.unknown) return undefined;
    return { type: 'seq', items: l.items.filter((x) => !(isScalar(x) && !x.unknown && (x.value === '' || x.value === null))), span: span };
  },
  distinct(ev, [l], span) {
    if (!isSeq(l) || l.unknown || l.items.some((x) => !isScalar(x) || x.unknown)) return undefined;
    const seen = new Set<string>();
    const items = l.items.filter((x) => {
      const k = JSON.stringify((x as PScalar).value);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return { type: 'seq', items, span: span };
  },
  tolist: (_ev, [l]) => (isSeq(l) ? l : undefined),
  toset(ev, [l], span) {
    if (!isSeq(l) || l.unknown) return undefined;
    // A set of strings is ordered lexically; other element types keep their order.
    if (l.items.some((x) => !isScalar(x) || x.unknown)) return l;
    const seen = new Map<string, PNode>();
    for (const x of l.items) {
      const k = textOf(x) ?? JSON.stringify((x as PScalar).value);
      if (!seen.has(k)) seen.set(k, x);
    }
    const strings = l.items.every((x) => typeof (x as PScalar).value === 'string');
    const keys = [...seen.keys()];
    if (strings) keys.sort(cmp);
    return { type: 'seq', items: keys.map((k) => seen.get(k)!), span: span };
  },
  tomap: (_ev, [m]) => (isMap(m) ? m : undefined),
  tostring(ev, [v]) {
    if (!isScalar(v) || v.unknown || v.value === null) return undefined;
    return typeof v.value === 'string' ? v : ev.string(ev.piecesOf(v, v.span) ?? [], v.span);
  },
  tonumber(_ev, [v]) {
    if (!isScalar(v) || v.unknown) return undefined;
    const n = toNumber(v);
    return n === undefined ? undefined : { type: 'scalar', value: n, span: v.span };
  },
  coalesce(_ev, args) {
    for (const a of args) {
      if (a.unknown) return undefined;
      if (isScalar(a) && (a.value === null || a.value === '')) continue;
      return a;
    }
    return undefined;
  },
  coalescelist(_ev, args) {
    for (const a of args) {
      if (a.unknown || !isSeq(a)) return undefined;
      if (a.items.length > 0) return a;
    }
    return undefined;
  },
  lookup(ev, [m, k, d]) {
    const name = textOf(k);
    if (!isMap(m) || m.unknown || name === undefined) return undefined;
    const hit = findEntry(m, name);
    if (hit === 'unknown') return undefined;
    return hit ? hit.value : d;
  },
  element(_ev, [l, i]) {
    if (!isSeq(l) || l.unknown || l.items.length === 0 || !isScalar(i) || i.unknown) return undefined;
    const n = toNumber(i);
    if (n === undefined || !Number.isInteger(n) || n < 0) return undefined;
    return l.items[n % l.items.length];
  },
  length(ev, [v], span) {
    if (!v || v.unknown) return undefined;
    const n = isSeq(v) ? v.items.length : isMap(v) ? v.entries.length : isScalar(v) && typeof v.value === 'string' ? [...v.value].length : undefined;
    return n === undefined ? undefined : { type: 'scalar', value: n, span: span };
  },
  keys(ev, [m], span) {
    if (!isMap(m) || m.unknown || m.entries.some((x) => x.key.unknown)) return undefined;
    return { type: 'seq', items: [...m.entries].sort((a, b) => cmp(String(a.key.value), String(b.key.value))).map((x) => x.key), span: span };
  },
  values(ev, [m], span) {
    if (!isMap(m) || m.unknown || m.entries.some((x) => x.key.unknown)) return undefined;
    return { type: 'seq', items: [...m.entries].sort((a, b) => cmp(String(a.key.value), String(b.key.value))).map((x) => x.value), span: span };
  },
  contains(ev, [l, v], span) {
    if (!isSeq(l) || l.unknown || !v) return undefined;
    let unknown = false;
    for (const x of l.items) {
      const eq = equal(x, v);
      if (eq === true) return { type: 'scalar', value: true, span: span };
      if (eq === undefined) unknown = true;
    }
    return unknown ? undefined : { type: 'scalar', value: false, span: span };
  },
  try(_ev, args) {
    // The first argument that evaluates; an unknown one may be an error or a value: not known.
    const a = args[0];
    return a && !a.unknown ? a : undefined;
  },
};

/** A known string, number or bool as text (Terraform converts them to strings where one is expected). */
function textOf(v: Value | undefined): string | undefined {
  if (!isScalar(v) || v.unknown || v.value === null) return undefined;
  return typeof v.value === 'number' ? formatNumber(v.value) : String(v.value);
}

/** Sort order of Terraform's maps and sets of strings (lexical). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The entry for a key, `unknown` when an unknown key could be it. */
function findEntry(m: PMap, name: string): PEntry | 'unknown' | undefined {
  let unknown = false;
  for (const x of m.entries) {
    if (x.key.unknown) unknown = true;
    else if (String(x.key.value) === name) return x;
  }
  return unknown ? 'unknown' : undefined;
}

/** (key, value) pairs of a collection in Terraform's iteration order, or undefined when it is not known. */
function iterate(v: Value): [PNode, PNode][] | undefined {
  if (v.unknown) return undefined;
  if (isSeq(v)) return v.items.map((x, i) => [{ type: 'scalar', value: i, span: x.span }, x]);
  if (isMap(v)) {
    if (v.entries.some((x) => x.key.unknown)) return undefined;
    return [...v.entries].sort((a, b) => cmp(String(a.key.value), String(b.key.value))).map((x) => [x.key, x.value]);
  }
  return undefined;
}

function toNumber(v: PScalar): number | undefined {
  if (typeof v.value === 'number') return v.value;
  if (typeof v.value === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.value.trim())) return Number(v.value);
  return undefined;
}

/** Terraform's number formatting: integers without a decimal point or exponent. */
function formatNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= 1e21 ? BigInt(n).toString() : String(n);
}

/** HCL equality of two values; undefined when a part is not known. */
function equal(a: PNode, b: PNode): boolean | undefined {
  if (a.unknown || b.unknown) return undefined;
  if (isScalar(a) && isScalar(b)) return a.value === b.value;
  if (isSeq(a) && isSeq(b)) {
    if (a.items.length !== b.items.length) return false;
    let r: boolean | undefined = true;
    a.items.forEach((x, i) => {
      const e = equal(x, b.items[i]);
      if (e === false) r = false;
      else if (e === undefined && r) r = undefined;
    });
    return r;
  }
  if (isMap(a) && isMap(b)) {
    if (a.entries.length !== b.entries.length) return false;
    let r: boolean | undefined = true;
    for (const x of a.entries) {
      const y = b.entries.find((z) => z.key.value === x.key.value);
      if (!y || x.key.unknown) return x.key.unknown ? undefined : false;
      const e = equal(x.value, y.value);
      if (e === false) return false;
      if (e === undefined) r = undefined;
    }
    return r;
  }
  return false;
}

/** Pieces whose characters are in another file than `span` become one opaque piece each, at `span`. */
function localize(pieces: readonly Piece[], span: Span): Piece[] {
  return pieces.map((p) => (p.text.length > 0 && p.map.file !== span.file ? opaquePiece(p.text, span, p.unknown) : p));
}

/** The pieces covering characters [a, b) of a list of pieces. */
function slicePieces(pieces: readonly Piece[], a: number, b: number): Piece[] {
  const out: Piece[] = [];
  let off = 0;
  for (const p of pieces) {
    const end = off + p.text.length;
    const x = Math.max(a, off);
    const y = Math.min(b, end);
    if (y > x) out.push(slicePiece(p, x - off, y - off));
    off = end;
    if (off >= b) break;
  }
  return out;
}

/** JSON escapes of a piece's characters; escaped characters keep their position. */
function escapeJson(p: Piece): Piece[] {
  if (p.unknown || !/["\\\u0000-\u001f<>&\u2028\u2029]/.test(p.text)) return [p];
  const out: Piece[] = [];
  let last = 0;
  for (let i = 0; i < p.text.length; i++) {
    const c = p.text[i];
    const code = c.charCodeAt(0);
    let esc: string | undefined;
    if (c === '"' || c === '\\') esc = `\\${c}`;
    else if (c === '\n') esc = '\\n';
    else if (c === '\r') esc = '\\r';
    else if (c === '\t') esc = '\\t';
    else if (code < 0x20 || c === '<' || c === '>' || c === '&' || code === 0x2028 || code === 0x2029) esc = `\\u${code.toString(16).padStart(4, '0')}`;
    if (esc === undefined) continue;
    if (i > last) out.push(slicePiece(p, last, i));
    out.push(retextPiece(slicePiece(p, i, i + 1), esc));
    last = i + 1;
  }
  if (last < p.text.length) out.push(slicePiece(p, last, p.text.length));
  return out;
}

/** A RE2 pattern (Terraform's `replace` and `regex`) as a JavaScript regular expression, when it has the same meaning. */
function re2(source: string): RegExp | undefined {
  let flags = 'gd';
  let s = source;
  const m = /^\(\?([imsU]+)\)/.exec(s);
  if (m) {
    if (m[1].includes('U')) return undefined;
    if (m[1].includes('i')) flags += 'i';
    if (m[1].includes('m')) flags += 'm';
    if (m[1].includes('s')) flags += 's';
    s = s.slice(m[0].length);
  }
  // Constructs that differ between RE2 and JavaScript.
  if (/\(\?(?!:|P<|<[A-Za-z_])|\\[AzpPQEC]|\[\[:/.test(s)) return undefined;
  s = s.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(s, flags);
  } catch {
    return undefined;
  }
}

/** The replacement of a regular-expression match: `$1`, `${1}` and `${name}` take the group's characters. */
function expandReplacement(repl: string, replPieces: readonly Piece[], subject: readonly Piece[], m: RegExpExecArray): Piece[] | undefined {
  const out: Piece[] = [];
  const ref = /\$(?:(\d+)|\{(\w+)\}|(\$))/g;
  let last = 0;
  for (let r = ref.exec(repl); r; r = ref.exec(repl)) {
    out.push(...slicePieces(replPieces, last, r.index));
    last = r.index + r[0].length;
    if (r[3]) {
      out.push(...slicePieces(replPieces, r.index, r.index + 1));
      continue;
    }
    const name = r[1] ?? r[2];
    const idx = /^\d+$/.test(name) ? m.indices?.[Number(name)] : m.indices?.groups?.[name];
    if (idx === undefined && !/^\d+$/.test(name)) return undefined;
    if (idx) out.push(...slicePieces(subject, idx[0], idx[1]));
  }
  out.push(...slicePieces(replPieces, last, repl.length));
  return out;
}

/** Placeholder text for an expression that is not known: its source, on one line, without characters that break JSON or placeholders. */
export function placeholderText(source: string): string {
  let s = source.replace(/\s+/g, ' ').replace(/["\\{}]/g, '').trim();
  if (s.length > 60) s = `${s.slice(0, 57)}...`;
  return s === '' ? 'value' : s;
}

