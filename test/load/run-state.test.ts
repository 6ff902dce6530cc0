/** The incremental run's state file (src/load/run-state.ts): what is recorded reads back, and a damaged or foreign file is never trusted. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunState, STATE_FILE, type FileBody, type FileHead } from '../../src/load/run-state.js';

const head = (n: number): FileHead => ({ hash: `h${n}`, size: n, mtimeMs: 1000 + n + 0.25, ctimeMs: 2000 + n, ino: n });
const body = (keys: string[], reads: string[], findings = 0): FileBody => ({
  comments: [],
  unit: { keys, reads, findings: Array.from({ length: findings }, (_, i) => ({ ruleId: 'r/x', messageId: 'm', message: `m${i}`, severity: 'error', location: { file: 'f', line: 1, column: 1, endLine: 1, endColumn: 2 }, related: [], subject: 's', fingerprint: '' })), problems: [], digest: 'd' },
});

function withDir(f: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-state-'));
  try {
    f(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('what is recorded reads back: heads, bodies, readers and carriers, resource keys', () =>
  withDir((dir) => {
    const s = RunState.empty();
    s.set('b.yaml', head(2), body(['# sa/b', 'sa ns/b'], ['cm ns/x']));
    s.set('a.yaml', head(1), body(['# dep/a', 'wSa ns/b'], ['sa ns/b', 'cm ns/x'], 1));
    s.set('c\ttab.yaml', head(3), { comments: [] });
    s.set('d.yaml', { ...head(4), mtimeMs: 4000 }, { comments: [] });
    assert.ok(s.write(dir, '1.0.0', 'k', 5000));
    const r = RunState.read(dir, '1.0.0', 'k')!;
    assert.ok(r);
    assert.is(r.startedAt, 5000);
    assert.equal(r.paths.sort(), ['a.yaml', 'b.yaml', 'c\ttab.yaml', 'd.yaml']);
    assert.equal(r.head('a.yaml'), head(1));
    assert.equal(r.body('a.yaml'), body(['# dep/a', 'wSa ns/b'], ['sa ns/b', 'cm ns/x'], 1));
    assert.equal(r.readersOf('sa ns/b'), ['a.yaml']);
    assert.equal(r.readersOf('cm ns/x').sort(), ['a.yaml', 'b.yaml']);
    assert.equal(r.carriersOf('sa ns/b'), ['b.yaml']);
    assert.equal(r.carriersOf('nothing'), []);
    assert.equal(r.resourceKeys('# ').sort(), ['dep/a', 'sa/b']);
    assert.ok(r.flagged('a.yaml') && !r.flagged('b.yaml') && !r.flagged('c\ttab.yaml'));
    // Metadata: unchanged only when equal and older than the run by more than the timestamp granularity.
    assert.ok(r.unchanged('a.yaml', head(1)));
    assert.not.ok(r.unchanged('a.yaml', { ...head(1), mtimeMs: 1002 }));
    assert.not.ok(r.unchanged('d.yaml', { ...head(4), mtimeMs: 4000 }), 'modified within 2 s before the run began: read again');
  }),
);

test('updates: a file replaced, touched, removed and added; readers and carriers follow', () =>
  withDir((dir) => {
    const s = RunState.empty();
    s.set('a.yaml', head(1), body(['# a'], ['k1', 'k2']));
    s.set('b.yaml', head(2), body(['# b', 'k1'], []));
    s.write(dir, 'v', 'k', 1);
    const r = RunState.read(dir, 'v', 'k')!;
    r.set('a.yaml', head(11), body(['# a'], ['k2', 'k3']));
    r.touch('b.yaml', { ...head(2), mtimeMs: 99 });
    r.set('c.yaml', head(3), body(['# c', 'k1'], ['k1']));
    assert.equal(r.readersOf('k1'), ['c.yaml']);
    assert.equal(r.carriersOf('k1').sort(), ['b.yaml', 'c.yaml']);
    r.delete('b.yaml');
    assert.equal(r.carriersOf('k1'), ['c.yaml']);
    r.write(dir, 'v', 'k', 2);
    const t = RunState.read(dir, 'v', 'k')!;
    assert.equal(t.paths.sort(), ['a.yaml', 'c.yaml']);
    assert.equal(t.head('a.yaml'), head(11));
    assert.equal(t.body('a.yaml').unit!.reads, ['k2', 'k3']);
    assert.equal(t.readersOf('k1'), ['c.yaml']);
    assert.equal(t.readersOf('k3'), ['a.yaml']);
    assert.equal(t.resourceKeys('# ').sort(), ['a', 'c']);
    // Touched only: the columns as read, with new metadata.
    const u = RunState.read(dir, 'v', 'k')!;
    u.touch('c.yaml', { ...head(3), mtimeMs: 7 });
    u.write(dir, 'v', 'k', 3);
    assert.is(RunState.read(dir, 'v', 'k')!.head('c.yaml')!.mtimeMs, 7);
    assert.equal(RunState.read(dir, 'v', 'k')!.body('c.yaml'), body(['# c', 'k1'], ['k1']));
  }),
);

test('the key table is compacted when it has doubled, and reads back the same', () =>
  withDir((dir) => {
    let s = RunState.empty();
    s.set('a.yaml', head(1), body(['# a'], ['stable']));
    s.write(dir, 'v', 'k', 1);
    // Each run reads new keys: the table grows until it is written afresh.
    for (let run = 0; run < 30; run++) {
      s = RunState.read(dir, 'v', 'k')!;
      s.set('b.yaml', head(2), body(['# b'], Array.from({ length: 100 }, (_, i) => `run${run}-${i}`)));
      s.write(dir, 'v', 'k', 2 + run);
    }
    const text = fs.readFileSync(path.join(dir, STATE_FILE), 'utf8');
    const strings = (JSON.parse(text.slice(text.indexOf('\n') + 1)) as { strings: string[] }).strings;
    assert.ok(strings.length < 2200, `compacted: ${strings.length} keys`);
    const r = RunState.read(dir, 'v', 'k')!;
    assert.equal(r.body('a.yaml').unit!.reads, ['stable']);
    assert.equal(r.body('b.yaml').unit!.reads, Array.from({ length: 100 }, (_, i) => `run29-${i}`));
    assert.equal(r.readersOf('stable'), ['a.yaml']);
    assert.equal(r.readersOf('run29-5'), ['b.yaml']);
    assert.equal(r.readersOf('run3-5'), []);
  }),
);

test('another version or options key, a flipped byte, a truncated or missing file: not read', () =>
  withDir((dir) => {
    const s = RunState.empty();
    s.set('a.yaml', head(1), body(['# a'], ['k']));
    s.write(dir, 'v', 'k', 1);
    assert.ok(RunState.read(dir, 'v', 'k'));
    assert.is(RunState.read(dir, 'w', 'k'), undefined, 'version');
    assert.is(RunState.read(dir, 'v', 'other'), undefined, 'options');
    const file = path.join(dir, STATE_FILE);
    const good = fs.readFileSync(file);
    const bad = Buffer.from(good);
    bad[bad.length - 5] ^= 0x01;
    fs.writeFileSync(file, bad);
    assert.is(RunState.read(dir, 'v', 'k'), undefined, 'flipped byte');
    fs.writeFileSync(file, good.subarray(0, good.length - 20));
    assert.is(RunState.read(dir, 'v', 'k'), undefined, 'truncated');
    fs.writeFileSync(file, 'not a state\n{}');
    assert.is(RunState.read(dir, 'v', 'k'), undefined, 'foreign');
    fs.rmSync(file);
    assert.is(RunState.read(dir, 'v', 'k'), undefined, 'missing');
  }),
);

test.run();
