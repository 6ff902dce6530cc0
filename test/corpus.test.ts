/**
 * Smoke test on real files from public repositories (../shared/corpus, and the directories of
 * fixtures/_corpus): no crash, and the findings equal the reviewed lists in
 * test/corpus.expected.txt and fixtures/_corpus/<dir>/expected.txt (each one is explained in the
 * README's "Tested on real repositories" section).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../src/api.js';
import { formatFindingLines } from '../src/format/text.js';
import { FIXTURES, ROOT } from './helpers.js';

const SHARED = path.resolve(ROOT, '..', 'shared');
const CORPUS = path.join(SHARED, 'corpus');
const EXPECTED = path.join(ROOT, 'test', 'corpus.expected.txt');
const LOCAL = path.join(FIXTURES, '_corpus');

// Without the shared corpus the tests are reported as skipped, not passed.
const corpusTest = fs.existsSync(CORPUS) ? test : test.skip;

corpusTest('corpus: no crash and exactly the reviewed findings', async () => {
  const result = await lint(['corpus'], { cwd: SHARED });
  assert.ok(result.files.length >= 40, `read ${result.files.length} files`);
  const actual = formatFindingLines(result.findings, false, true);
  if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) fs.writeFileSync(EXPECTED, actual);
  assert.fixture(actual, fs.readFileSync(EXPECTED, 'utf8'));
});

for (const dir of fs.readdirSync(LOCAL).sort()) {
  if (!fs.statSync(path.join(LOCAL, dir)).isDirectory()) continue;
  const expected = path.join(LOCAL, dir, 'expected.txt');
  test(`corpus fixtures/_corpus/${dir}: no crash, exactly the reviewed findings, none at error level on a chart template`, async () => {
    const result = await lint([dir], { cwd: LOCAL });
    assert.ok(result.files.length > 0, `read ${result.files.length} files`);
    const actual = formatFindingLines(result.findings, false, true);
    if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) fs.writeFileSync(expected, actual);
    assert.fixture(actual, fs.existsSync(expected) ? fs.readFileSync(expected, 'utf8') : '<missing expected.txt>');
    const onTemplates = result.findings.filter((f) => f.severity === 'error' && /(^|\/)templates\//.test(f.location.file) && inChart(path.join(LOCAL, f.location.file)));
    assert.equal(onTemplates.map((f) => `${f.location.file}:${f.location.line} ${f.ruleId}`), []);
  });
}

/** Is the file inside a Helm chart (a directory with Chart.yaml above it)? */
function inChart(abs: string): boolean {
  for (let d = path.dirname(abs); d.startsWith(LOCAL); d = path.dirname(d)) if (fs.existsSync(path.join(d, 'Chart.yaml'))) return true;
  return false;
}

corpusTest('corpus: byte-identical output across runs', async () => {
  const a = formatFindingLines((await lint(['corpus'], { cwd: SHARED })).findings);
  const b = formatFindingLines((await lint(['corpus'], { cwd: SHARED })).findings);
  assert.is(a, b);
});

test.run();
