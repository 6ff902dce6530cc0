/** The HCL syntax tree (tree-sitter) and the static evaluator: values, positions of every character, unknowns. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HclEvaluator, JSON_TAG, type HclScope } from '../../src/eval/hcl.js';
import { initHcl, parseHcl, type Expr } from '../../src/load/hcl/parse.js';
import { parseTerraformJson } from '../../src/load/hcl/json-syntax.js';
import { parseJsonInString } from '../../src/load/json.js';
import { isMap, isScalar, isSeq, toJS, type PNode, type PScalar } from '../../src/model/pnode.js';
import type { Span } from '../../src/model/span.js';
import { posSpan } from '../../src/model/posmap.js';

await initHcl();

type Pos = [line: number, column: number, endLine: number, endColumn: number];
const pos = (s: Span): Pos => [s.line, s.column, s.endLine, s.endColumn];

/** The text a span covers in `text`. */
function cover(text: string, s: Span): string {
  const lines = text.split('\n');
  if (s.line === s.endLine) return lines[s.line - 1].slice(s.column - 1, s.endColumn - 1);
  return [lines[s.line - 1].slice(s.column - 1), ...lines.slice(s.line, s.endLine - 1), lines[s.endLine - 1].slice(0, s.endColumn - 1)].join('\n');
}

/** A scope in which the file's other attributes are names (`y`). */
function scopeOf(vars: Record<string, Expr>): HclScope {
  return {
    lookup: (root, _steps, ev) => (root in vars ? { value: ev.evaluate(vars[root]), used: 0 } : undefined),
    decodeJson: (s) => parseJsonInString(s, s.span.file).node,
  };
}

/** Evaluate attribute `x` of a file whose other attributes can be referred to by name. */
function evaluate(text: string): { v: PNode; ev: HclEvaluator } {
  const f = parseHcl(text, 'main.tf');
  assert.equal(f.problems, []);
  const vars: Record<string, Expr> = {};
  let x: Expr | undefined;
  for (const a of f.body.attributes) {
    if (a.name === 'x') x = a.expr;
    else vars[a.name] = a.expr;
  }
  const ev = new HclEvaluator(scopeOf(vars));
  return { v: ev.evaluate(x!), ev };
}

const str = (v: PNode) => (isScalar(v) ? v.value : undefined);

// ---- syntax -------------------------------------------------------------------------------------

test('blocks, labels and attributes with offsets; comments are skipped', () => {
  const text = '# c\nresource "aws_iam_role" "app" { // x\n  name = "a"\n  /* y */ path = "/"\n}\n';
  const f = parseHcl(text, 'main.tf');
  assert.equal(f.problems, []);
  const b = f.body.blocks[0];
  assert.is(b.type, 'resource');
  assert.equal(b.labels.map((l) => l.value), ['aws_iam_role', 'app']);
  assert.is(text.slice(b.labels[1].from, b.labels[1].to), '"app"');
  assert.equal(b.body.attributes.map((a) => [a.name, text.slice(a.expr.from, a.expr.to)]), [['name', '"a"'], ['path', '"/"']]);
});

test('columns are UTF-16 code units, as everywhere: non-ASCII and astral characters before a value', () => {
  const text = 'a = "é😀${var.x}z"\nvar_x = 1\n';
  const f = parseHcl(text, 'main.tf');
  const t = f.body.attributes[0].expr;
  assert.is(t.kind, 'template');
  if (t.kind !== 'template') return;
  const interp = t.parts[1];
  assert.is(interp.kind, 'interp');
  if (interp.kind !== 'interp') return;
  // "é" is one unit and "😀" two: the interpolation starts at column 9.
  assert.equal(pos(f.src.lines.span(interp.from, interp.to)), [1, 9, 1, 17]);
  const { v } = evaluate('x = "é😀-${y}"\ny = "ab"\n');
  assert.is(str(v), 'é😀-ab');
  const s = v as PScalar;
  assert.equal(pos(posSpan(s.inner!, 4, 6)), [2, 6, 2, 8], '"ab" comes from the variable');
  assert.equal(pos(posSpan(s.inner!, 1, 3)), [1, 7, 1, 9], 'the astral character keeps both its units');
});

test('escapes, $${ and %%{ are decoded with the position of each character', () => {
  const text = 'x = "a\\"b\\n$${c}\\u00e9%%{d}"\n';
  const { v } = evaluate(text);
  assert.is(str(v), 'a"b\n${c}é%{d}');
  const s = v as PScalar;
  assert.is(cover(text, posSpan(s.inner!, 1, 2)), '\\"', 'the escaped quote');
  assert.is(cover(text, posSpan(s.inner!, 4, 5)), '$$', '"$" of "$${"');
  assert.is(cover(text, posSpan(s.inner!, 8, 9)), '\\u00e9');
});

