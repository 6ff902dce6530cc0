import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBody, scanComments } from '../../src/suppress/comments.js';
import { splitAnnotation } from '../../src/suppress/apply.js';

const brief = (text: string) => scanComments(text, 'f.yaml').map((d) => ({ form: d.form, rules: d.rules, reason: d.reason, at: `${d.span.line}:${d.span.column}`, target: d.targetLine, ruleAt: d.ruleSpans.map((s) => `${s.line}:${s.column}-${s.endColumn}`) }));

test('the three forms, rule lists and reasons', () => {
  const text = [
    '# irsa-lint-disable k8s/a -- whole file',
    'a: 1',
    '# irsa-lint-disable-next-line k8s/a, k8s/b irsa/c -- reason with -- inside',
    'b: 2',
    'c: 3  # irsa-lint-disable-line parse/syntax',
    '  #irsa-lint-disable-line k8s/*--not a separator -- ok',
    '',
  ].join('\n');
  assert.equal(brief(text), [
    { form: 'file', rules: ['k8s/a'], reason: 'whole file', at: '1:1', target: 0, ruleAt: ['1:21-26'] },
    { form: 'next-line', rules: ['k8s/a', 'k8s/b', 'irsa/c'], reason: 'reason with -- inside', at: '3:1', target: 4, ruleAt: ['3:31-36', '3:38-43', '3:44-50'] },
    { form: 'line', rules: ['parse/syntax'], reason: '', at: '5:7', target: 5, ruleAt: ['5:32-44'] },
    { form: 'line', rules: ['k8s/*--not', 'a', 'separator'], reason: 'ok', at: '6:3', target: 6, ruleAt: ['6:27-37', '6:38-39', '6:40-49'] },
  ]);
});

test('next-line skips blank lines and comment lines', () => {
  const text = ['# irsa-lint-disable-next-line k8s/a -- r', '', '# another comment', '# irsa-lint-disable-next-line k8s/b -- r', 'key: value', ''].join('\n');
  assert.equal(brief(text).map((d) => d.target), [5, 5]);
  assert.equal(brief('# irsa-lint-disable-next-line k8s/a -- r\n').map((d) => d.target), [-1], 'nothing follows');
});

test('text that is not a YAML comment is never a directive', () => {
  const text = [
    'data:',
    '  script: |',
    '    # irsa-lint-disable-next-line k8s/a -- inside a block scalar',
    '    echo hi',
    '  quoted: "x # irsa-lint-disable-line k8s/a -- inside a string"',
    "  single: 'x # irsa-lint-disable-line k8s/a -- inside a string'",
    '  plain: x#irsa-lint-disable-line k8s/a',
    '# irsa-lint-disabled k8s/a -- not the keyword',
    '# see irsa-lint-disable k8s/a -- not at the start of the comment',
    '',
  ].join('\n');
  assert.equal(brief(text), []);
});

test('files without the marker are not lexed; CRLF line ends work', () => {
  assert.equal(scanComments('a: 1\n', 'f.yaml'), []);
  assert.equal(brief('a: 1 # irsa-lint-disable-line k8s/a -- r\r\nb: 2\r\n').map((d) => [d.at, d.reason, d.target]), [['1:6', 'r', 1]]);
});

test('parseBody', () => {
  assert.equal(parseBody(' a/b,c/d -- why'), { rules: ['a/b', 'c/d'], reason: 'why' });
  assert.equal(parseBody(' -- only a reason'), { rules: [], reason: 'only a reason' });
  assert.equal(parseBody(''), { rules: [], reason: '' });
  assert.equal(parseBody(' a/b --'), { rules: ['a/b'], reason: '' });
});

test('annotation values: rule=reason entries, commas inside reasons', () => {
  assert.equal(splitAnnotation('k8s/a=legacy, will fix,irsa/b=other, k8s/c'), [
    { rule: 'k8s/a', reason: 'legacy, will fix', start: 0, end: 22 },
    { rule: 'irsa/b', reason: 'other', start: 23, end: 35 },
    { rule: 'k8s/c', reason: '', start: 37, end: 42 },
  ]);
  assert.equal(splitAnnotation(''), []);
  assert.equal(splitAnnotation(' k8s/* = all of them '), [{ rule: 'k8s/*', reason: 'all of them', start: 1, end: 20 }]);
});

test.run();
