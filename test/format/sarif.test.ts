/**
 * SARIF output against the official SARIF 2.1.0 schema (schemas/sarif-schema-2.1.0.json, draft-04)
 * with ajv, and GitHub's code-scanning limits. ajv 8 has no draft-04 mode; the schema uses nothing
 * that differs from draft-07 except the root `id`, so the test renames it to `$id` and drops `$schema`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.js';
import type { Finding, Rule } from '../../src/engine/types.js';
import { SARIF_LIMITS, toSarif } from '../../src/format/sarif.js';
import { RULES } from '../../src/api.js';
import { FIXTURES, ROOT } from '../helpers.js';

let validator: ValidateFunction | undefined;

function validate(doc: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    assert.is(schema.$schema, 'http://json-schema.org/draft-04/schema#');
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    // strictRequired off: the schema lists `required` properties inside anyOf branches that the parent defines.
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    ajv.addFormat('uri', (s: string) => URL.canParse(s));
    ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s) && URL.canParse(s, 'file:///'));
    ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s));
    validator = ajv.compile(schema);
  }
  return validator(doc) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

async function sarifOf(dir: string, extra: string[] = []): Promise<Record<string, any>> {
  let out = '';
  let err = '';
  await main(['lint', '--format', 'sarif', ...extra, '.'], { cwd: dir, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '', isTTY: false });
  assert.is(err, '');
  return JSON.parse(out);
}

test('the schema check itself catches errors', async () => {
  const doc = await sarifOf(path.join(FIXTURES, 'irsa', 'trust-subject-exists', 'invalid-missing-service-account'));
  doc.runs[0].results[0].level = 'fatal';
  delete doc.runs[0].tool.driver.name;
  assert.equal(validate(doc), ['/runs/0/tool/driver must have required property \'name\'', '/runs/0/results/0/level must be equal to one of the allowed values']);
});

test('results with related locations are valid SARIF 2.1.0', async () => {
  const doc = await sarifOf(path.join(FIXTURES, 'irsa', 'trust-subject-exists', 'invalid-missing-service-account'));
  assert.equal(validate(doc), []);
  const r = doc.runs[0].results[0];
  assert.is(r.relatedLocations.length, 1);
  assert.is(r.message.text, 'trust policy admits ServiceAccount "app-fronted" in namespace "team-a", which is not among the ServiceAccounts defined in that namespace ([ServiceAccounts of namespace "team-a" are defined here](1))');
  assert.is(doc.runs[0].tool.driver.rules.length, RULES.length);
});

test('suppressed results (in source and in the configuration) are valid SARIF 2.1.0', async () => {
  const doc = await sarifOf(path.join(FIXTURES, 'suppress', 'unused', 'valid-every-suppression-used'));
  assert.equal(validate(doc), []);
  const kinds = doc.runs[0].results.map((r: { suppressions?: { kind: string }[] }) => r.suppressions?.[0]?.kind);
  assert.equal(kinds, ['inSource', 'inSource', 'external']);
});

test('a rendered Helm chart from standard input: valid SARIF, the template among the related locations', async () => {
  const dir = path.join(FIXTURES, '_helm', 'ebs-csi');
  const stdin = fs.readFileSync(path.join(FIXTURES, '_helm', 'ebs-csi.rendered.yaml'), 'utf8');
  let out = '';
  const code = await main(['lint', '--format', 'sarif', '-', '--stdin-filename', 'charts/aws-ebs-csi-driver/rendered.yaml', '.'], { cwd: dir, env: {}, stdout: (s) => (out += s), stderr: () => {}, readStdin: () => stdin, isTTY: false });
  assert.is(code, 1);
  const doc = JSON.parse(out) as Record<string, any>;
  assert.equal(validate(doc), []);
  const [result] = doc.runs[0].results;
  assert.is(result.locations[0].physicalLocation.artifactLocation.uri, 'charts/aws-ebs-csi-driver/rendered.yaml');
  assert.equal(
    result.relatedLocations.map((r: any) => [r.physicalLocation.artifactLocation.uri, r.physicalLocation.region, r.message.text]),
    [
      ['iam/AmazonEKS_EBS_CSI_DriverRole.json', { startLine: 20, startColumn: 105, endLine: 20, endColumn: 162 }, 'trust policy "sub" condition'],
      ['charts/aws-ebs-csi-driver/templates/serviceaccount-csi-controller.yaml', { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, 'rendered from this Helm template'],
    ],
  );
});

test('an empty run is valid SARIF 2.1.0 and still lists results', async () => {
  const doc = await sarifOf(path.join(ROOT, 'examples', 'eks-webhook'), ['--fail-on', 'never']);
  assert.equal(validate(doc), []);
  assert.ok(Array.isArray(doc.runs[0].results));
});

test('rule tags are unique and at most 10', async () => {
  for (const rule of toSarif([], RULES).runs[0].tool.driver.rules) {
    const tags = rule.properties.tags;
    assert.is(new Set(tags).size, tags.length, rule.id);
    assert.ok(tags.length <= SARIF_LIMITS.tagsPerRule, rule.id);
  }
});

function finding(i: number, severity: Finding['severity'], related = 0, message = `message ${i}`): Finding {
  const at = (file: string, line: number) => ({ file, line, column: 1, endLine: line, endColumn: 2 });
  return {
    ruleId: RULES[0].meta.id,
    messageId: 'x',
    message,
    severity,
    location: at('a.yaml', i + 1),
    related: Array.from({ length: related }, (_x, j) => ({ location: at('b.yaml', j + 1), label: `r${j}` })),
    subject: `s${i}`,
    fingerprint: `f${i}`,
  };
}

test('GitHub limits: results per run (most severe kept), related locations, message length', async () => {
  const rules: readonly Rule[] = RULES;
  const n = SARIF_LIMITS.resultsPerRun + 2;
  // Two errors at the very end must survive the cut; notes are dropped first.
  const findings = Array.from({ length: n }, (_x, i) => finding(i, i >= n - 2 ? 'error' : 'note'));
  const doc = toSarif(findings, rules);
  const run = doc.runs[0];
  assert.is(run.results.length, SARIF_LIMITS.resultsPerRun);
  assert.equal(run.results.slice(-2).map((r) => r.level), ['error', 'error']);
  assert.equal(run.invocations[0].toolExecutionNotifications, [{ level: 'warning', message: { text: '2 results were left out: GitHub accepts at most 25000 per run' } }]);

  const many = toSarif([finding(0, 'error', 150, 'z'.repeat(1990))], rules).runs[0].results[0];
  assert.is(many.relatedLocations?.length, SARIF_LIMITS.relatedPerResult);
  assert.ok(many.message.text.length <= SARIF_LIMITS.messageLength);
  assert.ok(many.message.text.endsWith('…'));

  const few = toSarif([finding(0, 'error', 102)], rules).runs[0].results[0];
  assert.is(few.relatedLocations?.length, 100);
  const short = toSarif([finding(0, 'error', 101, 'x')], rules).runs[0].results[0];
  assert.ok(short.message.text.length < SARIF_LIMITS.messageLength);
  assert.ok(short.message.text.endsWith(', and 1 more related locations not listed)'), short.message.text.slice(-80));

  const long = toSarif([finding(0, 'error', 0, 'y'.repeat(5000))], rules).runs[0].results[0];
  assert.is(long.message.text.length, SARIF_LIMITS.messageLength);
  assert.equal(validate(toSarif([finding(0, 'error', 101, 'x')], rules)), []);
});

test.run();
