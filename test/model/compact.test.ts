/**
 * The model's memory helpers (src/model/compact.ts) behave as the structures they replace: a
 * `keyed()` map answers and iterates as a `Map` filled by `set` in the same order would, every empty
 * list is the one frozen `NONE`, and `intern` gives back the string it was given.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exact, intern, keyed, KeyedList, none, NONE, own } from '../../src/model/compact.js';

interface Entry {
  readonly key: { readonly value: string };
  readonly n: number;
}
const entry = (key: string, n: number): Entry => ({ key: { value: key }, n });

/** What a Map filled by `set` in this order holds, as the same entries. */
function asMap(values: readonly Entry[]): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const v of values) m.set(v.key.value, v);
  return m;
}

/** Everything a reader can ask of a read-only map, as text. */
function readAll(m: ReadonlyMap<string, Entry>, probes: readonly string[]): string {
  const each: string[] = [];
  m.forEach((v, k, self) => each.push(`${k}=${v.n}${self === m ? '' : '!'}`));
  return JSON.stringify({
    size: m.size,
    entries: [...m.entries()].map(([k, v]) => [k, v.n]),
    iterated: [...m].map(([k, v]) => [k, v.n]),
    keys: [...m.keys()],
    values: [...m.values()].map((v) => v.n),
    each,
    get: probes.map((p) => m.get(p)?.n ?? null),
    has: probes.map((p) => m.has(p)),
  });
}

const CASES: [what: string, values: Entry[]][] = [
  ['none', []],
  ['one', [entry('app', 1)]],
  ['three', [entry('app', 1), entry('team', 2), entry('tier', 3)]],
  ['a key given twice keeps its first place and its last value', [entry('a', 1), entry('b', 2), entry('a', 3)]],
  ['eight', Array.from({ length: 8 }, (_, i) => entry(`k${i}`, i))],
  ['nine (a Map)', Array.from({ length: 9 }, (_, i) => entry(`k${8 - i}`, i))],
  ['twelve with repeats', Array.from({ length: 12 }, (_, i) => entry(`k${i % 5}`, i))],
];

for (const [what, values] of CASES) {
  test(`keyed: ${what}: read as the Map of the same sets`, () => {
    const probes = ['app', 'team', 'a', 'b', 'k0', 'k4', 'k8', 'missing', ''];
    assert.is(readAll(keyed(values), probes), readAll(asMap(values), probes));
  });
}

test('keyed: a list up to eight values is a KeyedList, a longer one a Map', () => {
  assert.instance(keyed([entry('a', 1)]), KeyedList);
  assert.instance(keyed(Array.from({ length: 8 }, (_, i) => entry(`k${i}`, i))), KeyedList);
  assert.instance(keyed(Array.from({ length: 9 }, (_, i) => entry(`k${i}`, i))), Map);
  assert.is(keyed([]), keyed([]), 'one empty map for all');
});

test('keyed: the values are the ones given, not copies', () => {
  const a = entry('a', 1);
  assert.is(keyed([a]).get('a'), a);
  assert.is([...keyed([entry('b', 2), a]).values()][1], a);
});

test('NONE: the one empty list, frozen; exact() and none() give it for empty lists', () => {
  assert.is(exact([]), NONE);
  assert.is(none<number>(), NONE);
  assert.ok(Object.isFrozen(NONE));
  assert.throws(() => (none<number>() as number[]).push(1));
  const three = [1, 2, 3];
  assert.equal(exact(three), three);
  assert.is.not(exact(three), three);
});

test('intern and own: the same text back, for short, long, sliced and concatenated strings', () => {
  const text = `prefix ${'x'.repeat(200)} arn:aws:iam::123456789012:role/app suffix`;
  const sliced = text.slice(text.indexOf('arn:'), text.indexOf(' suffix'));
  const long = text.slice(1, 180);
  for (const s of ['', 'a', 'team-1', sliced, long, ['k8s:', 'ConfigMap', '/', 'team'].join(''), 'team' + '-' + String(7)]) {
    assert.is(intern(s), s);
    assert.is(own(s), s);
  }
  assert.is(intern(sliced), intern(`arn:aws:iam::123456789012:role/app`));
});

test('intern: a table full of distinct strings starts afresh and keeps answering', () => {
  for (let i = 0; i < (1 << 17) + 10; i++) assert.is(intern(`name-${i}`), `name-${i}`);
  assert.is(intern('name-3'), 'name-3');
});

test.run();
