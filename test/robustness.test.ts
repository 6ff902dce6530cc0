/**
 * No input crashes a rule. Every YAML/JSON file of the fixtures is mutated deterministically —
 * a node replaced by a value of another type (map, list, number, boolean, null, empty string,
 * template) — and linted with every rule; the run must complete (a rule that throws makes `lint`
 * throw a RuleError). Seeded, so a failure names the file and mutant that reproduce it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { lint } from '../src/api.js';
import { ROOT } from './helpers.js';

const MUTANTS_PER_FILE = Number(process.env.FUZZ_MUTANTS ?? 3);

function files(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (/\.(ya?ml|json)$/.test(e.name) && e.name !== 'options.json') out.push(p);
  }
  return out.sort();
}

let seed = 1;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);

const REPLACEMENTS = [{ a: 1 }, ['x', 2], 7, -1, true, null, '', '{{ .Values.x }}', 'arn:aws:iam::123456789012:role/x', [{ name: 1 }]];

/** All nodes of a document (maps, lists, scalars), in document order. */
function nodes(n: unknown, out: { parent: unknown; key: unknown }[] = [], parent?: unknown, key?: unknown): { parent: unknown; key: unknown }[] {
  if (parent !== undefined) out.push({ parent, key });
  if (isMap(n)) for (const it of n.items) nodes(it.value, out, n, it.key);
  else if (isSeq(n)) n.items.forEach((it, i) => nodes(it, out, n, i));
  return out;
}

function mutate(text: string): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length === 0) return undefined;
  const doc = docs[rnd(docs.length)];
  // A stream with a broken document cannot be printed back (templated fixtures have some).
  if (docs.some((d) => d.errors.length) || !doc.contents) return undefined;
  const all = nodes(doc.contents as Node);
  if (all.length === 0) return undefined;
  const { parent, key } = all[rnd(all.length)];
  const value = doc.createNode(REPLACEMENTS[rnd(REPLACEMENTS.length)]);
  if (isMap(parent)) parent.set(isScalar(key) ? key.value : key, value);
  else if (isSeq(parent)) parent.set(key as number, value);
  return docs.map((d) => d.toString()).join('');
}

test('mutated fixtures never crash a rule', async () => {
  const list = files(path.join(ROOT, 'fixtures'));
  assert.ok(list.length > 100, `found ${list.length} fixture files`);
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'irsa-fuzz-'));
  let runs = 0;
  try {
    for (const file of list) {
      const text = fs.readFileSync(file, 'utf8');
      for (let m = 0; m < MUTANTS_PER_FILE; m++) {
        const mutant = mutate(text);
        if (mutant === undefined) continue;
        // The mutant replaces its file in a copy of its directory, so cross-references still resolve.
        const caseDir = path.join(tmp, `c${runs}`);
        fs.cpSync(path.dirname(file), caseDir, { recursive: true });
        fs.writeFileSync(path.join(caseDir, path.basename(file)), mutant);
        try {
          await lint(['.'], { cwd: caseDir, strictMessages: true });
          runs++;
        } catch (e) {
          assert.unreachable(`${path.relative(ROOT, file)} mutant ${m}: ${(e as Error).message}\n${mutant}`);
        } finally {
          fs.rmSync(caseDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  assert.ok(runs > 300, `${runs} mutants linted`);
});

test.run();
