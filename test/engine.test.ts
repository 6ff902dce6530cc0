/** The finding factory: messages from rule templates, strict placeholders, unknown message ids. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFinding, interpolate, MessageError } from '../src/engine/finding.js';
import type { RuleMeta } from '../src/engine/types.js';

const META: RuleMeta = {
  id: 'test/rule',
  type: 'problem',
  severity: 'error',
  docs: { description: 'd', whatItChecks: 'w', whyItMatters: 'y', howToFix: 'h' },
  appliesTo: [],
  messages: { bad: 'value "{{value}}" is not {{ expected }}' },
};
const AT = { file: 'a.yaml', line: 2, column: 3, endLine: 2, endColumn: 9 };

test('a finding carries the rendered message, both locations and the subject', () => {
  const f = createFinding(META, { messageId: 'bad', data: { value: 'x', expected: 42 }, severity: 'warning', at: { span: AT }, related: [{ at: AT, label: 'other end' }], subject: 'k8s:Pod/a/b' });
  assert.equal(f, {
    ruleId: 'test/rule',
    messageId: 'bad',
    message: 'value "x" is not 42',
    severity: 'warning',
    location: AT,
    related: [{ location: AT, label: 'other end' }],
    subject: 'k8s:Pod/a/b',
    fingerprint: '',
  });
});

test('a placeholder without data is kept as written, or an error in strict mode', () => {
  assert.is(interpolate('a {{b}} c', {}), 'a {{b}} c');
  assert.throws(() => interpolate('a {{b}} c', {}, true), (e: unknown) => e instanceof MessageError && e.message === 'no data for placeholder {{b}} in "a {{b}} c"');
  assert.throws(() => createFinding(META, { messageId: 'bad', data: { value: 'x' }, severity: 'error', at: AT, subject: 's' }, true), /\{\{expected\}\}/);
});

test('an unknown message id is an error', () => {
  assert.throws(() => createFinding(META, { messageId: 'nope', severity: 'error', at: AT, subject: 's' }), /reported unknown messageId "nope"/);
});

test.run();
