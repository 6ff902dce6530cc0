/**
 * The heap of the linter's own process (src/heap.ts): bounding the young generation keeps it at
 * its first size, a run given `tuneHeap` bounds it once its walk has found enough files, and the
 * report is the same either way.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../src/api.js';
import { discover } from '../src/load/discover.js';
import { formatFindingLines } from '../src/format/text.js';
import { computeMap } from '../src/map/command.js';
import { rmRepo, tmpRepo } from './config/tmp.js';
import { ROOT } from './helpers.js';

/** The young generation's size (MB) after a burst of allocation with 100,000 objects alive, in a fresh process. */
function youngGenerationAfterBurst(bound: boolean): number {
  const heap = path.join(ROOT, 'src', 'heap.ts');
  const script = [
    "import v8 from 'node:v8';",
    `import { boundYoungGeneration } from ${JSON.stringify(heap)};`,
    bound ? 'boundYoungGeneration();' : '',
    'let keep = [];',
    'for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 1e5) keep = []; }',
    "console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20);",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('bounding the young generation keeps it at a fraction of the size V8 grows it to', () => {
  const grown = youngGenerationAfterBurst(false);
  const bounded = youngGenerationAfterBurst(true);
  assert.ok(grown >= 16, `without the bound the young generation grows (${grown} MB)`);
  assert.ok(bounded <= grown / 4, `bounded: ${bounded} MB, grown: ${grown} MB`);
});

test('the walk calls `many` once, when it has found that many files', () => {
  const files: Record<string, string> = {};
  for (let d = 0; d < 5; d++) for (let f = 0; f < 3; f++) files[`apps/d${d}/f${f}.yaml`] = 'kind: ConfigMap\n';
  const dir = tmpRepo(files);
  try {
    let calls = 0;
    const found = () => calls++;
    assert.is(discover(['.'], dir, { many: { files: 15, found } }).files.length, 15);
    assert.is(calls, 1);
    calls = 0;
    discover(['.'], dir, { many: { files: 4, found } });
    assert.is(calls, 1, 'called once, not once per directory past the count');
    calls = 0;
    discover(['.'], dir, { many: { files: 16, found } });
    assert.is(calls, 0, 'never called for fewer files');
  } finally {
    rmRepo(dir);
  }
});

test('a run given tuneHeap reports what a run without it reports', async () => {
  const plain = await lint(['fixtures'], { cwd: ROOT });
  const tuned = await lint(['fixtures'], { cwd: ROOT, tuneHeap: true });
  assert.ok(plain.files.length >= 200, 'the fixtures are enough files to bound the young generation');
  assert.is(formatFindingLines(tuned.findings, false, true), formatFindingLines(plain.findings, false, true));
  assert.is(tuned.files.length, plain.files.length);
});

test('an access map computed with tuneHeap is the one computed without it', async () => {
  const plain = await computeMap({ cwd: ROOT, paths: ['fixtures'] });
  const tuned = await computeMap({ cwd: ROOT, paths: ['fixtures'], tuneHeap: true });
  assert.ok(plain.map.rows.length > 0, 'the fixtures give rows');
  assert.is(JSON.stringify(tuned.map), JSON.stringify(plain.map));
});

test.run();
