/** Position maps of decoded strings: runs, joins, slices, and the plain-data round trip. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { posFixed, posFromCharSpans, posSlice, posSpan } from '../../src/model/posmap.js';
import type { Span } from '../../src/model/span.js';
import { LineIndex } from '../../src/eval/positions.js';
import { decodedPiece, joinPieces, opaquePiece, sourcePiece } from '../../src/eval/value.js';

const pos = (s: Span) => [s.line, s.column, s.endLine, s.endColumn];

test('a map from character spans: every range is the start of its first and the end of its last character', () => {
  // "a\nb": `a` at 1:2, the escape `\n` at 1:3-1:5, `b` at 1:5; then "cd" on line 2.
  const chars: Span[] = [
    { file: 'f', line: 1, column: 2, endLine: 1, endColumn: 3 },
    { file: 'f', line: 1, column: 3, endLine: 1, endColumn: 5 },
    { file: 'f', line: 1, column: 5, endLine: 1, endColumn: 6 },
    { file: 'f', line: 2, column: 1, endLine: 2, endColumn: 2 },
    { file: 'f', line: 2, column: 2, endLine: 2, endColumn: 3 },
  ];
  const whole = { file: 'f', line: 1, column: 1, endLine: 2, endColumn: 4 };
  const m = posFromCharSpans('f', chars.length, (k) => chars[k], whole);
  for (let a = 0; a < chars.length; a++) {
    for (let b = a + 1; b <= chars.length; b++) {
      assert.equal(pos(posSpan(m, a, b)), [chars[a].line, chars[a].column, chars[b - 1].endLine, chars[b - 1].endColumn], `${a}..${b}`);
    }
  }
  assert.equal(pos(posSpan(m, 1, 1)), [1, 3, 1, 3], 'empty range: a point at the character');
  assert.equal(pos(posSpan(m, 5, 5)), [2, 3, 2, 3], 'empty range at the end: after the last character');
  assert.equal(pos(posSpan(m, -4, 99)), [1, 2, 2, 3], 'clamped to the string');
  assert.ok(m.runs.length / 6 <= 4, 'consecutive characters share a run');
});

test('fixed runs: every character is the whole substituted span, also for an empty range', () => {
  const s = { file: 'f', line: 3, column: 7, endLine: 3, endColumn: 20 };
  const m = posFixed(s, 5);
  assert.equal(posSpan(m, 1, 3), s);
  assert.equal(posSpan(m, 2, 2), s);
  assert.equal(posSpan(posFixed(s, 0), 0, 0), s, 'an empty string maps to its whole span');
});

test('joined pieces and slices agree with the pieces they are made of', () => {
  const lines = new LineIndex('const x = `ab${y}c\\nd`;\nnext', 't.ts');
  const p1 = sourcePiece(lines, 11, 13); // "ab"
  const p2 = opaquePiece('${y}', lines.span(13, 17), true);
  const p3 = decodedPiece(lines, 'c\nd', [17, 18, 20, 21]); // c, the escape \n, d
  const s = joinPieces([p1, p2, p3], lines.span(10, 22));
  assert.is(s.value, 'ab${y}c\nd');
  const m = s.inner!;
  assert.equal(pos(posSpan(m, 0, 2)), [1, 12, 1, 14], '"ab"');
  assert.equal(pos(posSpan(m, 2, 6)), [1, 14, 1, 18], 'the substitution');
  assert.equal(pos(posSpan(m, 3, 4)), [1, 14, 1, 18], 'inside the substitution: all of it');
  assert.equal(pos(posSpan(m, 7, 8)), [1, 19, 1, 21], 'the escape is two source characters');
  assert.equal(pos(posSpan(m, 1, 9)), [1, 13, 1, 22]);
  const sl = posSlice(m, 1, 8);
  for (let a = 0; a < 7; a++) for (let b = a + 1; b <= 7; b++) assert.equal(posSpan(sl, a, b), posSpan(m, a + 1, b + 1), `slice ${a}..${b}`);
});

test('source text across lines: a newline ends where the next line starts', () => {
  const lines = new LineIndex('x = <<EOF\nab\ncd\nEOF\n', 'm.tf');
  const p = sourcePiece(lines, 10, 16); // "ab\ncd\n"
  assert.equal(pos(posSpan(p.map, 0, 3)), [2, 1, 3, 1]);
  assert.equal(pos(posSpan(p.map, 3, 5)), [3, 1, 3, 3]);
  assert.equal(pos(posSpan(p.map, 0, 6)), [2, 1, 4, 1]);
});

test('plain data: a structured clone and a JSON round trip give the same map', () => {
  const chars = (k: number): Span => ({ file: 'x.yaml', line: 4 + (k >> 2), column: 3 + (k & 3) * 2, endLine: 4 + (k >> 2), endColumn: 4 + (k & 3) * 2 });
  const m = posFromCharSpans('x.yaml', 11, chars, { file: 'x.yaml', line: 4, column: 1, endLine: 7, endColumn: 1 });
  for (const back of [structuredClone(m), JSON.parse(JSON.stringify(m))]) {
    for (let a = 0; a <= 11; a++) for (let b = a; b <= 11; b++) assert.equal(posSpan(back, a, b), posSpan(m, a, b));
  }
});

test.run();
