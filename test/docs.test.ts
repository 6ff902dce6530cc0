/** Rule documentation: docs/rules is current, explain shows examples from fixtures, init writes a valid configuration. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../src/api.js';
import { parseConfig } from '../src/config/load.js';
import * as docs from '../src/docs.js';
// scripts/gen-docs.mjs is plain JavaScript; it receives the modules so that it needs no loader here.
import { compareDocs, renderDocs } from '../scripts/gen-docs.mjs';
import { ROOT } from './helpers.js';

const TOKEN = RULES.find((r) => r.meta.id === 'k8s/token-expiration-minimum')!;

test('docs/rules is up to date with rule metadata and fixtures (node scripts/gen-docs.mjs)', async () => {
  const rendered = await (renderDocs as (m: unknown) => Promise<{ pages: Map<string, string>; note: string }>)({ docs, RULES });
  assert.is(rendered.pages.size, RULES.length + 2, 'one page per rule, the index, and the project README table');
  const problems = (compareDocs as (r: unknown) => { file: string; problem: string }[])(rendered);
  assert.equal(problems.map((p) => `docs/rules/${p.file}: ${p.problem}`), []);
});

test('every rule has a page and an index row; pages carry the metadata', () => {
  const readme = docs.rulesReadmeMarkdown(RULES);
  for (const r of RULES) assert.ok(readme.includes(`[\`${r.meta.id}\`](${r.meta.id}.md) | ${r.meta.severity} |`), r.meta.id);
  const page = docs.ruleDocMarkdown(TOKEN, docs.ruleExamples(TOKEN.meta.id, ROOT));
  for (const s of ['# `k8s/token-expiration-minimum`', '| Default level | `error` |', '## What it checks', '## Why it matters', '## How to fix', '### Reported', '### Not reported', '## Messages', '## References', '(../README.md#suppressing-findings)']) {
    assert.ok(page.includes(s), s);
  }
});

test('examples: the first invalid case around its first finding, the first valid case', () => {
  const ex = docs.ruleExamples('k8s/token-expiration-minimum', ROOT);
  assert.is(ex.bad?.caseDir, 'fixtures/k8s/token-expiration-minimum/invalid-short-in-deployment');
  assert.is(ex.bad?.file, 'deployment.yaml');
  assert.equal(ex.bad?.mark, { line: 19, column: 38 });
  assert.is(ex.bad?.firstLine, 14);
  assert.is(ex.bad?.lines.length, 7, 'the window stops at the document marker');
  assert.equal(ex.bad?.output, ['deployment.yaml:19:38  error  projected token expirationSeconds 300 is below the minimum of 600  k8s/token-expiration-minimum']);
  assert.is(ex.good?.caseDir, 'fixtures/k8s/token-expiration-minimum/valid-default-and-long');
  assert.ok(ex.good?.lines.some((l) => l.includes('expirationSeconds: 600')), 'the good example shows the same key');
  assert.equal(docs.ruleExamples('no/such-rule', ROOT), {});
});

test('explain: full help, the marked bad example with its output, the good example', () => {
  const text = docs.explainText(TOKEN, docs.ruleExamples(TOKEN.meta.id, ROOT));
  assert.ok(text.startsWith('k8s/token-expiration-minimum  (default level: error; problem)\n'));
  for (const s of ['What it checks:', 'Why it matters:', 'How to fix:', 'Documentation: https://', 'Reported (fixtures/k8s/token-expiration-minimum/invalid-short-in-deployment/deployment.yaml):', 'Not reported (']) {
    assert.ok(text.includes(s), s);
  }
  assert.ok(text.includes('  > 19 |                   expirationSeconds: 300\n       |                                      ^\n'), 'the line is marked and the column has a caret');
  assert.ok(text.includes('  deployment.yaml:19:38  error  projected token expirationSeconds 300'));
});

test('long lines are cut around the finding', () => {
  const long = `${'x'.repeat(300)}TARGET${'y'.repeat(300)}`;
  const out = docs.renderExampleText({ caseDir: 'c', file: 'f.json', language: 'json', firstLine: 1, lines: [long], mark: { line: 1, column: 301 }, output: [] });
  const [code, caret] = out.split('\n');
  assert.ok(code.length < 160);
  assert.ok(code.includes('TARGET'));
  assert.is(caret.indexOf('^') - caret.indexOf('|') - 2, code.indexOf('TARGET') - code.indexOf('|') - 2);
});

test('rules list: text, json, markdown', () => {
  const text = docs.formatRulesList(RULES, 'text');
  assert.is(text.trim().split('\n').length, RULES.length);
  assert.match(text, /^k8s\/token-expiration-minimum\s+error\s+Require projected/m);
  const json = JSON.parse(docs.formatRulesList(RULES, 'json')) as { id: string; severity: string; helpUri: string }[];
  assert.equal(json.map((r) => r.id), [...RULES.map((r) => r.meta.id)].sort());
  assert.ok(json.every((r) => r.helpUri.endsWith(`/docs/rules/${r.id}.md`)));
  assert.match(docs.formatRulesList(RULES, 'markdown'), /^\| rule \| default \| what it catches \|$/m);
});

test('init: the starting configuration is valid and lists every rule', () => {
  const text = docs.initConfigText(RULES);
  const c = parseConfig(text, '/repo/.irsa-lint.yaml', '.irsa-lint.yaml', RULES);
  assert.is(c.extends, 'recommended');
  assert.is(c.failOn, 'error');
  for (const r of RULES) assert.ok(text.includes(`#   ${r.meta.id}:`), r.meta.id);
  // Uncommenting the examples gives a valid configuration too.
  const uncommented = text
    .split('\n')
    .filter((l) => !/^# [A-Z(]|^# yaml-language-server|^# irsa-lint|^# Globs|^# recommended|^# strict/.test(l))
    .map((l) => l.replace(/^# ?/, ''))
    .join('\n');
  const all = parseConfig(uncommented, '/repo/.irsa-lint.yaml', '.irsa-lint.yaml', RULES);
  assert.is(all.maxWarnings, 0);
  assert.is(Object.keys(all.rules).length, RULES.length);
  assert.is(all.ignore.length, 1);
  assert.ok(all.facts?.oidcProviders?.length);
});


test('the configuration example in the project README is a valid configuration', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```yaml\n(extends:[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README has a yaml block starting with extends:');
  const cfg = parseConfig(block!, path.join(ROOT, '.irsa-lint.yaml'), '.irsa-lint.yaml', RULES);
  assert.ok(cfg, 'parsed');
});

test('irsa-lint init prints the same workflow and pre-commit snippets as docs/integrations.md', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { WORKFLOW_SNIPPET, PRE_COMMIT_SNIPPET } = await import('../src/config/commands.js');
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'integrations.md'), 'utf8');
  assert.ok(doc.includes(WORKFLOW_SNIPPET), 'workflow snippet');
  assert.ok(doc.includes(PRE_COMMIT_SNIPPET.split('\n').slice(1).join('\n')), 'pre-commit snippet');
});

test('irsa-lint init prints the same Helm chart hook and workflow steps as docs/integrations.md', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { helmPreCommitSnippet, helmWorkflowSnippet } = await import('../src/config/commands.js');
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'integrations.md'), 'utf8');
  assert.ok(doc.includes(`\`\`\`yaml\n${helmPreCommitSnippet('demo', 'charts/demo')}\`\`\``), 'pre-commit hook for a chart');
  assert.ok(doc.includes(`\`\`\`yaml\n${helmWorkflowSnippet('demo', 'charts/demo')}\`\`\``), 'workflow steps for a chart');
});

test.run();
