/**
 * Golden tests: each fixture case is a miniature repository linted with only its rule enabled;
 * the text output (no colour, paths relative to the case) must equal `expected.txt` exactly.
 * `UPDATE_FIXTURES=1 npm test` rewrites the expected files; review that diff like code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint, type LintOptions } from '../src/api.js';
import { formatFindingLines } from '../src/format/text.js';
import { fixtureCases, readOptions } from './helpers.js';

// FIXTURE_FILTER=irsa/ runs only the cases whose rule id starts with that text.
const filter = process.env.FIXTURE_FILTER ?? '';

for (const c of fixtureCases().filter((x) => x.ruleId.startsWith(filter))) {
  test(`${c.ruleId} ${c.name}`, async () => {
    const opts = readOptions(c.dir) as Partial<LintOptions> & { paths?: string[] };
    const result = await lint(opts.paths ?? ['.'], { ...opts, cwd: c.dir, only: [c.ruleId], strictMessages: true });
    const actual = formatFindingLines(result.findings, false, true);
    const expectedPath = path.join(c.dir, 'expected.txt');
    if (process.env.UPDATE_FIXTURES) fs.writeFileSync(expectedPath, actual);
    const expected = fs.existsSync(expectedPath) ? fs.readFileSync(expectedPath, 'utf8') : '<missing expected.txt>';
    assert.fixture(actual, expected);
    if (c.name.startsWith('valid-')) assert.is(actual, '', 'a valid case reports nothing');
    else assert.ok(result.findings.some((f) => f.ruleId === c.ruleId), 'an invalid case reports its rule');
  });
}

test.run();
