/** The TypeScript static evaluator (src/eval/ts.ts): values, unknowns, positions and the extension point. */
import { parse } from '@typescript-eslint/typescript-estree';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TsEvaluator, type EsNode, type TsExtension } from '../../src/eval/ts.js';
import type { Value } from '../../src/eval/value.js';
import { isMap, isScalar } from '../../src/model/pnode.js';
import { subSpan, type Span } from '../../src/model/span.js';

function program(text: string, extensions: TsExtension[] = []): TsEvaluator {
  return new TsEvaluator(parse(text, { range: true, loc: true }) as unknown as EsNode, text, 'a.ts', extensions);
}

/** The expression of the last statement (or the initialiser of the last declaration), evaluated. */
function last(text: string, extensions: TsExtension[] = []): { v: Value; ev: TsEvaluator; text: (s: Span) => string } {
  const ev = program(text, extensions);
  const body = ev.program.body as EsNode[];
  const s = body[body.length - 1];
  const expr = s.type === 'VariableDeclaration' ? s.declarations[s.declarations.length - 1].init : s.expression;
  const lines = text.split('\n');
  const src = (sp: Span) =>
    sp.line === sp.endLine
      ? lines[sp.line - 1].slice(sp.column - 1, sp.endColumn - 1)
      : [lines[sp.line - 1].slice(sp.column - 1), ...lines.slice(sp.line, sp.endLine - 1), lines[sp.endLine - 1].slice(0, sp.endColumn - 1)].join('\n');
  return { v: ev.evaluate(expr), ev, text: src };
}

/** A compact rendering: scalars as JSON, `?` after anything unknown. */
function show(v: Value): string {
  const u = v.unknown ? '?' : '';
  if (isScalar(v)) return JSON.stringify(v.value) + u;
  if (isMap(v)) return `{${v.entries.map((e) => `${show(e.key)}: ${show(e.value)}`).join(', ')}}${u}`;
  return `[${v.items.map(show).join(', ')}]${u}`;
}

