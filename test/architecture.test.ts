/**
 * The layers, checked on the import statements of src/ and rules/:
 * - no import cycles;
 * - the model (src/model/) imports no loader, engine, formatter or rule;
 * - the value layer and its evaluators (src/eval/) import no loader, engine, formatter or rule;
 * - rules import no loader (they read the model and the index).
 * The checker is tested on a small made-up graph first, so that a bad import is known to fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.js';

/** Layer prefix → prefixes it must not import. */
const FORBIDDEN: readonly (readonly [layer: string, banned: readonly string[]])[] = [
  ['src/model/', ['src/load/', 'src/engine/', 'src/format/', 'rules/']],
  ['src/eval/', ['src/load/', 'src/engine/', 'src/format/', 'rules/']],
  ['rules/', ['src/load/']],
];

/** File (repository-relative, `/`-separated) → the repository files it imports. */
type Graph = ReadonlyMap<string, readonly string[]>;

/**
 * Module specifiers of `import … from '…'`, `export … from '…'` and `import '…'` statements that
 * start a line (so that comments and strings that quote an import are not read as one).
 */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"]+)\1/gm)) out.push(m[2]);
  for (const m of text.matchAll(/^[ \t]*import\s*(['"])([^'"]+)\1/gm)) out.push(m[2]);
  return out;
}

/** Relative specifiers resolved against the importing file, `.js` read as the `.ts` source. */
function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined; // a package or a Node built-in
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

function graphOf(files: Readonly<Record<string, string>>): Graph {
  const g = new Map<string, string[]>();
  for (const [file, text] of Object.entries(files)) {
    g.set(file, specifiers(text).map((s) => resolve(file, s)).filter((x): x is string => x !== undefined));
  }
  return g;
}

/** `a imports b`, for every import that crosses a forbidden boundary. */
function violations(g: Graph): string[] {
  const out: string[] = [];
  for (const [file, deps] of g) {
    for (const [layer, banned] of FORBIDDEN) {
      if (!file.startsWith(layer)) continue;
      for (const d of deps) if (banned.some((b) => d.startsWith(b))) out.push(`${file} imports ${d}`);
    }
  }
  return out.sort();
}

/** One cycle per strongly connected component that has one (Tarjan), each as `a -> b -> a`, sorted. */
function cycles(g: Graph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      on.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(describeCycle(g, new Set(scc)));
  };
  for (const v of [...g.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort();
}

/** A path from the component's first file back to itself, staying inside the component. */
function describeCycle(g: Graph, scc: ReadonlySet<string>): string {
  const start = [...scc].sort()[0];
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of g.get(v) ?? []) {
      if (!scc.has(w)) continue;
      if (w === start) {
        const chain = [v];
        while (chain[0] !== start) chain.unshift(prev.get(chain[0])!);
        return [...chain, start].join(' -> ');
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return start;
}

function sources(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of ['src', 'rules']) {
    for (const f of fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts')) continue;
      const rel = `${dir}/${f.split(path.sep).join('/')}`;
      out[rel] = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    }
  }
  return out;
}

// ---------------------------------------------------------------- the checker itself

test('specifiers: import and export statements, not comments or strings', () => {
  const text = [
    "import fs from 'node:fs';",
    "import type { A } from './a.js';",
    'import {',
    '  b,',
    '  c,',
    "} from \"../b.js\";",
    "export { d } from './d.js';",
    "export * from './e.js';",
    "import './side-effect.js';",
    " * import { x } from './in-a-comment.js';",
    "const s = \"import { y } from './in-a-string.js'\";",
    "const t = `from './in-a-template.js'`;",
  ].join('\n');
  assert.equal(specifiers(text), ['node:fs', './a.js', '../b.js', './d.js', './e.js', './side-effect.js']);
});

test('the checker reports a forbidden import and a cycle', () => {
  const g = graphOf({
    'src/model/k8s.ts': "import { parseIni } from '../load/ini.js';\nimport { x } from './span.js';",
    'src/model/span.ts': "import type { K } from './k8s.js';",
    'src/load/ini.ts': '',
    'src/eval/value.ts': "import { loc } from '../load/k8s.js';\nimport { Span } from '../model/span.js';",
    'rules/sdk/x.ts': "import { parseIni } from '../../src/load/ini.js';\nimport { y } from '../../src/model/k8s.js';",
    'src/load/k8s.ts': '',
  });
  assert.equal(violations(g), [
    'rules/sdk/x.ts imports src/load/ini.ts',
    'src/eval/value.ts imports src/load/k8s.ts',
    'src/model/k8s.ts imports src/load/ini.ts',
  ]);
  assert.equal(cycles(g), ['src/model/k8s.ts -> src/model/span.ts -> src/model/k8s.ts']);
  assert.equal(cycles(graphOf({ 'src/a.ts': "import './a.js';" })), ['src/a.ts -> src/a.ts']);
  assert.equal(cycles(graphOf({ 'src/a.ts': "import './b.js';", 'src/b.ts': "import './c.js';", 'src/c.ts': '' })), []);
});

// ---------------------------------------------------------------- the repository

const graph = graphOf(sources());

test('the import graph is read (a few known edges)', () => {
  assert.ok(graph.size > 50, `${graph.size} files`);
  assert.ok(graph.get('src/api.ts')?.includes('rules/index.ts'));
  assert.ok(graph.get('src/model/index.ts')?.includes('src/model/trust.ts'));
  for (const [file, deps] of graph) for (const d of deps) assert.ok(graph.has(d), `${file} imports ${d}, which is not a source file`);
});

test('no import cycles in src/ and rules/', () => {
  assert.equal(cycles(graph), []);
});

test('the model, the value layer and the rules import only what their layer may', () => {
  assert.equal(violations(graph), []);
});

/**
 * Trust-policy and document semantics live in the model (src/model/trust.ts, the parsed
 * `Statement`), not in copies inside rules: no rule defines these helpers again, walks a
 * statement's raw `Condition` block, or reads positioned trees, except the one rule that checks
 * the raw shape of a CredentialsRequest's providerSpec.
 */
const RAW_TREE_RULES = new Set(['rules/openshift/credentials-request-shape.ts']);
const MODEL_HELPERS = ['conditionsStatic', 'documentKey', 'compactLength', 'admitsIgnoringPrefix', 'statementAdmitsIgnoringPrefix', 'hasTemplates', 'statementProviders'];

test('rules read the model: no copies of the trust helpers, no walks of raw condition blocks or trees', () => {
  const problems: string[] = [];
  for (const [file, text] of Object.entries(sources())) {
    if (!file.startsWith('rules/')) continue;
    for (const name of MODEL_HELPERS) if (new RegExp(`\\bfunction ${name}\\b|\\b${name}\\s*=\\s*\\(`).test(text)) problems.push(`${file} defines ${name}`);
    if (/conditionEntry\??\.value(?!\.unknown)/.test(text)) problems.push(`${file} walks the raw Condition block`);
    if (!RAW_TREE_RULES.has(file) && graph.get(file)?.includes('src/model/pnode.ts')) problems.push(`${file} reads positioned trees`);
  }
  assert.equal(problems, []);
});

test.run();
