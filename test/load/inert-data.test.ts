/**
 * ConfigMap block scalars that no rule reads (no AWS word in key or text) are blanked before the
 * parse (`blankInertData` in src/load/yaml.ts): the tree is the same, position for position, except
 * that those values are unknown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PNode } from '../../src/model/pnode.js';
import { blankInertData, parseYaml } from '../../src/load/yaml.js';
import { ROOT } from '../helpers.js';

const CM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: shop
data:
  LOG_FORMAT: json
  application.yaml: |
    server:
      port: 8080

    feature: on
  aws.ini: |-
    [default]
    region = eu-west-1
  notes: >
    see the runbook
  AWS_SECRET_ACCESS_KEY: |
    wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  keys: |
    AKIAIOSFODNN7EXAMPLE
nested:
  inner: |
    not under data
`;

function entries(node: PNode | undefined, key: string): Record<string, PNode> {
  const m = node?.type === 'map' ? node.entries.find((e) => e.key.value === key)?.value : undefined;
  const out: Record<string, PNode> = {};
  if (m?.type === 'map') for (const e of m.entries) out[String(e.key.value)] = e.value;
  return out;
}

test('inert block scalars under data become unknown, with the span of their header; AWS text and keys are kept', () => {
  const r = parseYaml(CM, 'cm.yaml');
  assert.equal(r.problems, []);
  const data = entries(r.docs[0].node, 'data');
  const show = (k: string) => {
    const n = data[k];
    return n.type === 'scalar' ? [n.value, !!n.unknown, `${n.span.line}:${n.span.column}-${n.span.endLine}:${n.span.endColumn}`] : n.type;
  };
  assert.equal(show('LOG_FORMAT'), ['json', false, '7:15-7:19']);
  assert.equal(show('application.yaml'), ['', true, '8:21-12:16']);
  assert.equal(show('aws.ini'), ['[default]\nregion = eu-west-1', false, '13:12-15:23']);
  assert.equal(show('notes'), ['', true, '16:10-17:20']);
  // The key names an AWS setting: kept, although its text has no AWS word.
  assert.equal(show('AWS_SECRET_ACCESS_KEY'), ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', false, '18:26-19:45']);
  assert.equal(show('keys'), ['AKIAIOSFODNN7EXAMPLE\n', false, '20:9-21:25']);
  // Only ConfigMap data: other top-level keys are not touched.
  const nested = entries(r.docs[0].node, 'nested');
  assert.equal(nested.inner.type === 'scalar' && nested.inner.value, 'not under data\n');
});

test('lines and offsets after a blanked body are unchanged', () => {
  const b = blankInertData(CM)!;
  assert.ok(b);
  assert.equal(b.text.split('\n').length, CM.split('\n').length);
  const before = CM.split('\n');
  const after = b.text.split('\n');
  // The changed lines are exactly the inert bodies: emptied, the last one spaces and one character.
  const changed = before.map((l, i) => (after[i] === l ? '' : `${i + 1}:${JSON.stringify(after[i])}`)).filter((x) => x !== '');
  assert.equal(changed, ['9:""', '10:""', `12:${JSON.stringify(' '.repeat(14) + 'x')}`, `17:${JSON.stringify(' '.repeat(18) + 'x')}`]);
  assert.equal(after.map((l) => l.length).slice(11, 12), [before[11].length]);
});

test('not blanked: other kinds, explicit indentation, anchors and tags, tabs, flow data, CRLF kept as CRLF', () => {
  assert.equal(blankInertData(CM.replace('kind: ConfigMap', 'kind: Secret')), undefined);
  assert.equal(blankInertData('kind: ConfigMap\ndata:\n  a: |2\n    x\n'), undefined);
  assert.equal(blankInertData('kind: ConfigMap\ndata:\n  a: &x |\n    x\n'), undefined);
  assert.equal(blankInertData('kind: ConfigMap\ndata:\n  a: !!str |\n    x\n'), undefined);
  assert.equal(blankInertData('kind: ConfigMap\ndata:\n\ta: |\n    x\n'), undefined);
  assert.equal(blankInertData('kind: ConfigMap\ndata: {a: "x"}\n'), undefined);
  // A line less indented than the first content line ends the scalar (and is the parser's to judge).
  const shallow = 'kind: ConfigMap\ndata:\n  a: |\n      deep\n    shallow\n';
  assert.equal(blankInertData(shallow)!.text, `kind: ConfigMap\ndata:\n  a: |\n${' '.repeat(9)}x\n    shallow\n`);
  assert.equal(parseYaml(shallow, 'f.yaml').problems, parseYaml(shallow, 'f.yaml', undefined, { blankInert: false }).problems);
  assert.ok(parseYaml(shallow, 'f.yaml').problems.length > 0);
  // Leading blank lines wider than the content are left to the parser.
  assert.equal(blankInertData('kind: ConfigMap\ndata:\n  a: |\n        \n    x\n'), undefined);
  const crlf = blankInertData('kind: ConfigMap\r\ndata:\r\n  a: |\r\n    one\r\n    two\r\n  b: y\r\n')!;
  assert.equal(crlf.text, 'kind: ConfigMap\r\ndata:\r\n  a: |\r\n\r\n      x\r\n  b: y\r\n');
});

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The tree with every unknown scalar of `blanked` replaced by the original's node at the same place. */
function sameExceptInert(full: PNode, blanked: PNode, where: string, inert: string[]): void {
  if (blanked.type === 'scalar' && blanked.unknown && blanked.value === '' && !(full.type === 'scalar' && full.value === '')) {
    assert.equal(blanked.span, full.span, where);
    inert.push(full.type === 'scalar' ? String(full.value) : '');
    return;
  }
  assert.equal(blanked.type, full.type, where);
  assert.equal(blanked.span, full.span, where);
  if (full.type === 'map' && blanked.type === 'map') {
    assert.equal(blanked.entries.length, full.entries.length, where);
    full.entries.forEach((e, i) => {
      assert.equal(blanked.entries[i].key, e.key, where);
      sameExceptInert(e.value, blanked.entries[i].value, `${where}.${String(e.key.value)}`, inert);
    });
  } else if (full.type === 'seq' && blanked.type === 'seq') {
    assert.equal(blanked.items.length, full.items.length, where);
    full.items.forEach((n, i) => sameExceptInert(n, blanked.items[i], `${where}[${i}]`, inert));
  } else assert.equal(blanked, full, where);
}

test('fixtures, examples and corpus: the same trees and problems, except inert values, which hold no AWS word', () => {
  let blankedValues = 0;
  const files = [...yamlFiles(path.join(ROOT, 'fixtures')), ...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(path.join(ROOT, '..', 'shared', 'corpus'))];
  assert.ok(files.length > 100, `${files.length} files`);
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const full = parseYaml(text, f, undefined, { blankInert: false });
    const fast = parseYaml(text, f);
    assert.equal(fast.problems, full.problems, f);
    assert.equal(fast.docs.length, full.docs.length, f);
    const inert: string[] = [];
    fast.docs.forEach((d, i) => sameExceptInert(full.docs[i].node, d.node, `${f}#${i}`, inert));
    for (const v of inert) assert.not.match(v, /aws|akia|asia|arn|role|token|identity|profile|credential|region|sts/i, f);
    blankedValues += inert.length;
  }
  // The fixtures hold such values (webhook/token-file-without-role-arn): the comparison is not vacuous.
  assert.ok(blankedValues >= 1, `${blankedValues} blanked values`);
});

test.run();
