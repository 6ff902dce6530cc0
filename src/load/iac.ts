/**
 * Helpers shared by the infrastructure-code readers (CloudFormation, Terraform JSON, CDK/Pulumi
 * TypeScript): strings assembled from pieces that keep their source positions, unknown values,
 * and the `Role` / `OidcProvider` objects every rule reads.
 */
import { issuerHost } from '../iam/arn.js';
import type { OidcProvider, PolicyDocument, Role } from '../model/iam.js';
import { get, isMap, isScalar, isSeq, type InnerMap, type PNode, type PScalar } from '../model/pnode.js';
import type { L } from '../model/resource.js';
import { looksTemplated, type Span } from '../model/span.js';
import { parsePolicy } from './iam.js';
import { parseJsonInString } from './json.js';
import { loc } from './k8s.js';
import type { ParseProblem } from './yaml.js';

/** A run of characters of an assembled string, with where its characters come from. */
export interface Piece {
  readonly text: string;
  /** Source span of the characters [a, b) of `text`. */
  readonly spanOf: (a: number, b: number) => Span;
  /** The piece stands for a value that is not known statically. */
  readonly unknown?: boolean;
}

/** The span covering `a` and `b`. */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

/** A piece whose every character maps to the same span (a substituted value). */
export function opaquePiece(text: string, span: Span, unknown?: boolean): Piece {
  return { text, spanOf: () => span, ...(unknown ? { unknown } : {}) };
}

/**
 * Position map of a scalar's own characters: its `inner` map when the loader made one, else the
 * offsets of a one-line token (quoted or bare), else the whole span.
 */
export function scalarPositions(s: PScalar): (a: number, b: number) => Span {
  const text = String(s.value);
  if (s.inner) {
    const inner = s.inner;
    return (a, b) => inner.spanOf(a, b);
  }
  const w = s.span;
  if (w.line === w.endLine && !text.includes('\n')) {
    const width = w.endColumn - w.column;
    const base = width === text.length ? w.column : width === text.length + 2 ? w.column + 1 : undefined;
    if (base !== undefined) return (a, b) => ({ file: w.file, line: w.line, column: base + a, endLine: w.line, endColumn: base + Math.max(a, b) });
  }
  return () => w;
}

/** Concatenate pieces into one scalar: the value, its `inner` map and whether any piece is unknown. */
export function joinPieces(pieces: readonly Piece[], span: Span, tag?: string): PScalar {
  const text = pieces.map((p) => p.text).join('');
  const unknown = pieces.some((p) => p.unknown);
  const starts: number[] = [];
  let off = 0;
  for (const p of pieces) {
    starts.push(off);
    off += p.text.length;
  }
  const find = (o: number, preferEarlier: boolean): number => {
    for (let i = 0; i < pieces.length; i++) {
      const end = starts[i] + pieces[i].text.length;
      if (o < end || (preferEarlier && o === end) || i === pieces.length - 1) return i;
    }
    return pieces.length - 1;
  };
  const inner: InnerMap = {
    spanOf(a, b) {
      if (pieces.length === 0) return span;
      a = Math.max(0, Math.min(a, text.length));
      b = Math.max(a, Math.min(b, text.length));
      const i = find(a, false);
      const j = b === a ? i : find(b, true);
      if (i === j) return pieces[i].spanOf(a - starts[i], b - starts[i]);
      const first = pieces[i].spanOf(a - starts[i], pieces[i].text.length);
      const last = pieces[j].spanOf(0, b - starts[j]);
      return joinSpans(first, last);
    },
  };
  return { type: 'scalar', value: text, span, inner, ...(tag ? { tag } : {}), ...(unknown ? { unknown } : {}) };
}

/** An unknown value, written as a `${...}` placeholder so that every template check sees it too. */
export function unknownScalar(what: string, span: Span, tag?: string): PScalar {
  return { type: 'scalar', value: `\${${what}}`, span, unknown: true, ...(tag ? { tag } : {}) };
}

/** Mark scalars (keys and values) whose text holds a placeholder as unknown. */
export function markTemplated(n: PNode): PNode {
  switch (n.type) {
    case 'scalar':
      return !n.unknown && typeof n.value === 'string' && looksTemplated(n.value) ? { ...n, unknown: true } : n;
    case 'seq':
      return { ...n, items: n.items.map(markTemplated) };
    case 'map':
      return { ...n, entries: n.entries.map((e) => ({ key: markTemplated(e.key) as PScalar, value: markTemplated(e.value) })) };
  }
}

/**
 * A trust policy from a resolved node: a map is the document; a string holds its JSON (positions
 * through the string's `inner` map); anything unknown gives a document whose node is unknown,
 * which rules treat as unknown.
 */
