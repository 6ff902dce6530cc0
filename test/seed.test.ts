/**
 * The project's origin write-up, as repositories: the correct set-ups under examples/ report
 * nothing above note level; the write-up's literal examples (10-digit account ids) are flagged.
 * The EKS Pod Identity migration example reports exactly its one deliberate mistake.
 * Every rule runs; the full text output must equal the recorded expectation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../src/api.js';
import { formatFindingLines } from '../src/format/text.js';
import { ROOT } from './helpers.js';

const CASES = [
  { dir: 'examples/openshift-sts', expected: 'fixtures/_seed/examples-openshift-sts.expected.txt', clean: true },
  { dir: 'examples/eks-webhook', expected: 'fixtures/_seed/examples-eks-webhook.expected.txt', clean: true },
  // Half-way from IRSA to EKS Pod Identity: one ServiceAccount keeps the annotation of its old role.
  { dir: 'examples/eks-pod-identity-migration', expected: 'fixtures/_seed/examples-eks-pod-identity-migration.expected.txt', clean: false },
  { dir: 'fixtures/_seed/openshift-sts-literal', expected: 'fixtures/_seed/openshift-sts-literal/expected.txt', clean: false },
  { dir: 'fixtures/_seed/eks-webhook-literal', expected: 'fixtures/_seed/eks-webhook-literal/expected.txt', clean: false },
];

for (const c of CASES) {
  test(`seed ${c.dir}`, async () => {
    const dir = path.join(ROOT, c.dir);
    const result = await lint(['.'], { cwd: dir });
    const actual = formatFindingLines(result.findings, false, true);
    const expectedPath = path.join(ROOT, c.expected);
    if (process.env.UPDATE_FIXTURES && !process.env.FIXTURE_FILTER) fs.writeFileSync(expectedPath, actual);
    assert.fixture(actual, fs.readFileSync(expectedPath, 'utf8'));
    const serious = result.findings.filter((f) => f.severity !== 'note');
    if (c.clean) assert.equal(serious.map((f) => `${f.ruleId} ${f.message}`), [], 'nothing above note level');
    else assert.ok(serious.length > 0, 'the literal example is flagged');
  });
}

test('the migration example: exactly the ServiceAccount with both mechanisms, the other workloads clean', async () => {
  const r = await lint(['.'], { cwd: path.join(ROOT, 'examples/eks-pod-identity-migration') });
  assert.equal(
    r.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`),
    ['podid/no-irsa-overlap k8s/billing.yaml:8'],
  );
});

test('seed literal account ids are flagged by the ARN rules', async () => {
  const a = await lint(['.'], { cwd: path.join(ROOT, 'fixtures/_seed/openshift-sts-literal') });
  const b = await lint(['.'], { cwd: path.join(ROOT, 'fixtures/_seed/eks-webhook-literal') });
  const ids = [...a.findings, ...b.findings].map((f) => `${f.ruleId}@${f.location.file}:${f.location.line}`);
  assert.ok(ids.some((i) => i.includes('credentials.yaml:6')), `role_arn with a 10-digit account: ${ids.join(', ')}`);
  assert.ok(ids.some((i) => i.includes('trust-policy.json:7')), `Federated with a 10-digit account: ${ids.join(', ')}`);
});

test.run();
