/**
 * Where a finding sits in its file's document tree: the JSON pointer of the deepest node that
 * contains the finding's start, and the `Sid`s of the IAM statements around it. A string holding
 * a JSON document (ccoctl `AssumeRolePolicyDocument`, CloudFormation policy strings) is entered
 * as if the document were inlined, so `/AssumeRolePolicyDocument/Statement/0` works there too.
 */
import { parseJson, parseJsonInString } from '../load/json.js';
import { parseYaml } from '../load/yaml.js';
import type { PEntry, PNode } from '../model/pnode.js';
import type { Span } from '../model/span.js';

export interface TreePosition {
  /** Pointer segments (unescaped). */
  readonly pointer: readonly string[];
  /** `Sid` values of the maps on the path, innermost last. */
  readonly sids: readonly string[];
}

/** Parsed document trees of one file (one for JSON; one per YAML document). */
export function parseTrees(text: string, file: string): PNode[] {
  const json = file.toLowerCase().endsWith('.json') || /^\uFEFF?\s*[{[]/.test(text);
  if (json) {
    const r = parseJson(text, file);
    if (r.node) return [r.node];
    if (file.toLowerCase().endsWith('.json')) return [];
  }
  return parseYaml(text, file).docs.map((d) => d.node);
}

function contains(s: Span, line: number, column: number): boolean {
  if (line < s.line || line > s.endLine) return false;
  if (line === s.line && column < s.column) return false;
  if (line === s.endLine && column >= s.endColumn && !(s.line === s.endLine && s.column === s.endColumn)) return false;
  return true;
}

/** Position of the point (line, column) in the trees, or undefined when no tree contains it. */
export function locate(trees: readonly PNode[], file: string, line: number, column: number): TreePosition | undefined {
  for (const root of trees) {
    if (!contains(root.span, line, column)) continue;
    const pointer: string[] = [];
    const sids: string[] = [];
    let cur: PNode | undefined = root;
    let depth = 0;
    while (cur && depth++ < 500) {
      if (cur.type === 'map') {
        const sid = cur.entries.find((e) => e.key.value === 'Sid');
        if (sid && sid.value.type === 'scalar' && typeof sid.value.value === 'string') sids.push(sid.value.value);
        const hit: PEntry | undefined = cur.entries.find((e) => contains(e.key.span, line, column) || contains(e.value.span, line, column));
        if (!hit) break;
        pointer.push(String(hit.key.value));
        if (contains(hit.key.span, line, column)) break;
        cur = hit.value;
      } else if (cur.type === 'seq') {
        const i = cur.items.findIndex((it) => contains(it.span, line, column));
        if (i < 0) break;
        pointer.push(String(i));
        cur = cur.items[i];
      } else {
        // A string holding a JSON document: descend into it.
        if (typeof cur.value === 'string' && /^\s*(\{|%7B)/i.test(cur.value)) {
          const inner: PNode | undefined = parseJsonInString(cur, file).node;
          if (inner && contains(inner.span, line, column) && !sameSpan(inner.span, cur.span)) {
            cur = inner;
            continue;
          }
        }
        break;
      }
    }
    return { pointer, sids };
  }
  return undefined;
}

function sameSpan(a: Span, b: Span): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/** True when `prefix` is a prefix of `pointer` (segment-wise). */
export function pointerStartsWith(pointer: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > pointer.length) return false;
  for (let i = 0; i < prefix.length; i++) if (pointer[i] !== prefix[i]) return false;
  return true;
}
