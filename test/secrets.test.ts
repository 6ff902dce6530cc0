/**
 * Secret values never reach any output. The k8s/no-static-aws-keys fixtures hold AWS's documented
 * fake keys in every shape (stringData, base64 data, a ConfigMap, profiles in a credentials file,
 * a malformed profile line, container env); every rule runs on them and the text, JSON and SARIF
 * outputs must contain neither value, raw or base64-encoded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../src/api.js';
import { formatJson } from '../src/format/json.js';
import { formatSarif } from '../src/format/sarif.js';
import { formatText } from '../src/format/text.js';
import { FIXTURES } from './helpers.js';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const FORBIDDEN = [ACCESS_KEY_ID, SECRET_ACCESS_KEY, ...[ACCESS_KEY_ID, SECRET_ACCESS_KEY].map((v) => Buffer.from(v).toString('base64'))];

const RULE_DIR = path.join(FIXTURES, 'k8s', 'no-static-aws-keys');
const CASES = fs
  .readdirSync(RULE_DIR)
  .filter((d) => d.startsWith('invalid-'))
  .sort();

test('the fixtures hold the fake keys', () => {
  assert.ok(CASES.length >= 3, `invalid cases: ${CASES.join(', ')}`);
  const all = CASES.flatMap((c) => fs.readdirSync(path.join(RULE_DIR, c)).filter((f) => /\.ya?ml$/.test(f)).map((f) => fs.readFileSync(path.join(RULE_DIR, c, f), 'utf8')));
  const text = all.join('\n');
  assert.ok(text.includes(ACCESS_KEY_ID) && text.includes(SECRET_ACCESS_KEY), 'raw values present in the fixtures');
});

for (const c of CASES) {
  test(`no secret value in any output: ${c}`, async () => {
    const result = await lint(['.'], { cwd: path.join(RULE_DIR, c) });
    assert.ok(result.findings.some((f) => f.ruleId === 'k8s/no-static-aws-keys'), 'the keys are reported');
    const outputs = {
      text: formatText(result.findings, { fileCount: result.files.length }),
      json: formatJson(result.findings, result.files.length),
      sarif: formatSarif(result.findings, result.rules),
    };
    for (const [format, out] of Object.entries(outputs)) {
      for (const value of FORBIDDEN) assert.not.ok(out.includes(value), `${format} output contains a secret value`);
    }
  });
}

test.run();