test('heredocs: <<EOF keeps the text, <<-EOF removes the common indentation; positions stay in the file', () => {
  const plain = evaluate('x = <<EOF\n  {"a": 1}\nEOF\n').v;
  assert.is(str(plain), '  {"a": 1}\n');
  const text = 'x = <<-EOT\n    {\n      "k": "${y}"\n    }\n    EOT\ny = "v"\n';
  const { v } = evaluate(text);
  assert.is(str(v), '{\n  "k": "v"\n}\n');
  const s = v as PScalar;
  assert.equal(pos(posSpan(s.inner!, 4, 7)), [3, 7, 3, 10], '"k" on line 3 at its column in the file');
});

test('strip markers remove the whitespace next to an interpolation', () => {
  assert.is(str(evaluate('x = "a  ${~ y ~}  b"\ny = "v"\n').v), 'avb');
});

test('a template that is one interpolation is the value itself, not a string', () => {
  const { v } = evaluate('x = "${y}"\ny = [1, 2]\n');
  assert.ok(isSeq(v));
});

test('syntax errors: the first ERROR or MISSING node, and the blocks that parsed are kept', () => {
  const f = parseHcl('locals {\n  a = "x"\n}\nresource "r" "n" {\n  b = = 1\n}\n', 'main.tf');
  assert.is(f.problems.length, 1);
  assert.is(f.problems[0].code, 'HCL_SYNTAX');
  assert.equal([f.problems[0].span.line, f.problems[0].span.column], [5, 7]);
  assert.is(f.body.blocks[0].type, 'locals');
  assert.not.ok(f.body.blocks[0].broken);
  const unclosed = parseHcl('resource "r" "n" {\n  a = "b"\n', 'main.tf');
  assert.is(unclosed.problems[0].message, "syntax error: missing '}'");
  assert.equal([unclosed.problems[0].span.line, unclosed.problems[0].span.column], [3, 1]);
});

// ---- evaluation ---------------------------------------------------------------------------------

test('references, objects, tuples, for expressions, conditionals and operators', () => {
  assert.equal(toJS(evaluate('x = { a = y, "b" = [1, true, null] }\ny = "v"\n').v), { a: 'v', b: [1, true, null] });
  assert.equal(toJS(evaluate('x = [for s in y : "system:serviceaccount:${s}" if s != "skip"]\ny = ["a:b", "skip", "c:d"]\n').v), [
    'system:serviceaccount:a:b',
    'system:serviceaccount:c:d',
  ]);
  assert.equal(toJS(evaluate('x = { for k, v in y : v => k }\ny = { b = "2", a = "1" }\n').v), { 1: 'a', 2: 'b' });
  assert.is(str(evaluate('x = y == null ? "default" : y\ny = null\n').v), 'default');
  assert.is(str(evaluate('x = -1 + 2 * 3 == 5 && !false\n').v), true);
  assert.is(str(evaluate('x = y.list[1].name\ny = { list = [{ name = "a" }, { name = "b" }] }\n').v), 'b');
  assert.equal(toJS(evaluate('x = y[*].n\ny = [{ n = 1 }, { n = 2 }]\n').v), [1, 2]);
});

test('what is not known is unknown, with a ${...} placeholder, never a guess', () => {
  for (const src of ['x = z', 'x = module.eks.oidc_provider_arn', 'x = z ? "a" : "b"', 'x = file("trust.json")', 'x = [for s in z : s]', 'x = y.missing\ny = {}']) {
    const { v } = evaluate(`${src}\n`);
    assert.ok(v.unknown, src);
    assert.ok(isScalar(v) && /^\$\{.*\}$/.test(String(v.value)), src);
  }
});

test('a string with an unknown part keeps the known part: an unknown provider and a known claim', () => {
  const text = 'x = "${replace(module.eks.cluster_oidc_issuer_url, "https://", "")}:sub"\n';
  const { v, ev } = evaluate(text);
  assert.ok(v.unknown);
  assert.ok(isScalar(v) && String(v.value).endsWith(':sub'));
  const pieces = ev.piecesOf(v, (v as PScalar).span)!;
  assert.equal(pieces.map((p) => [p.text.endsWith('}'), !!p.unknown]), [[true, true], [false, false]]);
  assert.is(pieces[1].text, ':sub');
  assert.is(cover(text, posSpan(pieces[1].map, 0, 4)), ':sub');
});

test('replace with a string and with a regular expression keeps the positions of the remaining characters', () => {
  const text = 'x = "${replace(y, "/^(.*provider/)/", "")}:sub"\ny = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"\n';
  const { v } = evaluate(text);
  assert.is(str(v), 'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub');
  const s = v as PScalar;
  assert.is(cover(text, posSpan(s.inner!, 0, 39)), 'oidc.eks.us-east-1.amazonaws.com/id/ABC', 'the host is the characters of the variable');
  assert.is(str(evaluate('x = replace(y, "https://", "")\ny = "https://oidc.example.com"\n').v), 'oidc.example.com');
  assert.is(str(evaluate('x = replace("a-b-c", "/(\\\\w)-/", "$1+")\n').v), 'a+b+c');
  assert.ok(evaluate('x = replace(y, "/(?=x)/", "")\ny = "axb"\n').v.unknown, 'a construct RE2 does not have');
});