const values: [what: string, program: string, expected: string][] = [
  ['a string literal', `'abc'`, '"abc"'],
  ['a number, a boolean, null', `[42, true, null]`, '[42, true, null]'],
  ['a regular expression is not a value', `/x+/`, '"${/x+/}"?'],
  ['escapes are decoded', String.raw`'a\tb\x41\u0042\u{43}\\'`, JSON.stringify('a\tbABC\\')],
  ['a template with a const', 'const ns = "team";\n`system:serviceaccount:${ns}:web`', '"system:serviceaccount:team:web"'],
  ['a template with an unknown part keeps a placeholder', 'declare const cluster: any;\n`${cluster.issuer}:sub`', '"${cluster.issuer}:sub"?'],
  ['a const of a const', `const a = 'x';\nconst b = a;\nb`, '"x"'],
  ['let is unknown', `let a = 'x';\na`, '"${a}"?'],
  ['a parameter is unknown', `const p = 'x';\nfunction f(p: string) { return p; }\np`, '"${p}"?'],
  ['a destructured parameter is unknown', `const q = 'x';\nconst f = ({ q }: any) => q;\nq`, '"${q}"?'],
  ['a name bound twice is unknown', `const a = 'x';\n{ const a = 'y'; }\na`, '"${a}"?'],
  ['an import is unknown', `import { region } from './config';\nregion`, '"${region}"?'],
  ['object literal: identifier, string and computed keys', "const k = 'c';\n({ a: 1, 'b': 2, [k]: 3, [`d${k}`]: 4 })", '{"a": 1, "b": 2, "c": 3, "dc": 4}'],
  ['object literal: a spread, a later property wins in place', `const base = { a: 1, b: 2 };\n({ ...base, a: 3, c: 4 })`, '{"a": 3, "b": 2, "c": 4}'],
  ['object literal: an unknown spread makes the object unknown', `({ a: 1, ...other })`, '{"a": 1}?'],
  ['object literal: methods and accessors are not static', `({ a() { return 1; }, get b() { return 2; } })`, '{"a": "${()  return 1; }"?}?'],
  ['array literal with a spread', `const xs = ['b', 'c'];\n['a', ...xs]`, '["a", "b", "c"]'],
  ['array literal with an unknown spread', `['a', ...others]`, '["a"]?'],
  ['JSON.stringify of an object is the object', `JSON.stringify({ Statement: [] })`, '{"Statement": []}'],
  ['JSON.stringify of a string is unknown', `JSON.stringify('x')`, '"${JSON.stringify(\'x\')}"?'],
  ['a local JSON is not the global one', `const JSON = { stringify: (x: any) => '' };\nJSON.stringify({ a: 1 })`, '"${JSON.stringify( a: 1 )}"?'],
  ['member of a const object', `const o = { a: { b: 'c' } };\no.a.b`, '"c"'],
  ['computed member of a const object and an array index', `const o = { a: ['p', 'q'] };\no['a'][1]`, '"q"'],
  ['a missing member is unknown', `const o = { a: 1 };\no.b`, '"${o.b}"?'],
  ['a mutated const is unknown (assignment)', `const o = { a: 1 };\no.a = 2;\no.a`, '"${o.a}"?'],
  ['a mutated const is unknown (push)', `const xs = [1];\nxs.push(2);\nxs`, '"${xs}"?'],
  ['a mutated const is unknown (Object.assign)', `const o = { a: 1 };\nObject.assign(o, { a: 2 });\no`, '"${o}"?'],
  ['a mutated const is unknown (delete)', `const o = { a: 1 };\ndelete (o as any).a;\no`, '"${o}"?'],
  ['type assertions, non-null, optional chains and await are transparent', `const o = { a: 'x' };\n[(o as any).a, <string>o.a, o!.a, o?.a, (o.a satisfies string)]`, '["x", "x", "x", "x", "x"]'],
  ['a call is unknown', `f('x')`, '"${f(\'x\')}"?'],
  ['new is unknown without an extension', `new Thing({ a: 1 })`, '"${new Thing( a: 1 )}"?'],
  ['a reference cycle is unknown where it closes', `const a: any = { x: b };\nconst b: any = a;\nb`, '{"x": "${a}"?}'],
  ['a long unknown is shortened', `someFunction(argumentNumberOne, argumentNumberTwo, argumentNumberThree)`, '"${someFunction(argumentNumberOne, argumentNumberTwo, argume...}"?'],
];

for (const [what, text, expected] of values) {
  test(`evaluate: ${what}`, () => {
    assert.is(show(last(text).v), expected);
  });
}

test('positions: a literal, and each character of a template with escapes and a substitution', () => {
  const src = "const ns = 'team';\nconst t = `a\\tb${ns}\\u{1F600}c\n  d`;";
  const { v, text } = last(src);
  assert.ok(isScalar(v) && typeof v.value === 'string');
  if (!isScalar(v) || typeof v.value !== 'string') return;
  const s = { value: v.value, span: v.span, inner: v.inner };
  assert.is(v.value, 'a\tbteam\u{1F600}c\n  d');
  assert.is(text(v.span), '`a\\tb${ns}\\u{1F600}c\n  d`');
  const each = [...Array(v.value.length).keys()].filter((i) => i !== 7 && i !== 8).map((i) => text(subSpan(s, i, i + 1)));
  assert.equal(each, ['a', '\\t', 'b', '${ns}', '${ns}', '${ns}', '${ns}', 'c', '\n', ' ', ' ', 'd']);
  assert.is(text(subSpan(s, 7, 9)), '\\u{1F600}', 'the two UTF-16 units of one escape');
  assert.is(text(subSpan(s, 3, 7)), '${ns}');
  assert.is(text(subSpan(s, 0, 3)), 'a\\tb');
  // A string literal without escapes maps one to one, inside its quotes.
  const lit = last("const x = 'system:serviceaccount';");
  assert.ok(isScalar(lit.v));
  if (isScalar(lit.v)) assert.is(lit.text(subSpan({ value: String(lit.v.value), span: lit.v.span, inner: lit.v.inner }, 7, 21)), 'serviceaccount');
});

