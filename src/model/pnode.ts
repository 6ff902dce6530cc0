/**
 * A positioned, source-independent document tree. YAML, JSON, CloudFormation and TypeScript
 * object literals all load into this shape, so the typed model is built by one set of readers.
 */
import type { PosMap } from './posmap.js';
import type { Span } from './span.js';

export type Scalar = string | number | boolean | null;

interface Base {
  readonly span: Span;
  /** YAML tag such as `!Ref`/`!Sub`, or a synthetic marker (`fn:Sub`) for intrinsic functions. */
  readonly tag?: string;
  /** The value is not static (template, intrinsic, expression): rules must treat it as unknown. */
  readonly unknown?: boolean;
  /**
   * The key of the resource this value is an attribute of, when the loader resolved a reference
   * to it (Terraform `aws_iam_role.app.arn`): the value may be unknown (the account is), the
   * resource it names is known.
   */
  readonly target?: string;
}

export interface PScalar extends Base {
  readonly type: 'scalar';
  readonly value: Scalar;
  /** For strings whose text was decoded (JSON escapes, YAML block scalars): maps a decoded
   *  line/column to its source position. Absent when the value is one line and undecoded. */
  readonly inner?: InnerMap;
}

export interface PEntry {
  readonly key: PScalar;
  readonly value: PNode;
}

export interface PMap extends Base {
  readonly type: 'map';
  readonly entries: readonly PEntry[];
}

export interface PSeq extends Base {
  readonly type: 'seq';
  readonly items: readonly PNode[];
}

export type PNode = PScalar | PMap | PSeq;

/** Maps a position inside a decoded string back to its source span (plain data: see PosMap). */
export type InnerMap = PosMap;

export function isMap(n: PNode | undefined): n is PMap {
  return n !== undefined && n.type === 'map';
}
export function isSeq(n: PNode | undefined): n is PSeq {
  return n !== undefined && n.type === 'seq';
}
export function isScalar(n: PNode | undefined): n is PScalar {
  return n !== undefined && n.type === 'scalar';
}

/** First entry whose key equals `key` (exact match). */
export function entry(map: PNode | undefined, key: string): PEntry | undefined {
  if (!isMap(map)) return undefined;
  for (const e of map.entries) if (e.key.value === key) return e;
  return undefined;
}

export function get(node: PNode | undefined, ...path: (string | number)[]): PNode | undefined {
  let cur = node;
  for (const p of path) {
    if (cur === undefined) return undefined;
    if (typeof p === 'number') cur = isSeq(cur) ? cur.items[p] : undefined;
    else cur = entry(cur, p)?.value;
  }
  return cur;
}

/** The string value of a scalar (numbers and booleans are stringified the way YAML would print them). */
export function str(node: PNode | undefined): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  return String(node.value);
}

/** Items of a sequence; a lone scalar is treated as a one-item list (IAM's "string or array" fields). */
export function listOf(node: PNode | undefined): readonly PNode[] {
  if (node === undefined) return [];
  if (isSeq(node)) return node.items;
  return [node];
}

/** Plain JavaScript value of a node (used for hashing and size computations, never for positions). */
export function toJS(node: PNode | undefined): unknown {
  if (node === undefined) return undefined;
  switch (node.type) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toJS);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const e of node.entries) o[String(e.key.value)] = toJS(e.value);
      return o;
    }
  }
}

/**
 * Characters of the node's JSON without whitespace, as IAM counts them. A value that is not static
 * counts as the smallest JSON it could become (`""`), so the result is a lower bound; `exact` says
 * whether it is the size itself.
 */
const WHITESPACE = /\s/;
const WHITESPACES = /\s/g;

export function compactLength(n: PNode): { size: number; exact: boolean } {
  if (n.unknown) return { size: 2, exact: false };
  switch (n.type) {
    case 'scalar': {
      const json = JSON.stringify(n.value);
      return { size: WHITESPACE.test(json) ? json.replace(WHITESPACES, '').length : json.length, exact: true };
    }
    case 'seq': {
      let size = 2 + Math.max(0, n.items.length - 1);
      let exact = true;
      for (const i of n.items) {
        const r = compactLength(i);
        size += r.size;
        exact &&= r.exact;
      }
      return { size, exact };
    }
    case 'map': {
      let size = 2 + Math.max(0, n.entries.length - 1);
      let exact = true;
      for (const e of n.entries) {
        const k = compactLength(e.key);
        const v = compactLength(e.value);
        size += k.size + 1 + v.size;
        exact &&= k.exact && v.exact;
      }
      return { size, exact };
    }
  }
}