export function policyFromNode(n: PNode, problems: ParseProblem[], what: string): PolicyDocument | undefined {
  if (isMap(n)) return parsePolicy(guardStructure(markTemplated(n)));
  if (isScalar(n) && typeof n.value === 'string' && !n.unknown) {
    const r = parseJsonInString(n, n.span.file);
    if (r.error || !r.node) {
      const e = r.error;
      const span: Span = e ? { file: n.span.file, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn } : n.span;
      problems.push({ message: `${what}: ${e?.message ?? 'not a JSON document'}`, code: 'POLICY_JSON', span });
      return undefined;
    }
    return parsePolicy(guardStructure(markTemplated(r.node)));
  }
  if (isScalar(n) && typeof n.value === 'string' && n.unknown && n.value.trimStart().startsWith('{')) {
    // A JSON document with placeholders inside its strings (`!Sub` of a whole policy): the
    // structure is known, the strings holding a placeholder are unknown.
    const { unknown: _u, ...known } = n;
    const r = parseJsonInString(known, n.span.file);
    if (r.node && !r.error) return parsePolicy(guardStructure(markTemplated(r.node)));
  }
  if (n.unknown) return parsePolicy(n);
  return undefined;
}

export interface RoleParts {
  readonly file: string;
  readonly span: Span;
  readonly node: PNode;
  /** Logical id, construct id or resource address, for the label when the name is not known. */
  readonly id: string;
  readonly name?: PNode;
  readonly arn?: PNode;
  readonly path?: PNode;
  readonly trust?: PolicyDocument;
  readonly source: 'cloudformation' | 'terraform' | 'cdk' | 'pulumi';
}

export function makeRole(p: RoleParts): Role {
  const name = loc(p.name);
  const arn = loc(p.arn);
  const path = loc(p.path);
  const shown = name && !name.unknown ? name.value : p.id;
  return {
    kind: 'iam:Role',
    // Keyed by logical id, not line: fingerprints and baselines must survive inserted lines.
    key: arn && !arn.unknown ? arn.value : `iam:Role/${name && !name.unknown ? name.value : p.id}@${p.file}#${p.id}`,
    file: p.file,
    span: p.span,
    node: p.node,
    label: `role ${shown}`,
    ...(name ? { name } : {}),
    ...(arn ? { arn } : {}),
    ...(path ? { path } : {}),
    ...(p.trust ? { trust: p.trust } : {}),
    source: p.source,
  };
}

export interface ProviderParts {
  readonly file: string;
  readonly span: Span;
  readonly node: PNode;
  readonly id: string;
  readonly url?: PNode;
  readonly arn?: PNode;
  readonly clientIds: readonly PNode[];
  readonly clientIdsSpan?: Span;
}

export function makeProvider(p: ProviderParts): OidcProvider {
  const url = loc(p.url);
  const arn = loc(p.arn);
  const host = url && !url.unknown ? issuerHost(url.value) : undefined;
  return {
    kind: 'iam:OIDCProvider',
    key: `iam:OIDCProvider/${host ?? `${p.id}@${p.file}`}`,
    file: p.file,
    span: p.span,
    node: p.node,
    label: `OIDC provider ${host ?? p.id}`,
    ...(url ? { url } : {}),
    ...(arn ? { arn } : {}),
    ...(host ? { host } : {}),
    clientIds: p.clientIds.map(loc).filter((x): x is L<string> => !!x),
    ...(p.clientIdsSpan ? { clientIdsSpan: p.clientIdsSpan } : {}),
  };
}

/**
 * `parsePolicy` skips statements, condition blocks and operator blocks that are not maps. When
 * such a part is unknown (an intrinsic such as `!If`, an expression), what the policy grants is
 * unknown, so the `Statement` node is marked unknown: rules then stay silent on the whole policy
 * instead of judging it without the part they cannot see.
 */
export function guardStructure(doc: PNode): PNode {
  if (!isMap(doc)) return doc;
  const i = doc.entries.findIndex((e) => e.key.value === 'Statement');
  if (i === -1) return doc;
  const st = doc.entries[i].value;
  if (st.unknown || !hidesUnknown(st)) return doc;
  const entries = doc.entries.slice();
  entries[i] = { key: entries[i].key, value: { ...st, unknown: true } };
  return { ...doc, entries };
}

function hidesUnknown(statements: PNode): boolean {
  const items = isSeq(statements) ? statements.items : [statements];
  for (const s of items) {
    if (s.unknown) return true; // an intrinsic or expression in place of a statement
    if (!isMap(s)) continue;
    const cond = get(s, 'Condition');
    if (cond === undefined) continue;
    if (cond.unknown) return true;
    if (!isMap(cond)) continue;
    for (const op of cond.entries) if (op.key.unknown || op.value.unknown) return true;
  }
  return false;
}
