import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeMaybeUrlEncoded, parseJson, parseJsonInString } from '../../src/load/json.js';
import { get, toJS, type PNode, type PScalar } from '../../src/model/pnode.js';
import type { Span } from '../../src/model/span.js';
import { posSpan } from '../../src/model/posmap.js';

type Pos = [line: number, column: number, endLine: number, endColumn: number];
const pos = (s: { line: number; column: number; endLine: number; endColumn: number }): Pos => [s.line, s.column, s.endLine, s.endColumn];

function ok(text: string, file = 'f.json'): PNode {
  const r = parseJson(text, file);
  assert.is(r.error, undefined, r.error?.message);
  return r.node!;
}
function keyOf(n: PNode | undefined, name: string): PScalar {
  if (n?.type !== 'map') throw new Error('not a map');
  const e = n.entries.find((x) => x.key.value === name);
  if (!e) throw new Error(`no key ${name}`);
  return e.key;
}
function err(text: string) {
  const r = parseJson(text, 'f.json');
  assert.is(r.node, undefined);
  assert.ok(r.error, 'expected an error');
  return { message: r.error!.message, at: pos(r.error!) };
}

test('scalars, keys, nested maps and arrays on several lines', () => {
  const text = '{\n  "a": 1,\n  "b": [true, null, "x"],\n  "c": {"d": -1.5e3}\n}\n';
  const n = ok(text);
  assert.equal(toJS(n), { a: 1, b: [true, null, 'x'], c: { d: -1500 } });
  assert.equal(pos(n.span), [1, 1, 5, 2]);
  assert.is(n.span.file, 'f.json');
  assert.equal(pos(keyOf(n, 'a').span), [2, 3, 2, 6]);
  assert.equal(pos(get(n, 'a')!.span), [2, 8, 2, 9]);
  assert.equal(pos(keyOf(n, 'b').span), [3, 3, 3, 6]);
  assert.equal(pos(get(n, 'b')!.span), [3, 8, 3, 25]);
  assert.equal(pos(get(n, 'b', 0)!.span), [3, 9, 3, 13]);
  assert.equal(pos(get(n, 'b', 1)!.span), [3, 15, 3, 19]);
  assert.equal(pos(get(n, 'b', 2)!.span), [3, 21, 3, 24]);
  assert.equal(pos(get(n, 'c')!.span), [4, 8, 4, 21]);
  assert.equal(pos(keyOf(get(n, 'c'), 'd').span), [4, 9, 4, 12]);
  assert.equal(pos(get(n, 'c', 'd')!.span), [4, 14, 4, 20]);
});

test('top-level scalars, empty containers, CRLF line ends', () => {
  assert.equal(pos(ok(' "x" ').span), [1, 2, 1, 5]);
  assert.equal(pos(ok('0').span), [1, 1, 1, 2]);
  const n = ok('[\r\n  {},\r\n  []\r\n]');
  assert.equal(pos(n.span), [1, 1, 4, 2]);
  assert.equal(pos(get(n, 0)!.span), [2, 3, 2, 5]);
  assert.equal(pos(get(n, 1)!.span), [3, 3, 3, 5]);
});

test('numbers follow RFC 8259', () => {
  assert.equal(toJS(ok('[0, -0.5, 1e3, 2E-2, 123456789012]')), [0, -0.5, 1000, 0.02, 123456789012]);
  for (const bad of ['01', '-', '1.', '.5', '+1', '1e', '0x10']) assert.match(err(`[${bad}]`).message, /^invalid number/, bad);
  assert.equal(err('[01]'), { message: "invalid number '01' (leading zeros are not allowed)", at: [1, 2, 1, 4] });
});

test('strings with escapes map decoded offsets back to the source', () => {
  //            col: 1234567 8 9012 3 4567890123
  const text = '{"k": "a\\"b\\nc\\u00e9d", "p": "plain"}';
  const n = ok(text);
  const s = get(n, 'k') as PScalar;
  assert.is(s.value, 'a"b\ncéd');
  assert.equal(pos(s.span), [1, 7, 1, 23]);
  assert.ok(s.inner);
  assert.equal(pos(posSpan(s.inner!, 0, 1)), [1, 8, 1, 9]); // a
  assert.equal(pos(posSpan(s.inner!, 1, 2)), [1, 9, 1, 11]); // \"
  assert.equal(pos(posSpan(s.inner!, 3, 4)), [1, 12, 1, 14]); // \n
  assert.equal(pos(posSpan(s.inner!, 5, 6)), [1, 15, 1, 21]); // \u00e9
  assert.equal(pos(posSpan(s.inner!, 6, 7)), [1, 21, 1, 22]); // d
  assert.equal(pos(posSpan(s.inner!, 0, 7)), [1, 8, 1, 22]); // whole content
  assert.equal(pos(posSpan(s.inner!, 7, 7)), [1, 22, 1, 22]); // end: the closing quote
  const p = get(n, 'p') as PScalar;
  assert.is(p.inner, undefined);
  assert.equal(pos(p.span), [1, 30, 1, 37]);
});

