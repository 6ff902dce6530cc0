/**
 * `irsa-lint map --diff BASE` on a temporary git repository with two commits (a ServiceAccount
 * renamed, a trust policy widened, a Deployment added): the exact diff in every format, read
 * from git without touching the working tree; the README shows this same output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { materializeRevision } from '../../src/map/git.js';
import { ROOT } from '../helpers.js';
import { cli, dotSvg, expectFile, mermaidParse } from './helpers.js';
import { git, POD_IDENTITY_BASE, POD_IDENTITY_HEAD, twoCommitRepo } from './repo.js';

const repo = twoCommitRepo();

test('text: a broken row (the renamed ServiceAccount), access gained, trust widened', async () => {
  const r = await cli(['map', '--no-config', '--diff', 'HEAD~1'], repo);
  assert.is(r.code, 1, 'the working tree has errors: irsa/role-trusts-service-account');
  assert.is(r.err, 'irsa-lint: the files have findings at the failing level (error; 2 errors): irsa-lint lint lists them\n');
  expectFile('diff.txt', r.out);
  assert.is(
    r.out,
    [
      'Access changes against HEAD~1: 1 gained, 0 lost, 1 broken, 0 fixed, 0 changed, 1 widened, 0 narrowed',
      '',
      'Access gained',
      '  + Deployment payments/ledger (container app) can assume role reports-reader (111122223333) via webhook (trusted)',
      '',
      'Broken',
      '  ! Deployment payments/api (container app) → role prod-s3-writer (111122223333) via webhook',
      '      ServiceAccount: api → api-v2',
      '      verdict: trusted → not trusted',
      '      role: trusted → not trusted (irsa/role-trusts-service-account, irsa/trust-subject-exists)',
      '      provider: trusted → unknown (no trust statement admits the ServiceAccount)',
      '',
      'Trust widened',
      '  ^ arn:aws:iam::111122223333:role/reports-reader: now admits any ServiceAccount in namespace "payments"',
      '      iam/reports-reader.json:19:91',
      '',
    ].join('\n'),
  );
});

test('markdown, json, mermaid and dot of the same diff; Mermaid parses it, Graphviz draws it, the schema accepts it', async () => {
  const md = await cli(['map', '--no-config', '--diff', 'HEAD~1', '--format', 'markdown'], repo);
  expectFile('diff.md', md.out);
  const mmd = await cli(['map', '--no-config', '--diff', 'HEAD~1', '--format', 'mermaid'], repo);
  expectFile('diff.mmd', mmd.out);
  assert.ok(md.out.includes(`\`\`\`mermaid\n${mmd.out}\`\`\``), 'the Markdown holds the Mermaid picture');
  const dot = await cli(['map', '--no-config', '--diff', 'HEAD~1', '--format', 'dot'], repo);
  expectFile('diff.dot', dot.out);
  assert.match(dotSvg(dot.out), /<svg /);
  assert.equal(mermaidParse([mmd.out]), [{ ok: true, type: 'flowchart-v2' }]);
  const json = await cli(['map', '--no-config', '--diff', 'HEAD~1', '--format', 'json'], repo);
  expectFile('diff.json', json.out);
  const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/access-map.schema.json'), 'utf8')));
  const j = JSON.parse(json.out) as { summary: unknown };
  assert.ok(validate(j), JSON.stringify(validate.errors));
  assert.equal(j.summary, { gained: 1, lost: 0, broken: 1, fixed: 0, changed: 0, widened: 1, narrowed: 0, files: { base: 5, head: 6 } });
});

test('nothing is checked out: the working tree, the index and HEAD stay as they are', async () => {
  fs.writeFileSync(path.join(repo, 'k8s', 'uncommitted.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: extra\n  namespace: payments\n');
  const before = { status: git(repo, 'status', '--porcelain'), head: git(repo, 'rev-parse', 'HEAD'), worktrees: git(repo, 'worktree', 'list'), stash: git(repo, 'stash', 'list') };
  const r = await cli(['map', '--no-config', '--diff', 'HEAD~1', '-f', 'json'], repo);
  assert.is(JSON.parse(r.out).summary.files.head, 7, 'the uncommitted file is part of the working tree side');
  assert.equal({ status: git(repo, 'status', '--porcelain'), head: git(repo, 'rev-parse', 'HEAD'), worktrees: git(repo, 'worktree', 'list'), stash: git(repo, 'stash', 'list') }, before);
  fs.rmSync(path.join(repo, 'k8s', 'uncommitted.yaml'));
});

test('the revision is written to a temporary directory with the repository layout, only the files discovery may read, and removed', () => {
  fs.writeFileSync(path.join(repo, 'notes.bin'), Buffer.from([0, 1, 2]));
  git(repo, 'add', 'notes.bin');
  git(repo, 'commit', '-q', '-m', 'a binary file');
  const rev = materializeRevision(path.join(repo, 'k8s'), 'HEAD~2');
  try {
    assert.is(rev.commit, git(repo, 'rev-parse', 'HEAD~2').trim());
    assert.ok(!rev.dir.startsWith(repo), 'outside the work tree');
    const listed: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else listed.push(path.relative(rev.dir, p).split(path.sep).join('/'));
      }
    };
    walk(rev.dir);
    assert.equal(listed.sort(), ['iam/oidc-provider.json', 'iam/prod-s3-writer.json', 'iam/reports-reader.json', 'k8s/api.yaml', 'k8s/reports.yaml']);
    assert.match(fs.readFileSync(rev.at(path.join(repo, 'k8s', 'api.yaml')), 'utf8'), /name: api\n/);
    const head = materializeRevision(repo, 'HEAD');
    assert.ok(!fs.existsSync(head.at(path.join(repo, 'notes.bin'))), 'a binary file no loader reads is not written');
    head.dispose();
  } finally {
    rev.dispose();
  }
  assert.not.ok(fs.existsSync(rev.dir), 'removed');
  git(repo, 'reset', '-q', '--hard', 'HEAD~1');
});

test('a path the revision does not have: everything in it is gained; --context and --filter narrow both sides alike', async () => {
  const r = await cli(['map', '--no-config', '--diff', 'HEAD~1', 'k8s/ledger.yaml', 'k8s/reports.yaml', 'iam'], repo);
  assert.match(r.out, /^Access changes against HEAD~1: 1 gained, 0 lost, 0 broken, 0 fixed, 0 changed, 1 widened, 0 narrowed\n/);
  const ctx = await cli(['map', '--no-config', '--diff', 'HEAD~1', '--context', '.', 'k8s/api.yaml', '-f', 'json'], repo);
  const j = JSON.parse(ctx.out) as { summary: Record<string, unknown> };
  assert.equal([j.summary.gained, j.summary.broken, j.summary.widened], [0, 1, 0], 'only rows with a location in k8s/api.yaml');
  const f = JSON.parse((await cli(['map', '--no-config', '--diff', 'HEAD~1', '--filter', 'role=reports-*', '-f', 'json'], repo)).out) as { summary: Record<string, unknown> };
  assert.equal([f.summary.gained, f.summary.broken, f.summary.widened], [1, 0, 1]);
});

test('no change: one line; an unknown revision or a directory outside git: exit status 2', async () => {
  const same = await cli(['map', '--no-config', '--diff', 'HEAD', 'iam'], repo);
  assert.is(same.out, 'No access changes against HEAD.\n');
  assert.is(same.code, 0);
  const bad = await cli(['map', '--no-config', '--diff', 'no-such-branch'], repo);
  assert.is(bad.code, 2);
  assert.is(bad.err, 'irsa-lint: git: unknown revision "no-such-branch" (with actions/checkout, fetch it: fetch-depth: 0, or git fetch origin no-such-branch)\n');
  const opt = await cli(['map', '--no-config', '--diff=--output=x'], repo);
  assert.is(opt.code, 2);
  assert.match(opt.err, /invalid revision "--output=x"/);
});

test('EKS Pod Identity: an association added, removed, given another role, or changed is access gained, lost or broken', async () => {
  const dir = twoCommitRepo(POD_IDENTITY_BASE, POD_IDENTITY_HEAD);
  const r = await cli(['map', '--no-config', '--diff', 'HEAD~1'], dir);
  assert.is(r.code, 1, 'podid/trust-matches-association on the association that disables session tags');
  expectFile('diff-pod-identity.txt', r.out);
  const json = await cli(['map', '--no-config', '--diff', 'HEAD~1', '--format', 'json'], dir);
  const j = JSON.parse(json.out) as { summary: unknown; gained: { id: string }[]; lost: { id: string }[]; changed: { id: string; kind: string; changes: { field: string }[] }[] };
  assert.equal(j.summary, { gained: 2, lost: 3, broken: 1, fixed: 0, changed: 0, widened: 0, narrowed: 0, files: { base: 10, head: 11 } });
  assert.equal(j.gained.map((x) => x.id), ['billing/Deployment/invoices/app|pod-identity|billing-invoices', 'shop/Deployment/cart/app|pod-identity|arn:aws:iam::111122223333:role/shop-cart-v2']);
  assert.equal(j.lost.map((x) => x.id), [
    'billing/Deployment/invoices/app|webhook|arn:aws:iam::111122223333:role/billing-invoices-irsa',
    'search/Deployment/indexer/app|pod-identity|arn:aws:iam::111122223333:role/search-indexer',
    'shop/Deployment/cart/app|pod-identity|arn:aws:iam::111122223333:role/shop-cart',
  ]);
  assert.equal(
    j.changed.map((c) => [c.id, c.kind, c.changes.map((x) => x.field)]),
    [['orders/Deployment/api/app|pod-identity|arn:aws:iam::111122223333:role/orders-api', 'broken', ['verdict', 'association', 'role']]],
  );
  const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/access-map.schema.json'), 'utf8')));
  assert.ok(validate(j), JSON.stringify(validate.errors));
  const mmd = await cli(['map', '--no-config', '--diff', 'HEAD~1', '--format', 'mermaid'], dir);
  assert.equal(mermaidParse([mmd.out]), [{ ok: true, type: 'flowchart-v2' }]);
  assert.match(dotSvg((await cli(['map', '--no-config', '--diff', 'HEAD~1', '--format', 'dot'], dir)).out), /<svg /);
});

test('README: the --diff example is this output', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const expected = fs.readFileSync(path.join(ROOT, 'test/map/expected/diff.txt'), 'utf8');
  assert.ok(readme.includes(`$ irsa-lint map --diff HEAD~1\n${expected}\`\`\``), 'README.md shows test/map/expected/diff.txt after "$ irsa-lint map --diff HEAD~1"');
});

test.run();