test('positions: a const is evaluated where it is written, keys keep their own spans', () => {
  const { v, text } = last("const o = { 'a:sub': 'x' };\nconst y = o;");
  assert.ok(isMap(v));
  if (!isMap(v)) return;
  assert.is(text(v.span), "{ 'a:sub': 'x' }");
  assert.is(text(v.entries[0].key.span), "'a:sub'");
  assert.is(text(v.entries[0].value.span), "'x'");
});

test('imported: the symbol an identifier or member chain names, unless a const shadows it', () => {
  const ev = program("import * as iam from 'aws-cdk-lib/aws-iam';\nimport { Role as R } from 'aws-cdk-lib/aws-iam';\nimport type { T } from 'types';\niam.Role;\nR;\niam.x.y;\n");
  const body = ev.program.body as EsNode[];
  assert.equal(ev.imported(body[3].expression), { source: 'aws-cdk-lib/aws-iam', path: ['Role'] });
  assert.equal(ev.imported(body[4].expression), { source: 'aws-cdk-lib/aws-iam', path: ['Role'] });
  assert.equal(ev.imported(body[5].expression), { source: 'aws-cdk-lib/aws-iam', path: ['x', 'y'] });
  assert.equal(ev.importSources(), ['aws-cdk-lib/aws-iam']);
  const shadowed = program("import * as iam from 'aws-cdk-lib/aws-iam';\nconst iam2 = 1;\n{ const iam = {}; }\niam.Role;\n");
  assert.is(shadowed.imported((shadowed.program.body as EsNode[])[3].expression), undefined);
});

test('extensions: framework values for new, calls, members and imported symbols, tried in order', () => {
  const calls: string[] = [];
  const thing: TsExtension = {
    construct(n, ev) {
      calls.push('construct');
      return n.callee.name === 'Thing' ? ev.frameworkValue(n, { name: ev.knownText(ev.arg(n, 0), '?') }) : undefined;
    },
    member(object, name, n, ev) {
      const d = ev.frameworkData(object) as { name: string } | undefined;
      return d && name === 'label' ? ev.scalar(`thing ${d.name}`, n) : undefined;
    },
    call(n, ev) {
      return n.callee.name === 'id' ? ev.evaluate(ev.arg(n, 0)!) : undefined;
    },
    imported(symbol, n, ev) {
      return symbol.source === 'enums' ? ev.scalar(symbol.path.join('.'), n) : undefined;
    },
  };
  const second: TsExtension = { construct: (n, ev) => (calls.push('second'), ev.scalar('second', n)) };
  const { v, ev } = last("import * as e from 'enums';\nconst t = new Thing('a');\n[t.label, t.other, id('x'), e.Kind.A, new Other()]", [thing, second]);
  assert.is(show(v), '["thing a", "${t.other}"?, "x", "Kind.A", "second"]');
  assert.equal(calls, ['construct', 'construct', 'second']);
  // A framework value is an unknown placeholder for every generic reader.
  const t = ev.evaluate(((ev.program.body as EsNode[])[1].declarations[0] as EsNode).init);
  assert.ok(isMap(t) && t.unknown && t.entries.length === 0);
  assert.ok(ev.isFrameworkValue(t));
  assert.equal(ev.frameworkData(t), { name: 'a' });
  assert.is(show(last('JSON.stringify(new Thing("b"))', [thing]).v), '"${JSON.stringify(new Thing(\\"b\\"))}"?');
});

test('usesMember: the members written on a name anywhere in the file', () => {
  const ev = program("const role = make();\nrole.assumeRolePolicy?.addStatements();\nother['computed'];\n");
  assert.is(ev.usesMember('role', 'assumeRolePolicy'), true);
  assert.is(ev.usesMember('role', 'addStatements'), false);
  assert.is(ev.usesMember('other', 'computed'), false);
});

test('evaluate: the same node gives the same value object', () => {
  const ev = program("const o = { a: 'x' };\no;\no;\n");
  const body = ev.program.body as EsNode[];
  assert.is(ev.evaluate(body[1].expression), ev.evaluate(body[2].expression));
});

test.run();
