/** The one edit-distance function behind every "did you mean" and near-miss check. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { editDistance } from '../src/edit-distance.js';

const CASES: [string, string, number | undefined, number][] = [
  ['', '', undefined, 0],
  ['role-arn', 'role-arn', undefined, 0],
  ['rolearn', 'role-arn', undefined, 1],
  ['role_arn', 'role-arn', undefined, 1],
  ['kitten', 'sitting', undefined, 3],
  ['StringEqual', 'StringEquals', 2, 1],
  ['kitten', 'sitting', 2, 3], // capped: max + 1
  ['a', 'abcdef', 2, 3], // length difference alone exceeds the cap
  ['stringequals', 'StringEquals', undefined, 2],
];

for (const [a, b, max, expected] of CASES) {
  test(`editDistance(${JSON.stringify(a)}, ${JSON.stringify(b)}${max === undefined ? '' : `, ${max}`}) = ${expected}`, () => {
    assert.is(editDistance(a, b, max), expected);
    assert.is(editDistance(b, a, max), expected, 'symmetric');
  });
}

test.run();