test('all escapes decode like JSON.parse, surrogate pairs included', () => {
  const text = '["\\"\\\\\\/\\b\\f\\n\\r\\t", "\\ud83d\\ude00", "\\u00E9"]';
  assert.equal(toJS(ok(text)), JSON.parse(text));
});

test('columns count UTF-16 code units', () => {
  const n = ok('["😀", "x"]');
  assert.equal(pos(get(n, 0)!.span), [1, 2, 1, 6]);
  assert.equal(pos(get(n, 1)!.span), [1, 8, 1, 11]);
});

test('a leading BOM is accepted and not counted', () => {
  const n = ok('\ufeff{"a": 1}');
  assert.equal(pos(n.span), [1, 1, 1, 9]);
  assert.equal(pos(keyOf(n, 'a').span), [1, 2, 1, 5]);
});

test('duplicate keys: warning, last value wins', () => {
  const r = parseJson('{\n  "Statement": 1,\n  "Statement": 2\n}', 'f.json');
  assert.is(r.error, undefined);
  assert.equal(toJS(r.node), { Statement: 2 });
  assert.is(r.node!.type === 'map' && r.node!.entries.length, 1);
  assert.is(r.warnings.length, 1);
  assert.match(r.warnings[0].message, /^duplicate key "Statement"/);
  assert.equal(pos(r.warnings[0].span), [3, 3, 3, 14]);
  assert.equal(pos(keyOf(r.node, 'Statement').span), [3, 3, 3, 14]);
  // Large objects use an index; the behaviour is the same.
  const many = '{' + Array.from({ length: 40 }, (_, i) => `"k${i % 30}": ${i}`).join(', ') + '}';
  const big = parseJson(many, 'f.json');
  assert.equal(toJS(big.node), JSON.parse(many));
  assert.is(big.warnings.length, 10);
});

test('errors: missing comma, trailing comma, unexpected character', () => {
  assert.equal(err('{\n  "a": 1\n  "b": 2\n}'), { message: "missing ',' between object members", at: [3, 3, 3, 4] });
  assert.equal(err('[1 2]'), { message: "missing ',' between array elements", at: [1, 4, 1, 5] });
  assert.equal(err('{"a": 1,\n}'), { message: 'trailing comma', at: [1, 8, 1, 9] });
  assert.equal(err('[1, 2, ]'), { message: 'trailing comma', at: [1, 6, 1, 7] });
  assert.equal(err('{"a": }'), { message: "unexpected character '}' (expected a value)", at: [1, 7, 1, 8] });
  assert.equal(err('{"a" 1}'), { message: `unexpected character '1' (expected ':' after key "a")`, at: [1, 6, 1, 7] });
  assert.equal(err('{"a": 1} x'), { message: "unexpected character 'x' (expected end of input)", at: [1, 10, 1, 11] });
  assert.match(err("{'a': 1}").message, /double quotes/);
  assert.equal(err('[True]'), { message: "unexpected word 'True' (expected a value; JSON literals are true, false and null)", at: [1, 2, 1, 6] });
});

test('errors: strings', () => {
  assert.equal(err('{"a": "abc'), { message: 'unterminated string', at: [1, 7, 1, 11] });
  assert.equal(err('["ab\n"]'), { message: 'unterminated string', at: [1, 2, 1, 5] });
  assert.equal(err('["a\\x"]'), { message: "invalid escape '\\x' in string", at: [1, 4, 1, 6] });
  assert.equal(err('["\\u00g0"]'), { message: 'invalid \\u escape (expected four hex digits)', at: [1, 3, 1, 8] });
  assert.equal(err('["a\tb"]'), { message: 'control character U+0009 in string (must be escaped)', at: [1, 4, 1, 5] });
});

