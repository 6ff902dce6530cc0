/**
 * The access map formatters on made-up maps: text that fits a width, labels that could break
 * Mermaid, DOT or Markdown (quotes, `#`, `<`, `|`, backticks, line breaks, templates), all still
 * parsed by Mermaid and Graphviz; colours only when asked.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDot } from '../../src/map/format/dot.js';
import { cell, code, formatMapMarkdown } from '../../src/map/format/markdown.js';
import { formatMermaid, mermaidLabel } from '../../src/map/format/mermaid.js';
import { fitWidths, wrapText } from '../../src/map/format/table.js';
import { formatMapText } from '../../src/map/format/text.js';
import { mapGraph } from '../../src/map/graph.js';
import type { AccessMap, AccessRow } from '../../src/map/types.js';
import { dotSvg, mermaidParse } from './helpers.js';

const span = (file: string, line: number) => ({ file, line, column: 3, endLine: line, endColumn: 9 });

function row(over: Partial<AccessRow>): AccessRow {
  return {
    id: 'x',
    namespace: 'team',
    workload: { kind: 'Deployment', name: 'app', file: 'k8s/app.yaml' },
    container: 'app',
    init: false,
    serviceAccount: 'app',
    role: 'arn:aws:iam::111122223333:role/app',
    path: 'webhook',
    verdict: 'trusted',
    chain: { botocore: 'used', jsv3: 'used' },
    links: [{ kind: 'role', verdict: 'trusted', rules: [], notes: [], locations: [{ label: 'role-arn annotation', span: span('k8s/app.yaml', 7) }] }],
    ...over,
  };
}

const NASTY = 'we"ird #1 <b>x</b> & | `t` {{ .Values.name }}\nnext';

const nasty: AccessMap = {
  rows: [
    row({ id: 'a', namespace: NASTY, workload: { kind: 'Deployment', name: NASTY, file: 'k8s/a.yaml' }, serviceAccount: NASTY, role: `arn:aws:iam::111122223333:role/${NASTY}` }),
    row({ id: 'b', verdict: 'not-trusted', path: 'static-keys', role: undefined, serviceAccount: undefined }),
    row({ id: 'c', verdict: 'unknown', role: undefined, path: 'projected-token-manual' }),
  ],
  wideTrust: [{ role: 'arn:aws:iam::111122223333:role/app', statement: 0, scope: 'cluster', description: 'admits any ServiceAccount of the cluster (no "sub" condition)', location: span('iam/app.json', 9), usedBy: ['a'] }],
  files: 2,
};

test('Mermaid labels: quotes, #, <, >, & and line breaks become entity codes', () => {
  assert.is(mermaidLabel('a"b#c<d>e&f\ng'), '"a#34;b#35;c#60;d#62;e#38;f g"');
});

test('labels that could break Mermaid or DOT still parse and render', () => {
  const g = mapGraph(nasty);
  const mmd = formatMermaid(g);
  const dot = formatDot(g);
  const empty = formatMermaid(mapGraph({ rows: [], wideTrust: [], files: 0 }));
  const [a, b] = mermaidParse([mmd, empty]);
  assert.equal(a, { ok: true, type: 'flowchart-v2' }, a.error);
  assert.equal(b, { ok: true, type: 'flowchart-v2' }, b.error);
  assert.not.match(mmd, /<b>/, 'no markup passes through');
  const svg = dotSvg(dot);
  assert.ok(svg.includes('we&quot;ird #1 &lt;b&gt;x&lt;/b&gt; &amp; | `t` {{ .Values.name }} next'), 'the label is drawn as written');
  assert.match(dotSvg(formatDot(mapGraph({ rows: [], wideTrust: [], files: 0 }))), /no workload gets AWS credentials/);
});

test('a Mermaid parse error is reported, so the check can fail', () => {
  const [r] = mermaidParse(['flowchart LR\n  a["x"] -->|"y| b\n']);
  assert.is(r.ok, false);
  assert.ok(r.error && r.error.length > 0);
});

test('Markdown: cells and code spans hold any text', () => {
  assert.is(cell('a|b\nc<d>'), 'a\\|b c&lt;d&gt;');
  assert.is(code('x`y'), '``x`y``');
  assert.is(code('`x'), '`` `x ``');
  const md = formatMapMarkdown(nasty);
  const tableLine = md.split('\n').find((l) => l.startsWith('| we'))!;
  assert.is(tableLine.split(/(?<!\\)\|/).length, 11, 'nine cells, pipes escaped');
});

test('text: wraps wide cells to the width, colours only when asked', () => {
  assert.equal(wrapText('arn:aws:iam::111122223333:role/very-long-role-name', 20), ['arn:aws:iam::', '111122223333:role/', 'very-long-role-name']);
  assert.equal(wrapText('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  assert.equal(fitWidths([{ title: 'A' }, { title: 'B', wrap: true, min: 4 }], [['xx', 'yyyyyyyyyy']], 10), [2, 6]);
  const wide: AccessMap = { rows: [row({ role: 'arn:aws:iam::111122223333:role/a-role-name-that-is-much-longer-than-the-column-allows' })], wideTrust: [], files: 1 };
  const text = formatMapText(wide, { width: 100 });
  const table = text.split('\n\n')[1].split('\n');
  assert.ok(table.every((l) => l.length <= 100), table.join('\n'));
  assert.ok(table.length > 2, 'the role wraps');
  assert.not.match(text, /\x1b\[/);
  assert.match(formatMapText(wide, { width: 100, color: true }), /\x1b\[32mtrusted/);
});

test.run();
