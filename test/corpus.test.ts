/**
 * Smoke test on real files from public repositories (../shared/corpus): no crash, and the
 * findings equal the reviewed list in test/corpus.expected.txt (each one is explained in
 * the README's "Corpus results" section).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../src/api.js';
import { formatFindingLines } from '../src/format/text.js';
import { ROOT } from './helpers.js';

const SHARED = path.resolve(ROOT, '..', 'shared');
const CORPUS = path.join(SHARED, 'corpus');
const EXPECTED = path.join(ROOT, 'test', 'corpus.expected.txt');

test('corpus: no crash and exactly the reviewed findings', async () => {
  if (!fs.existsSync(CORPUS)) {
    console.log(`  (corpus not found at ${CORPUS}; skipped)`);
    return;
  }
  const result = await lint(['corpus'], { cwd: SHARED });
  assert.ok(result.files.length >= 40, `read ${result.files.length} files`);
  const actual = formatFindingLines(result.findings);
  if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) fs.writeFileSync(EXPECTED, actual);
  assert.fixture(actual, fs.readFileSync(EXPECTED, 'utf8'));
});

// Corpus directories kept in this repository (fixtures/_corpus/<name>/, with SOURCES.md): each is
// linted on its own and compared with fixtures/_corpus/<name>.expected.txt.
const LOCAL = path.join(ROOT, 'fixtures', '_corpus');
const localCorpora = fs.existsSync(LOCAL) ? fs.readdirSync(LOCAL, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];

for (const name of localCorpora) {
  test(`corpus ${name}: no crash, exactly the reviewed findings, none at error level on a chart template`, async () => {
    const result = await lint([name], { cwd: LOCAL });
    const actual = formatFindingLines(result.findings);
    const expected = path.join(LOCAL, `${name}.expected.txt`);
    if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) fs.writeFileSync(expected, actual);
    assert.fixture(actual, fs.readFileSync(expected, 'utf8'));
    const onTemplates = result.findings.filter((f) => f.severity === 'error' && /(^|\/)templates\//.test(f.location.file) && findChart(path.join(LOCAL, f.location.file)));
    assert.equal(onTemplates.map((f) => `${f.location.file}:${f.location.line} ${f.ruleId}`), []);
  });
}

/** Is the file inside a Helm chart (a directory with Chart.yaml above it)? */
function findChart(abs: string): boolean {
  for (let d = path.dirname(abs); d.startsWith(LOCAL); d = path.dirname(d)) if (fs.existsSync(path.join(d, 'Chart.yaml'))) return true;
  return false;
}

test('corpus: byte-identical output across runs', async () => {
  if (!fs.existsSync(CORPUS)) return;
  const a = formatFindingLines((await lint(['corpus'], { cwd: SHARED })).findings);
  const b = formatFindingLines((await lint(['corpus'], { cwd: SHARED })).findings);
  assert.is(a, b);
});

test.run();
