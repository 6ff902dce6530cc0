// Generates docs/rules/<rule-id>.md for every rule and docs/rules/README.md (the index, the
// configuration keys, suppression syntax and baselines) from rule metadata and fixtures.
//
// Usage: node scripts/gen-docs.mjs          write the pages (and delete generated pages of removed rules)
//        node scripts/gen-docs.mjs --check  exit 1 when a page is missing, stale or left over
// test/docs.test.ts runs the same check.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const DOCS_DIR = path.join(root, 'docs', 'rules');

/** Map of path relative to docs/rules → expected content. `mods` lets a caller that already runs under tsx pass the modules. */
export async function renderDocs(mods) {
  let m = mods;
  if (!m) {
    const { register } = await import('tsx/esm/api');
    register();
    const [docs, rules] = await Promise.all([import(pathToFileURL(path.join(root, 'src', 'docs.ts')).href), import(pathToFileURL(path.join(root, 'rules', 'index.ts')).href)]);
    m = { docs, RULES: rules.RULES };
  }
  const out = new Map();
  for (const rule of m.RULES) out.set(`${rule.meta.id}.md`, m.docs.ruleDocMarkdown(rule, m.docs.ruleExamples(rule.meta.id, root)));
  out.set('README.md', m.docs.rulesReadmeMarkdown(m.RULES));
  // The project README's rule table (between its markers) is generated too; keyed relative to docs/rules.
  const readmePath = path.join(root, 'README.md');
  const readme = fs.existsSync(readmePath) ? fs.readFileSync(readmePath, 'utf8') : '';
  const updated = m.docs.withProjectReadmeRulesTable(readme, m.RULES);
  if (updated !== undefined) out.set('../../README.md', updated);
  return { pages: out, note: m.docs.GENERATED_NOTE };
}

/** Generated pages on disk (files that carry the generated-file note). */
export function existingPages(note) {
  const found = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md') && fs.readFileSync(p, 'utf8').includes(note)) found.push(path.relative(DOCS_DIR, p).split(path.sep).join('/'));
    }
  };
  walk(DOCS_DIR);
  return found.sort();
}

/** Differences between the generated pages and the files: [{ file, problem }]. */
export function compareDocs({ pages, note }) {
  const problems = [];
  for (const [rel, text] of pages) {
    const abs = path.join(DOCS_DIR, rel);
    if (!fs.existsSync(abs)) problems.push({ file: rel, problem: 'missing' });
    else if (fs.readFileSync(abs, 'utf8') !== text) problems.push({ file: rel, problem: 'out of date' });
  }
  for (const rel of existingPages(note)) if (!pages.has(rel)) problems.push({ file: rel, problem: 'no such rule' });
  return problems;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const rendered = await renderDocs();
  if (process.argv.includes('--check')) {
    const problems = compareDocs(rendered);
    for (const p of problems) console.error(`docs/rules/${p.file}: ${p.problem}`);
    if (problems.length) {
      console.error('run: node scripts/gen-docs.mjs');
      process.exit(1);
    }
  } else {
    let written = 0;
    for (const [rel, text] of rendered.pages) {
      const abs = path.join(DOCS_DIR, rel);
      if (fs.existsSync(abs) && fs.readFileSync(abs, 'utf8') === text) continue;
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
      written++;
    }
    let removed = 0;
    for (const rel of existingPages(rendered.note)) {
      if (rendered.pages.has(rel)) continue;
      fs.rmSync(path.join(DOCS_DIR, rel));
      removed++;
    }
    console.log(`docs/rules: ${rendered.pages.size} pages, ${written} written, ${removed} removed`);
  }
}
