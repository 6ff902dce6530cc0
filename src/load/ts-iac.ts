/**
 * AWS CDK and Pulumi programs in TypeScript, read statically with `@typescript-eslint/typescript-estree`
 * (never executed). The parser is required on first use only, so a repository without such files
 * never loads it (about 200 ms of start-up).
 *
 * A file is parsed once; the TypeScript evaluator (src/eval/ts.ts) gives its expressions values,
 * with the CDK and Pulumi extensions for their constructs and calls, and the readers of the
 * libraries the file imports (src/load/cdk.ts, src/load/pulumi.ts) turn the `new` and call
 * expressions they recognise into roles, OIDC providers and Kubernetes documents. See those files
 * for what is recognised, and docs/iac-formats.md.
 */
import { createRequire } from 'node:module';
import { LineIndex } from '../eval/positions.js';
import { TsEvaluator, type EsNode } from '../eval/ts.js';
import type { Span } from '../model/span.js';
import { cdkRecogniser, cdkValues } from './cdk.js';
import { pulumiRecogniser, pulumiValues } from './pulumi.js';
import { iamValues, type TsIacOutput, type TsRecogniser } from './ts-iam.js';

type Estree = typeof import('@typescript-eslint/typescript-estree');
let estree: Estree | undefined;

/** The parser, required on first use (it loads the TypeScript compiler). */
function parser(): Estree {
  return (estree ??= createRequire(import.meta.url)('@typescript-eslint/typescript-estree') as Estree);
}

/** Does a TypeScript file's text import a library this reader understands? (No parsing.) */
export function looksLikeTsIac(text: string): boolean {
  return IAC_IMPORT.test(text);
}
const IAC_IMPORT = /['"](?:aws-cdk-lib(?:\/[\w-]+)?|@aws-cdk\/[\w-]+|@pulumi\/aws(?:\/[\w-]+)?)['"]/;

export type TsIacResult = TsIacOutput;

/** The extensions of the evaluator: CDK, Pulumi, then the IAM values both make. */
const EXTENSIONS = [cdkValues, pulumiValues, iamValues];

function read(text: string, file: string, out: TsIacOutput): void {
  let ast: EsNode;
  try {
    ast = parser().parse(text, { loc: true, range: true, comment: false, jsx: false }) as unknown as EsNode;
  } catch (e) {
    const err = e as { message?: string; location?: { start?: { offset?: number }; end?: { offset?: number } } };
    const a = err.location?.start?.offset ?? 0;
    const b = Math.max(err.location?.end?.offset ?? a, a + 1);
    const message = String(err.message ?? e).split('\n')[0];
    const span = new LineIndex(text, file).span(a, Math.min(b, text.length));
    out.problems.push({ message: message.charAt(0).toLowerCase() + message.slice(1).replace(/\.$/, ''), code: 'TS_SYNTAX', span });
    return;
  }
  const ev = new TsEvaluator(ast, text, file, EXTENSIONS);
  const readers = [cdkRecogniser(ev, out), pulumiRecogniser(ev, out)].filter((r): r is TsRecogniser => r !== undefined);
  if (readers.length > 0) walk(ast, undefined, readers);
}

/** Every `new` and call expression, in source order, to every reader; `declaredAs` names the variable it initialises. */
function walk(n: EsNode, declaredAs: string | undefined, readers: readonly TsRecogniser[]): void {
  if (n.type === 'NewExpression' || n.type === 'CallExpression') for (const r of readers) r.expression(n, declaredAs);
  for (const key of Object.keys(n)) {
    if (key === 'range' || key === 'loc' || key === 'parent') continue;
    const v = n[key];
    const name = n.type === 'VariableDeclarator' && key === 'init' && n.id?.type === 'Identifier' ? (n.id.name as string) : undefined;
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === 'string') walk(c, undefined, readers);
    } else if (v && typeof v === 'object' && typeof v.type === 'string') walk(v, name, readers);
  }
}

/** Roles, OIDC providers and Kubernetes documents of one TypeScript file. */
export function loadTsIac(text: string, file: string): TsIacResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: TsIacOutput = { resources: [], k8sDocs: [], problems: [] };
  try {
    read(body, file, out);
  } catch (e) {
    // Never throw past the loader: an unexpected shape is reported, the file's other results are kept.
    const where: Span = { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    out.problems.push({ message: `cannot read this TypeScript file: ${String((e as Error)?.message ?? e).split('\n')[0]}`, code: 'TS_READ', span: where });
  }
  return out;
}
