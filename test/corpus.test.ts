/**
 * Smoke test on real files from public repositories (../shared/corpus, and the infrastructure
 * code in fixtures/_corpus): no crash, and the findings equal the reviewed lists in
 * test/corpus.expected.txt and test/corpus-fixtures.expected.txt (each one is explained in the
 * README's "Corpus results" section).
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
const LOCAL = path.join('fixtures', '_corpus');
const LOCAL_EXPECTED = path.join(ROOT, 'test', 'corpus-fixtures.expected.txt');

// Without the shared corpus the tests are reported as skipped, not passed.
const corpusTest = fs.existsSync(CORPUS) ? test : test.skip;

corpusTest('corpus: no crash and exactly the reviewed findings', async () => {
  const result = await lint(['corpus'], { cwd: SHARED });
  assert.ok(result.files.length >= 40, `read ${result.files.length} files`);
  const actual = formatFindingLines(result.findings, false, true);
  if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) fs.writeFileSync(EXPECTED, actual);
  assert.fixture(actual, fs.readFileSync(EXPECTED, 'utf8'));
});

corpusTest('corpus: byte-identical output across runs', async () => {
  const a = formatFindingLines((await lint(['corpus'], { cwd: SHARED })).findings);
  const b = formatFindingLines((await lint(['corpus'], { cwd: SHARED })).findings);
  assert.is(a, b);
});

test('fixtures/_corpus (Terraform from public repositories): no crash and exactly the reviewed findings', async () => {
  const result = await lint([LOCAL], { cwd: ROOT });
  assert.ok(result.files.filter((f) => f.path.endsWith('.tf')).length >= 15, `read ${result.files.length} files`);
  assert.equal(result.findings.filter((f) => f.ruleId === 'parse/syntax').map((f) => f.message), [], 'every file parses');
  const actual = formatFindingLines(result.findings, false, true);
  if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) fs.writeFileSync(LOCAL_EXPECTED, actual);
  assert.fixture(actual, fs.readFileSync(LOCAL_EXPECTED, 'utf8'));
});

test.run();