test('string functions: format, trimprefix, trimsuffix, lower, join, split, coalesce', () => {
  assert.is(str(evaluate('x = format("system:serviceaccount:%s:%s", y, "app")\ny = "team-a"\n').v), 'system:serviceaccount:team-a:app');
  assert.is(str(evaluate('x = format("%d%%", 5)\n').v), '5%');
  assert.is(str(evaluate('x = trimprefix(y, "https://")\ny = "https://h/x"\n').v), 'h/x');
  assert.is(str(evaluate('x = trimsuffix("a.json", ".json")\n').v), 'a');
  const low = evaluate('x = lower(y)\ny = "Team-A"\n');
  assert.is(str(low.v), 'team-a');
  assert.equal(pos(posSpan((low.v as PScalar).inner!, 0, 4)), [2, 6, 2, 10]);
  assert.is(str(evaluate('x = join(":", ["a", y])\ny = "b"\n').v), 'a:b');
  assert.equal(toJS(evaluate('x = split(":", "a:b:c")\n').v), ['a', 'b', 'c']);
  assert.is(str(evaluate('x = coalesce(null, "", "c")\n').v), 'c');
  assert.ok(evaluate('x = coalesce(z, "c")\n').v.unknown, 'an unknown first argument could be the result');
});

test('collection functions: concat, merge, flatten, tolist, toset, distinct, lookup, element, length, keys, contains, try', () => {
  assert.equal(toJS(evaluate('x = concat(["a"], y)\ny = ["b"]\n').v), ['a', 'b']);
  assert.equal(toJS(evaluate('x = merge({ a = 1, b = 2 }, { b = 3 })\n').v), { a: 1, b: 3 });
  assert.equal(toJS(evaluate('x = flatten([["a"], ["b", ["c"]]])\n').v), ['a', 'b', 'c']);
  assert.equal(toJS(evaluate('x = toset(["b", "a", "b"])\n').v), ['a', 'b']);
  assert.equal(toJS(evaluate('x = tolist(distinct(["a", "a"]))\n').v), ['a']);
  assert.is(str(evaluate('x = lookup({ a = "1" }, "b", "d")\n').v), 'd');
  assert.is(str(evaluate('x = element(["a", "b"], 3)\n').v), 'b');
  assert.is(str(evaluate('x = length(["a", "b"])\n').v), 2);
  assert.equal(toJS(evaluate('x = keys({ b = 1, a = 2 })\n').v), ['a', 'b']);
  assert.is(str(evaluate('x = contains(["a"], "a")\n').v), true);
  assert.is(str(evaluate('x = try(y, "d")\ny = "v"\n').v), 'v');
  assert.ok(evaluate('x = concat(["a"], z)\n').v.unknown);
});

test('jsonencode keeps the document (tagged); used as a string it is JSON text with positions', () => {
  const { v } = evaluate('x = jsonencode({ b = "${y}", a = [1, true] })\ny = "q\\""\n');
  assert.ok(isMap(v) && v.tag === JSON_TAG);
  assert.equal(toJS(v), { b: 'q"', a: [1, true] });
  const text = 'x = "${jsonencode({ k = y })}!"\ny = "v\\"w"\n';
  const s = evaluate(text).v as PScalar;
  assert.is(s.value, '{"k":"v\\"w"}!');
  assert.is(cover(text, posSpan(s.inner!, 6, 7)), 'v', 'a character of the value');
  assert.equal(toJS(evaluate('x = jsondecode("{\\"a\\": [1]}")\n').v), { a: [1] });
});

test('JSON syntax: strings are templates, with the positions of the JSON text', () => {
  const text = '{\n  "resource": {\n    "aws_iam_role": {\n      "app": { "name": "${var.ns}-app", "path": "\\/x\\/" }\n    }\n  }\n}\n';
  const f = parseTerraformJson(text, 'main.tf.json', () => ({}));
  assert.equal(f.problems, []);
  const b = f.body.blocks[0];
  assert.equal([b.type, ...b.labels.map((l) => l.value)], ['resource', 'aws_iam_role', 'app']);
  const [name, path] = b.body.attributes;
  const ev = new HclEvaluator({ lookup: (root, steps, e) => (root === 'var' ? { value: { type: 'scalar', value: 'team-a', span: e.span(name.expr) }, used: 1 } : undefined) });
  assert.is(str(ev.evaluate(name.expr)), 'team-a-app');
  const p = ev.evaluate(path.expr) as PScalar;
  assert.is(p.value, '/x/');
  assert.is(cover(text, posSpan(p.inner!, 0, 1)), '\\/');
});

test.run();
