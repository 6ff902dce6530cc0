/**
 * The HCL syntax tree that the HCL evaluator (src/eval/hcl.ts) reads: bodies, blocks, attributes
 * and expressions, each with its file and character offsets. The native syntax (tree-sitter,
 * src/load/hcl/parse.ts) and Terraform's JSON syntax (src/load/hcl/json-syntax.ts) both read
 * into it.
 */
import type { Span } from '../model/span.js';
import type { LineIndex } from './positions.js';

/** A file's text and its position map; every node points at one. */
export interface HclText {
  readonly file: string;
  readonly lines: LineIndex;
}

interface At {
  readonly src: HclText;
  /** Character offsets [from, to) in `src.lines.text`. */
  readonly from: number;
  readonly to: number;
}

export interface LiteralExpr extends At {
  readonly kind: 'literal';
  readonly value: number | boolean | null;
}

export type TemplatePart =
  /** Decoded text; `offsets[i]` is the source offset of character `i`, `offsets[text.length]` the end. */
  | { readonly kind: 'text'; readonly text: string; readonly offsets: readonly number[] }
  | { readonly kind: 'interp'; readonly expr: Expr; readonly from: number; readonly to: number }
  /** `%{ if }` / `%{ for }`: not evaluated. */
  | { readonly kind: 'directive'; readonly from: number; readonly to: number };

export interface TemplateExpr extends At {
  readonly kind: 'template';
  readonly parts: readonly TemplatePart[];
}

export interface TupleExpr extends At {
  readonly kind: 'tuple';
  readonly items: readonly Expr[];
}

export interface ObjectItem {
  readonly key: Expr;
  readonly value: Expr;
  readonly from: number;
  readonly to: number;
}

export interface ObjectExpr extends At {
  readonly kind: 'object';
  readonly items: readonly ObjectItem[];
}

export type Step =
  | { readonly kind: 'attr'; readonly name: string; readonly from: number; readonly to: number }
  | { readonly kind: 'index'; readonly key: Expr; readonly from: number; readonly to: number }
  | { readonly kind: 'splat'; readonly from: number; readonly to: number };

/** `var.x`, `aws_iam_role.app.arn`, `each.value`: a root name and the steps after it. */
export interface TraversalExpr extends At {
  readonly kind: 'traversal';
  readonly root: string;
  readonly steps: readonly Step[];
}

/** Steps applied to another expression: `f(x)[0]`, `(local.m).k`, `[1, 2][0]`. */
export interface PostfixExpr extends At {
  readonly kind: 'postfix';
  readonly target: Expr;
  readonly steps: readonly Step[];
}

export interface CallExpr extends At {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  /** The last argument is expanded (`f(list...)`). */
  readonly expand: boolean;
}

export interface ForExpr extends At {
  readonly kind: 'for';
  /** `{for ...}` (an object) rather than `[for ...]`. */
  readonly object: boolean;
  readonly keyVar?: string;
  readonly valueVar: string;
  readonly collection: Expr;
  readonly key?: Expr;
  readonly value: Expr;
  readonly cond?: Expr;
  /** `...` after the value: values with the same key are grouped into lists. */
  readonly group: boolean;
}

export interface ConditionalExpr extends At {
  readonly kind: 'conditional';
  readonly cond: Expr;
  readonly then: Expr;
  readonly else: Expr;
}

export interface UnaryExpr extends At {
  readonly kind: 'unary';
  readonly op: string;
  readonly operand: Expr;
}

export interface BinaryExpr extends At {
  readonly kind: 'binary';
  readonly op: string;
  readonly left: Expr;
  readonly right: Expr;
}

/** Syntax that is not modelled or did not parse. */
export interface UnknownExpr extends At {
  readonly kind: 'unknown';
}

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | TupleExpr
  | ObjectExpr
  | TraversalExpr
  | PostfixExpr
  | CallExpr
  | ForExpr
  | ConditionalExpr
  | UnaryExpr
  | BinaryExpr
  | UnknownExpr;

export interface Attribute extends At {
  readonly name: string;
  readonly nameFrom: number;
  readonly nameTo: number;
  readonly expr: Expr;
  /** Part of it did not parse. */
  readonly broken: boolean;
}

export interface Label {
  readonly value: string;
  readonly from: number;
  readonly to: number;
}

export interface Block extends At {
  readonly type: string;
  readonly typeFrom: number;
  readonly typeTo: number;
  readonly labels: readonly Label[];
  readonly body: Body;
  /** Part of it did not parse: its content is not read. */
  readonly broken: boolean;
}

export interface Body {
  readonly attributes: readonly Attribute[];
  readonly blocks: readonly Block[];
}

export interface HclFile {
  readonly src: HclText;
  readonly body: Body;
  /** A `*.tfvars` file written as one object (`{ "a" = 1 }`), which the grammar also accepts. */
  readonly object?: ObjectExpr;
  /** Syntax errors (the first of the file) and other problems found while reading it. */
  readonly problems: { readonly message: string; readonly code: string; readonly span: Span }[];
}
