/** Baselines: stable under inserted lines and reordered documents; fixed findings drop out. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint, type Finding } from '../src/api.js';
import { applyBaseline, baselineEntries, BaselineError, formatBaseline, readBaseline, stableSubject, writeBaseline, type Baseline } from '../src/baseline.js';
import { ROOT } from './helpers.js';
import { deployment, rmRepo, tmpRepo, writeFiles } from './config/tmp.js';

const TOKEN = 'k8s/token-expiration-minimum';

async function findings(dir: string, cwd = dir): Promise<Finding[]> {
  return (await lint([path.relative(cwd, dir) || '.'], { cwd })).findings;
}

async function roundTrip(dir: string, change: () => void) {
  const file = path.join(dir, '.irsa-lint-baseline.json');
  const written = writeBaseline(file, await findings(dir), dir);
  change();
  const result = applyBaseline(await findings(dir), readBaseline(file), file, dir);
  return { written, ...result, fresh: result.findings.map((f) => `${f.location.file}:${f.location.line} ${f.message}`) };
}

test('the baseline file: sorted, no line numbers, no dates, suppressed findings left out', async () => {
  const dir = tmpRepo({
    'b.yaml': deployment('b', 120),
    'a.yaml': `${deployment('a2', 300)}---\n${deployment('a1', 60, { comment: '# irsa-lint-disable-next-line k8s/token-expiration-minimum -- test' })}`,
  });
  try {
    const text = formatBaseline(await findings(dir), dir, dir);
    const doc = JSON.parse(text) as Baseline;
    assert.is(doc.version, 1);
    assert.is(doc.tool, 'irsa-lint');
    assert.equal(
      doc.findings.map((e) => [e.file, e.ruleId, e.message]),
      [
        ['a.yaml', TOKEN, 'projected token expirationSeconds 300 is below the minimum of 600'],
        ['b.yaml', TOKEN, 'projected token expirationSeconds 120 is below the minimum of 600'],
      ],
    );
    assert.equal(Object.keys(doc.findings[0]), ['ruleId', 'file', 'fingerprint', 'message']);
    assert.not.match(text, /"line"|"column"|\d{4}-\d\d-\d\dT/);
    assert.is(formatBaseline(await findings(dir), dir, dir), text, 'deterministic');
  } finally {
    rmRepo(dir);
  }
});

test('fingerprints equal Finding.fingerprint when the baseline is in the working directory', async () => {
  const dir = tmpRepo({ 'a.yaml': deployment('a', 300), 'b.yaml': deployment('b', 300) });
  try {
    const fs1 = await findings(dir);
    assert.equal(
      baselineEntries(fs1, dir, dir).map((e) => e.fingerprint),
      fs1.map((f) => f.fingerprint),
    );
  } finally {
    rmRepo(dir);
  }
});

test('stable when lines are inserted above a finding', async () => {
  const dir = tmpRepo({ 'a.yaml': `${deployment('a', 300)}---\n${deployment('b', 120)}` });
  try {
    const r = await roundTrip(dir, () => {
      const text = fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8');
      fs.writeFileSync(path.join(dir, 'a.yaml'), `# a header\n# added later\n\n${text.replace('    spec:\n', '    spec:\n      # a comment\n      hostNetwork: false\n')}`);
    });
    assert.is(r.written, 2);
    assert.equal([r.fresh, r.known, r.stale], [[], 2, 0]);
    assert.is((await findings(dir))[0].location.line, 22, 'the finding did move');
  } finally {
    rmRepo(dir);
  }
});

test('stable when the documents of a file are reordered or moved to another position', async () => {
  const a = deployment('a', 300);
  const b = deployment('b', 120);
  const c = deployment('c', 3600);
  const dir = tmpRepo({ 'all.yaml': [a, b, c].join('---\n') });
  try {
    const r = await roundTrip(dir, () => fs.writeFileSync(path.join(dir, 'all.yaml'), [c, b, a].join('---\n')));
    assert.equal([r.fresh, r.known, r.stale], [[], 2, 0]);
  } finally {
    rmRepo(dir);
  }
});

test('identical findings are counted: one more is new, one fewer is stale', async () => {
  const a = deployment('a', 300);
  const dir = tmpRepo({ 'twice.yaml': [a, a].join('---\n') });
  try {
    const more = await roundTrip(dir, () => fs.writeFileSync(path.join(dir, 'twice.yaml'), [a, a, a].join('---\n')));
    assert.equal([more.fresh.length, more.known, more.stale], [1, 2, 0]);
    fs.writeFileSync(path.join(dir, 'twice.yaml'), [a, a].join('---\n'));
    const fewer = await roundTrip(dir, () => fs.writeFileSync(path.join(dir, 'twice.yaml'), a));
    assert.equal([fewer.fresh.length, fewer.known, fewer.stale], [0, 1, 1]);
  } finally {
    rmRepo(dir);
  }
});

test('a new finding is reported; a changed message is a new finding', async () => {
  const dir = tmpRepo({ 'a.yaml': deployment('a', 300) });
  try {
    const r = await roundTrip(dir, () => writeFiles(dir, { 'b.yaml': deployment('b', 120) }));
    assert.equal(r.fresh, ['b.yaml:17 projected token expirationSeconds 120 is below the minimum of 600']);
    const changed = await roundTrip(dir, () => writeFiles(dir, { 'a.yaml': deployment('a', 301) }));
    assert.equal([changed.fresh.length, changed.known, changed.stale], [1, 1, 1]);
  } finally {
    rmRepo(dir);
  }
});

test('a fixed finding disappears from the next written baseline', async () => {
  const dir = tmpRepo({ 'a.yaml': deployment('a', 300), 'b.yaml': deployment('b', 120) });
  const file = path.join(dir, 'baseline.json');
  try {
    writeBaseline(file, await findings(dir), dir);
    const before = readBaseline(file).findings.map((e) => e.file);
    writeFiles(dir, { 'a.yaml': deployment('a', 3600) });
    const stale = applyBaseline(await findings(dir), readBaseline(file), file, dir);
    assert.equal([stale.findings.length, stale.known, stale.stale], [0, 1, 1]);
    writeBaseline(file, await findings(dir), dir);
    const after = readBaseline(file).findings.map((e) => e.file);
    assert.equal([before, after], [['a.yaml', 'b.yaml'], ['b.yaml']]);
  } finally {
    rmRepo(dir);
  }
});

test('paths are relative to the baseline file, so it works from another working directory', async () => {
  const dir = tmpRepo({ 'deploy/a.yaml': deployment('a', 300) });
  const file = path.join(dir, 'baseline.json');
  try {
    writeBaseline(file, await findings(path.join(dir, 'deploy'), dir), dir);
    assert.equal(readBaseline(file).findings.map((e) => e.file), ['deploy/a.yaml']);
    const sub = path.join(dir, 'deploy');
    const r = applyBaseline(await findings(sub), readBaseline(file), file, sub);
    assert.equal([r.findings.length, r.known], [0, 1]);
  } finally {
    rmRepo(dir);
  }
});

test('subjects keyed by position lose the line, so IAM findings survive inserted lines too', async () => {
  assert.is(stableSubject('iam:Role@trust-policy.json:12'), 'iam:Role@trust-policy.json');
  assert.is(stableSubject('iam:Role/app@stack.yaml:40'), 'iam:Role/app@stack.yaml');
  assert.is(stableSubject('k8s:ServiceAccount/team-a/app'), 'k8s:ServiceAccount/team-a/app');
  assert.is(stableSubject('arn:aws:iam::123456789012:role/x'), 'arn:aws:iam::123456789012:role/x');
  assert.is(stableSubject('file:a.yaml'), 'file:a.yaml');
  // A trust policy's key carries the line of its document; blank lines in front move it.
  const src = path.join(ROOT, 'fixtures/irsa/trust-subject-exists/invalid-missing-service-account');
  const dir = tmpRepo({});
  try {
    for (const f of fs.readdirSync(src)) if (f !== 'expected.txt') fs.copyFileSync(path.join(src, f), path.join(dir, f));
    if ((await findings(dir)).length === 0) return; // the rule changed; nothing to check here
    const r = await roundTrip(dir, () => {
      for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
        fs.writeFileSync(path.join(dir, f), `\n\n${fs.readFileSync(path.join(dir, f), 'utf8')}`);
      }
    });
    assert.equal([r.fresh, r.stale], [[], 0]);
  } finally {
    rmRepo(dir);
  }
});

test('a file that is not a baseline is an error', async () => {
  const dir = tmpRepo({ 'x.json': '{"version": 2, "findings": []}', 'y.json': 'nope', 'z.json': '{"version": 1, "findings": [{"ruleId": "a/b"}]}' });
  try {
    assert.throws(() => readBaseline(path.join(dir, 'x.json'), 'x.json'), (e: unknown) => e instanceof BaselineError && /x\.json is not an irsa-lint baseline/.test(e.message));
    assert.throws(() => readBaseline(path.join(dir, 'y.json'), 'y.json'), (e: unknown) => e instanceof BaselineError && /y\.json is not JSON/.test(e.message));
    assert.throws(() => readBaseline(path.join(dir, 'z.json'), 'z.json'), (e: unknown) => e instanceof BaselineError && /without ruleId/.test(e.message));
    assert.throws(() => readBaseline(path.join(dir, 'none.json'), 'none.json'), (e: unknown) => e instanceof BaselineError && /cannot read baseline none\.json \(ENOENT\)/.test(e.message));
  } finally {
    rmRepo(dir);
  }
});

test.run();