test('errors: comments, empty input, end of input', () => {
  assert.equal(err('{\n  // note\n  "a": 1\n}'), { message: 'comments are not allowed in JSON', at: [2, 3, 2, 10] });
  assert.equal(err('{"a": /* x */ 1}'), { message: 'comments are not allowed in JSON', at: [1, 7, 1, 14] });
  assert.equal(err(''), { message: 'unexpected end of input (expected a value)', at: [1, 1, 1, 1] });
  assert.equal(err(' \n '), { message: 'unexpected end of input (expected a value)', at: [2, 2, 2, 2] });
  assert.equal(err('{"a": [1,\n'), { message: 'unexpected end of input (expected a value; the array opened at line 1, column 7 is not closed)', at: [2, 1, 2, 1] });
  assert.equal(err('{"a": 1'), { message: "unexpected end of input (expected ',' or '}'; the object opened at line 1, column 1 is not closed)", at: [1, 8, 1, 8] });
});

test('never throws: deep nesting and odd input', () => {
  const r = parseJson('['.repeat(100_000), 'f.json');
  assert.is(r.error?.message, 'document is nested too deeply');
  assert.ok(parseJson('\u0000', 'f.json').error);
  assert.is(parseJson('"\ud800"', 'f.json').node?.type, 'scalar');
  assert.equal(toJS(ok('['.repeat(500) + ']'.repeat(500))), JSON.parse('['.repeat(500) + ']'.repeat(500)));
});

// A ccoctl-style role file: the trust policy is a JSON document stored in a JSON string.
const CCOCTL =
  '{\n' +
  '  "RoleName": "x",\n' +
  '  "AssumeRolePolicyDocument": "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"sts:AssumeRoleWithWebIdentity\\"}]}"\n' +
  '}\n';

test('JSON in a JSON string: every inner node points into the outer file', () => {
  const outer = ok(CCOCTL, 'role.json');
  const s = get(outer, 'AssumeRolePolicyDocument') as PScalar;
  const r = parseJsonInString(s, 'role.json');
  assert.is(r.error, undefined);
  const doc = r.node!;
  assert.equal(toJS(doc), JSON.parse(s.value as string));
  const line3 = CCOCTL.split('\n')[2];
  const col = (needle: string) => line3.indexOf(needle) + 1;
  // The inner `Effect` value `\"Allow\"` (9 source characters).
  const effect = get(doc, 'Statement', 0, 'Effect')!;
  assert.equal(pos(effect.span), [3, 87, 3, 96]);
  assert.is(line3.slice(86, 95), '\\"Allow\\"');
  assert.is(effect.span.file, 'role.json');
  assert.equal(pos(keyOf(get(doc, 'Statement', 0), 'Effect').span), [3, col('\\"Effect'), 3, col('\\"Effect') + 10]);
  assert.equal(pos(doc.span), [3, col('{\\"Version'), 3, line3.length]); // up to the closing quote
  assert.equal(pos(get(doc, 'Statement')!.span), [3, col('[{'), 3, col('}]') + 2]);
  assert.equal(pos(get(doc, 'Statement', 0)!.span), [3, col('{\\"Effect'), 3, col('}]') + 1]);
  const action = get(doc, 'Statement', 0, 'Action')!;
  assert.equal(pos(action.span), [3, col('\\"sts:'), 3, col('\\"sts:') + 33]);
});

test('JSON in a JSON string: errors and doubly nested strings', () => {
  const outer = ok('{"P": "{\\"a\\" 1}"}');
  const r = parseJsonInString(get(outer, 'P') as PScalar, 'f.json');
  assert.equal(r.error, { message: `unexpected character '1' (expected ':' after key "a")`, line: 1, column: 15, endLine: 1, endColumn: 16 });
  const eof = parseJsonInString(get(ok('{"P": "{\\"a\\":"}'), 'P') as PScalar, 'f.json');
  assert.equal(pos(eof.error!), [1, 15, 1, 15]); // at the closing quote
  // A string inside the inner document that itself has escapes: `\"x\\\"y\"` holds x"y.
  const nested = ok('["{\\"k\\":\\"x\\\\\\"y\\"}"]');
  const inner = parseJsonInString(get(nested, 0) as PScalar, 'f.json').node!;
  const k = get(inner, 'k') as PScalar;
  assert.is(k.value, 'x"y');
  assert.equal(pos(k.span), [1, 10, 1, 20]);
  assert.equal(pos(posSpan(k.inner!, 1, 2)), [1, 13, 1, 17]); // the escaped quote `\\\"`
});

