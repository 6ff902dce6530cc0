/**
 * The value layer shared by the static evaluators (TypeScript for CDK/Pulumi, HCL for
 * Terraform, CloudFormation intrinsics): every evaluated expression is a `Value`, a positioned
 * document node (`PNode`). A value that cannot be known from the files is an unknown scalar
 * (`unknown: true`) whose text is a `${...}` placeholder, so that every template check treats it
 * the same way. Strings assembled from parts (templates, `format`, `Fn::Sub`, `jsonencode`) keep
 * the source position of each character through `Piece`s, so a finding inside such a string
 * points into the source.
 *
 * Evaluators build pieces only with the constructors here (`sourcePiece`, `opaquePiece`,
 * `scalarPiece`) and join them with `joinPieces`; rules and the model never see which language
 * a value came from.
 */
import { isScalar, type PNode, type PScalar } from '../model/pnode.js';
import { posConcat, posFixed, posFromCharSpans, posLine, posSlice, posSpan, type PosMap } from '../model/posmap.js';
import { looksTemplated, type Span } from '../model/span.js';
import type { LineIndex } from './positions.js';

/** What a static evaluator yields for an expression. */
export type Value = PNode;

/** A static evaluator over the syntax tree `N` of one language. */
export interface StaticEvaluator<N> {
  /** The value of an expression; never throws, anything not static is an unknown scalar. */
  evaluate(node: N): Value;
}

/** A run of characters of an assembled string, with where its characters come from. */
export interface Piece {
  readonly text: string;
  /** Where each character of `text` comes from. */
  readonly map: PosMap;
  /** The piece stands for a value that is not known statically. */
  readonly unknown?: boolean;
}

/** The span covering `a` and `b`. */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

/** A piece whose every character maps to the same span (a substituted value). */
export function opaquePiece(text: string, span: Span, unknown?: boolean): Piece {
  return { text, map: posFixed(span, text.length), ...(unknown ? { unknown } : {}) };
}

/**
 * Position map of a scalar's own characters: its `inner` map when the loader made one, else the
 * columns of a one-line token (quoted or bare), else the whole span for every character.
 */
export function positionsOf(s: PScalar): PosMap {
  if (s.inner) return s.inner;
  const text = String(s.value);
  const w = s.span;
  if (w.line === w.endLine && !text.includes('\n')) {
    const width = w.endColumn - w.column;
    const base = width === text.length ? w.column : width === text.length + 2 ? w.column + 1 : undefined;
    if (base !== undefined) return posLine(w.file, w.line, base, text.length, w);
  }
  return posFixed(w, text.length);
}

/** `positionsOf` as a function of a character range. */
export function scalarPositions(s: PScalar): (a: number, b: number) => Span {
  const map = positionsOf(s);
  return (a, b) => posSpan(map, a, b);
}

/** Concatenate pieces into one scalar: the value, its `inner` map and whether any piece is unknown. */
export function joinPieces(pieces: readonly Piece[], span: Span, tag?: string): PScalar {
  const text = pieces.map((p) => p.text).join('');
  const unknown = pieces.some((p) => p.unknown);
  const inner = posConcat(
    pieces.map((p) => p.map),
    span,
  );
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


/** A piece whose characters are the source text between offsets `from` and `to` (no escapes). */
export function sourcePiece(lines: LineIndex, from: number, to: number): Piece {
  const text = lines.text.slice(from, to);
  return { text, map: posFromCharSpans(lines.file, text.length, (k) => lines.span(from + k, from + k + 1), lines.span(from, to)) };
}

/**
 * A piece for decoded text: `offsets[i]` is the source offset of character `i` of `text`, and
 * `offsets[text.length]` the offset just after the last one.
 */
export function decodedPiece(lines: LineIndex, text: string, offsets: readonly number[]): Piece {
  const whole = lines.span(offsets[0] ?? 0, offsets[offsets.length - 1] ?? 0);
  if (offsets.length !== text.length + 1) return opaquePiece(text, whole);
  return { text, map: posFromCharSpans(lines.file, text.length, (k) => lines.span(offsets[k], offsets[k + 1]), whole) };
}

/**
 * The characters [from, to) of a piece, at their own positions (string functions that cut text:
 * `trimprefix`, `replace`, `split`, `substr`). An unknown piece stays unknown as a whole.
 */
export function slicePiece(p: Piece, from: number, to: number): Piece {
  if (p.unknown) return p;
  const a = Math.max(0, Math.min(from, p.text.length));
  const b = Math.max(a, Math.min(to, p.text.length));
  if (a === 0 && b === p.text.length) return p;
  return { text: p.text.slice(a, b), map: posSlice(p.map, a, b) };
}

/**
 * Other characters at the same positions (`lower`, `upper`): `text` must be as long as the
 * piece's text, otherwise the result is one opaque piece over the piece's whole span.
 */
export function retextPiece(p: Piece, text: string): Piece {
  if (text.length === p.text.length) return { text, map: p.map, ...(p.unknown ? { unknown: true } : {}) };
  return opaquePiece(text, posSpan(p.map, 0, p.text.length), p.unknown);
}

/** A known scalar's characters as a piece (through its own position map). */
export function scalarPiece(s: PScalar): Piece {
  if (s.unknown || s.value === null) return opaquePiece(isScalar(s) && typeof s.value === 'string' ? s.value : '${value}', s.span, true);
  return { text: String(s.value), map: positionsOf(s) };
}

/** The characters `[from, to)` of a known scalar as a piece. */
export function scalarSlice(s: PScalar, from: number, to: number): Piece {
  return { text: String(s.value).slice(from, to), map: posSlice(positionsOf(s), from, to) };
}

/** Is this value known (not an unknown scalar, and not a collection marked unknown)? */
export function isKnown(v: Value | undefined): v is Value {
  return v !== undefined && !v.unknown;
}

/** A known string value, or undefined. */
export function knownString(v: Value | undefined): string | undefined {
  return isScalar(v) && !v.unknown && typeof v.value === 'string' ? v.value : undefined;
}
