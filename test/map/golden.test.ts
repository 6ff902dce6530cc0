/**
 * Exact output of `irsa-lint map` in every format, on the bundled examples and on a fixture
 * repository that mixes every credential path (fixtures/_map/mixed: webhook, ccoctl Secret,
 * hand-set web identity, a web identity profile, static keys in the environment and in a shared
 * file, EKS Pod Identity associations in CloudFormation and ACK, one of whose roles trusts only
 * web identity, a role outside the repository, a templated ServiceAccount, a namespace-wide trust
 * policy, unused roles and ServiceAccounts), and on the Terraform corpus. Every Mermaid output parses with Mermaid's parser and every
 * DOT output renders with Graphviz; the JSON validates against schemas/access-map.schema.json.
 * `UPDATE_FIXTURES=1 npm test -- test/map golden` rewrites test/map/expected/; review that diff.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers.js';
import { cli, dotSvg, expectFile, mermaidParse } from './helpers.js';

const CASES = [
  { name: 'eks-webhook', args: ['examples/eks-webhook'], code: 0 },
  { name: 'openshift-sts', args: ['examples/openshift-sts'], code: 0 },
  // EKS Pod Identity: associations in a Terraform plan and an ACK resource, one ServiceAccount with both.
  { name: 'eks-pod-identity-migration', args: ['--orphans', 'examples/eks-pod-identity-migration'], code: 0 },
  { name: 'mixed', args: ['--orphans', 'fixtures/_map/mixed'], code: 1 },
  // Terraform HCL: roles named by their resource address, broad trust, no workload.
  { name: 'terraform', args: ['--orphans', 'fixtures/_corpus/terraform'], code: 0 },
] as const;

const FORMATS = [
  ['text', 'txt'],
  ['json', 'json'],
  ['mermaid', 'mmd'],
  ['dot', 'dot'],
  ['markdown', 'md'],
] as const;

const outputs = new Map<string, string>();

for (const c of CASES) {
  for (const [format, ext] of FORMATS) {
    test(`map ${c.name} --format ${format}`, async () => {
      const r = await cli(['map', '--no-config', '--format', format, ...c.args]);
      assert.is(r.code, c.code, r.err);
      expectFile(`${c.name}.${ext}`, r.out);
      outputs.set(`${c.name}.${format}`, r.out);
    });
  }
}

test('the Mermaid outputs parse with Mermaid (flowchart), also the block inside the Markdown', () => {
  const texts: string[] = [];
  const names: string[] = [];
  for (const c of CASES) {
    texts.push(outputs.get(`${c.name}.mermaid`)!);
    names.push(c.name);
    const md = outputs.get(`${c.name}.markdown`)!;
    const block = /```mermaid\n([\s\S]*?)```/.exec(md);
    assert.ok(block, `${c.name}: the Markdown has a mermaid block`);
    assert.is(block![1], texts[texts.length - 1], `${c.name}: the Markdown's block is the mermaid format`);
  }
  const results = mermaidParse(texts);
  results.forEach((r, i) => assert.equal(r, { ok: true, type: 'flowchart-v2' }, `${names[i]}: ${r.error}`));
});

test('the DOT outputs render with Graphviz dot -Tsvg', () => {
  for (const c of CASES) {
    const svg = dotSvg(outputs.get(`${c.name}.dot`)!);
    assert.match(svg, /<svg /, c.name);
    // Every node of the graph is drawn.
    for (const m of outputs.get(`${c.name}.dot`)!.matchAll(/^\s+([wskxr]\d+) \[label="((?:[^"\\]|\\.)*)"/gm)) {
      assert.ok(svg.includes(`<title>${m[1]}</title>`), `${c.name}: node ${m[1]} is drawn`);
    }
  }
});

test('the JSON outputs validate against schemas/access-map.schema.json', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/access-map.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  for (const c of CASES) {
    const j = JSON.parse(outputs.get(`${c.name}.json`)!);
    assert.ok(validate(j), `${c.name}: ${JSON.stringify(validate.errors)}`);
  }
  // The schema rejects what it should.
  const bad = JSON.parse(outputs.get('mixed.json')!);
  bad.rows[0].links[0].verdict = 'maybe';
  assert.not.ok(validate(bad), 'an unknown verdict');
  delete bad.rows[0];
  const noKind = { ...JSON.parse(outputs.get('mixed.json')!), kind: 'other' };
  assert.not.ok(validate(noKind), 'an unknown kind');
});

test('the mixed repository has every path, every verdict, and both chain orders', () => {
  const j = JSON.parse(outputs.get('mixed.json')!) as { rows: { path: string; verdict: string; chain: { botocore: string; jsv3: string } }[] };
  assert.equal([...new Set(j.rows.map((r) => r.path))].sort(), ['ccoctl-secret', 'pod-identity', 'profile', 'projected-token-manual', 'static-keys', 'webhook']);
  assert.equal([...new Set(j.rows.map((r) => r.verdict))].sort(), ['not-trusted', 'trusted', 'unknown']);
  assert.ok(j.rows.some((r) => r.chain.botocore === 'used' && r.chain.jsv3 === 'shadowed'));
  assert.ok(j.rows.some((r) => r.chain.botocore === 'shadowed' && r.chain.jsv3 === 'used'));
  assert.ok(j.rows.some((r) => r.chain.botocore === 'shadowed' && r.chain.jsv3 === 'shadowed'));
});

test('every format is byte-identical across runs and path orders', async () => {
  for (const [format] of FORMATS) {
    const a = (await cli(['map', '--no-config', '--orphans', '--format', format, 'fixtures/_map/mixed'])).out;
    const b = (await cli(['map', '--no-config', '--orphans', '--format', format, 'fixtures/_map/mixed/k8s', 'fixtures/_map/mixed/iam'])).out;
    const c = (await cli(['map', '--no-config', '--orphans', '--format', format, 'fixtures/_map/mixed/iam', 'fixtures/_map/mixed/k8s'])).out;
    assert.is(b, a, `${format}: another path order`);
    assert.is(c, a, `${format}: another path order`);
    assert.is((await cli(['map', '--no-config', '--orphans', '--format', format, 'fixtures/_map/mixed'])).out, a, `${format}: again`);
  }
});

const CORPUS = path.join(ROOT, '..', 'shared', 'corpus');

(fs.existsSync(CORPUS) ? test : test.skip)('the shared corpus of real repositories: the exact map; Mermaid, Graphviz and the schema accept it', async () => {
  const r = await cli(['map', '--no-config', '--orphans', '../shared/corpus']);
  expectFile('corpus.txt', r.out);
  const [mmd, dot, json] = await Promise.all(['mermaid', 'dot', 'json'].map(async (f) => (await cli(['map', '--no-config', '--orphans', '-f', f, '../shared/corpus'])).out));
  assert.equal(mermaidParse([mmd]), [{ ok: true, type: 'flowchart-v2' }]);
  assert.match(dotSvg(dot), /<svg /);
  const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/access-map.schema.json'), 'utf8')));
  assert.ok(validate(JSON.parse(json)), JSON.stringify(validate.errors));
});

test('README: the Mermaid maps of the examples and of the mixed repository are the current output', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const c of CASES.filter((x) => x.name !== 'terraform')) {
    const mmd = fs.readFileSync(path.join(ROOT, 'test/map/expected', `${c.name}.mmd`), 'utf8');
    assert.ok(readme.includes(`\`\`\`mermaid\n${mmd}\`\`\``), `README.md shows test/map/expected/${c.name}.mmd in a mermaid block`);
  }
});

test.run();
