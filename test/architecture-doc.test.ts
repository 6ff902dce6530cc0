/**
 * docs/architecture.md cannot rot silently: every repository path it names in backticks or in its
 * Mermaid diagram (`src/…`, `rules/…`, `test/…`, `fixtures/…`, `scripts/…`, `docs/…`,
 * `schemas/…`) exists, as a directory when written with a trailing `/`, as a file otherwise; the
 * diagram parses; the README and docs/writing-rules.md link to the page. A path with a placeholder
 * (`rules/<domain>/<name>.ts`, `fixtures/<rule-id>/valid-*`) is checked up to the placeholder.
 * The checker is run on a made-up page first, so that a path that does not exist is known to fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.js';
import { mermaidParse } from './map/helpers.js';

const DOC = 'docs/architecture.md';
const PREFIXES = ['src/', 'rules/', 'test/', 'fixtures/', 'scripts/', 'docs/', 'schemas/'];
const FENCE = /^```(\w*)\n([\s\S]*?)^```$/gm;

/** The bodies of the page's fenced blocks of one language. */
function fenced(markdown: string, language: string): string[] {
  return [...markdown.matchAll(FENCE)].filter((m) => m[1] === language).map((m) => m[2]);
}

/** Repository paths in inline code spans (outside fenced blocks) and in the Mermaid diagrams, in order. */
function mentionedPaths(markdown: string): string[] {
  const isPath = (s: string) => PREFIXES.some((p) => s.startsWith(p)) && !/\s/.test(s);
  const prose = markdown.replace(FENCE, '');
  const inline = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).filter(isPath);
  const inDiagrams = fenced(markdown, 'mermaid').flatMap((d) => [...d.matchAll(/(?<![\w./-])(?:src|rules|test)\/[\w./-]*[\w/]/g)].map((m) => m[0]));
  return [...inline, ...inDiagrams];
}

/** The part of a path that must exist: up to its first segment with a placeholder. */
function checkable(p: string): string {
  const segments = p.split('/');
  const at = segments.findIndex((s) => /[<>*{}…]/.test(s));
  return at === -1 ? p : `${segments.slice(0, at).join('/')}/`;
}

/** Mentioned paths that are not in the repository (or not of the kind written), sorted. */
function missingPaths(paths: readonly string[], root: string): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const c = checkable(p);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(path.join(root, c));
    } catch {
      st = undefined;
    }
    if (!st || (c.endsWith('/') ? !st.isDirectory() : !st.isFile())) out.add(p);
  }
  return [...out].sort();
}

test('the checker: paths in code spans and diagrams, placeholders, files and directories', () => {
  const page = [
    'Start at `src/api.ts`, then `rules/<domain>/<name>.ts` and `fixtures/<rule-id>/valid-*/`.',
    'Not paths: `lint()`, `npm test -- test fixtures.test`, `node_modules`, `.bench/results.json`.',
    'Missing: `test/no-such.test.ts`, `src/model/` is a directory, `src/api.ts/` is not, `src/nowhere/<x>.ts`.',
    '',
    '```mermaid',
    'flowchart TD',
    '  a["CLI src/cli.ts"] --> b["src/gone.ts, parse-worker.ts"]',
    '```',
    '',
    '```text',
    'src/in-a-text-block.ts is not read',
    '```',
  ].join('\n');
  const paths = mentionedPaths(page);
  assert.equal(paths, ['src/api.ts', 'rules/<domain>/<name>.ts', 'fixtures/<rule-id>/valid-*/', 'test/no-such.test.ts', 'src/model/', 'src/api.ts/', 'src/nowhere/<x>.ts', 'src/cli.ts', 'src/gone.ts']);
  assert.equal(missingPaths(paths, ROOT), ['src/api.ts/', 'src/gone.ts', 'src/nowhere/<x>.ts', 'test/no-such.test.ts']);
});

const page = fs.readFileSync(path.join(ROOT, DOC), 'utf8');

test(`every path ${DOC} names exists`, () => {
  const paths = mentionedPaths(page);
  assert.ok(paths.length > 100, `${paths.length} paths found`);
  for (const prefix of ['src/', 'rules/', 'test/']) assert.ok(paths.some((p) => p.startsWith(prefix)), `a ${prefix} path is mentioned`);
  assert.equal(missingPaths(paths, ROOT), []);
});

test(`the diagram of ${DOC} is a Mermaid flowchart`, () => {
  const diagrams = fenced(page, 'mermaid');
  assert.is(diagrams.length, 1);
  assert.equal(mermaidParse(diagrams), [{ ok: true, type: 'flowchart-v2' }]);
});

test(`the README and docs/writing-rules.md link to ${DOC}`, () => {
  assert.ok(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').includes('](docs/architecture.md)'), 'README.md');
  assert.ok(fs.readFileSync(path.join(ROOT, 'docs/writing-rules.md'), 'utf8').includes('](architecture.md)'), 'docs/writing-rules.md');
});

test.run();