test('JSON in a JSON string: a pretty-printed inner document stays on the source line', () => {
  const outer = ok('{"P": "{\\n  \\"a\\": true\\n}"}');
  const doc = parseJsonInString(get(outer, 'P') as PScalar, 'f.json').node!;
  assert.equal(toJS(doc), { a: true });
  assert.equal(pos(doc.span), [1, 8, 1, 27]);
  assert.equal(pos(keyOf(doc, 'a').span), [1, 13, 1, 18]);
  assert.equal(pos(get(doc, 'a')!.span), [1, 20, 1, 24]);
});

test('agrees with JSON.parse on generated documents', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const gen = (d: number): unknown => {
    const k = rnd(d > 3 ? 4 : 6);
    if (k === 0) return rnd(2) === 0 ? rnd(100000) / 8 - 50 : null;
    if (k === 1) return rnd(2) === 0;
    if (k === 2 || k === 3) return String.fromCharCode(...Array.from({ length: rnd(8) }, () => [34, 92, 10, 9, 47, 233, 0x1f600 & 0xffff, 65][rnd(8)]));
    if (k === 4) return Array.from({ length: rnd(4) }, () => gen(d + 1));
    return Object.fromEntries(Array.from({ length: rnd(4) }, (_, i) => [`k${i}${rnd(3)}`, gen(d + 1)]));
  };
  for (let i = 0; i < 200; i++) {
    const v = gen(0);
    const text = JSON.stringify(v, null, i % 2 ? 2 : undefined);
    assert.equal(toJS(ok(text)), JSON.parse(text));
  }
});

test('JSON in a string without an inner map: offset from the token', () => {
  const file = 't.yaml';
  const value = '{"a": 1}';
  const quoted: PScalar = { type: 'scalar', value, span: { file, line: 4, column: 10, endLine: 4, endColumn: 20 } };
  const q = parseJsonInString(quoted, file).node!;
  assert.equal(pos(q.span), [4, 11, 4, 19]);
  assert.equal(pos(keyOf(q, 'a').span), [4, 12, 4, 15]);
  assert.equal(pos(get(q, 'a')!.span), [4, 17, 4, 18]);
  const plain: PScalar = { type: 'scalar', value, span: { file, line: 4, column: 10, endLine: 4, endColumn: 18 } };
  assert.equal(pos(get(parseJsonInString(plain, file).node, 'a')!.span), [4, 16, 4, 17]);
  const bad = parseJsonInString({ ...quoted, value: '{"a" 1}' }, file);
  assert.equal(pos(bad.error!), [4, 16, 4, 17]);
  const notString = parseJsonInString({ ...quoted, value: 3 }, file);
  assert.equal(pos(notString.error!), [4, 10, 4, 20]);
});

test('URL-encoded documents', () => {
  assert.is(decodeMaybeUrlEncoded('%7B%22a%22%3A1%7D'), '{"a":1}');
  assert.is(decodeMaybeUrlEncoded('%7b%22a%22%3a%5B%5D%7d'), '{"a":[]}');
  assert.is(decodeMaybeUrlEncoded('{"a":1}'), undefined);
  assert.is(decodeMaybeUrlEncoded('%7B%ZZ'), undefined);
  const span: Span = { file: 'r.json', line: 2, column: 5, endLine: 2, endColumn: 60 };
  const encoded = encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}');
  const r = parseJsonInString({ type: 'scalar', value: encoded, span }, 'r.json');
  assert.is(r.error, undefined);
  assert.is(toJS(get(r.node, 'Statement', 0, 'Effect')), 'Allow');
  assert.equal(get(r.node, 'Statement', 0, 'Effect')!.span, span);
  assert.equal(keyOf(r.node, 'Version').span, span);
});

test('a 5 MB document parses with exact positions (speed is measured by npm run bench)', () => {
  const item = (i: number) => `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.example.com\\/id"},"Action":["sts:AssumeRoleWithWebIdentity"],"n":${i}}`;
  const text = '[\n' + Array.from({ length: 33_000 }, (_, i) => item(i)).join(',\n') + '\n]';
  assert.ok(text.length > 5_000_000);
  const r = parseJson(text, 'big.json');
  assert.is(r.error, undefined);
  assert.equal(pos(get(r.node, 32_999, 'n')!.span)[0], 33_001);
});

test.run();
