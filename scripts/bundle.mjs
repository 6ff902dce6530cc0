// Bundles the CLI, the GitHub Action and the parse worker with esbuild into dist/bundle/, which is
// committed: the `irsa-lint` binary and action.yml run it, with no install or build step.
//
// Usage: node scripts/bundle.mjs [OUTDIR]   (npm run bundle; OUTDIR defaults to dist/bundle and
// holds nothing else: files there that a bundle does not have are removed)
//
// What it writes (see src/bundle/launch.cts for how the program is started):
//   irsa-lint.cjs          the program: src/ and rules/ with yaml, picocolors, picomatch and ignore
//   cli.cjs, action.cjs, parse-worker.cjs
//                          launchers: each compiles the program with a V8 code cache and runs one entry
//   typescript-estree.cjs  @typescript-eslint/typescript-estree and typescript, loaded on the first CDK/Pulumi file
//   web-tree-sitter.cjs, web-tree-sitter.wasm, tree-sitter-terraform.wasm
//                          the HCL parser, loaded on the first Terraform configuration
//   licenses.txt           the licences of the bundled packages
//
// The output is the same, byte for byte, on every machine: no absolute path, date or random name
// gets in (test/bundle.test.ts compares a fresh bundle with the committed one).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(path.join(root, 'package.json'));
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'bundle'));
if (fs.existsSync(path.join(outdir, 'package.json')) || outdir === root) {
  console.error(`bundle: ${outdir} is not a bundle directory`);
  process.exit(2);
}

/**
 * Packages that src/ loads on first use, with `createRequire(import.meta.url)(name)`, and where the
 * bundle has them: in the program (small ones, evaluated on first use all the same) or in a file of
 * their own next to it (heavy ones, read from disk on first use). Files src/ finds with
 * `.resolve(name)` are copied next to the program.
 */
const LAZY = {
  picomatch: { bundled: true },
  ignore: { bundled: true },
  '@typescript-eslint/typescript-estree': { file: 'typescript-estree.cjs' },
  'web-tree-sitter': { file: 'web-tree-sitter.cjs' },
};
const FILES = {
  '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm': 'tree-sitter-terraform.wasm',
  // web-tree-sitter.cjs finds its runtime next to itself.
  'web-tree-sitter/web-tree-sitter.wasm': 'web-tree-sitter.wasm',
};

/**
 * `node:module` as src/ sees it in the bundle: `createRequire(url)(name)` gives the bundle's copy of
 * the packages above (an unknown package is an error, not a silent dependency on node_modules) and
 * Node's built-in modules; `.resolve(name)` the files above, next to the program.
 */
function moduleShim() {
  const load = Object.entries(LAZY)
    .map(([name, where]) => `  ${JSON.stringify(name)}: () => require(${JSON.stringify(where.bundled ? name : `./${where.file}`)}),`)
    .join('\n');
  const files = Object.entries(FILES)
    .map(([name, file]) => `  ${JSON.stringify(name)}: ${JSON.stringify(file)},`)
    .join('\n');
  return `import { createRequire as nodeCreateRequire, isBuiltin } from 'node:module';
import path from 'node:path';
const packages = {
${load}
};
const files = {
${files}
};
function notBundled(name) {
  return Object.assign(new Error(\`Cannot find module '\${name}': it is not in the irsa-lint bundle (scripts/bundle.mjs)\`), { code: 'MODULE_NOT_FOUND' });
}
export function createRequire(from) {
  const node = nodeCreateRequire(from);
  const req = (name) => {
    if (Object.hasOwn(packages, name)) return packages[name]();
    if (isBuiltin(name)) return node(name);
    throw notBundled(name);
  };
  req.resolve = (name) => {
    if (Object.hasOwn(files, name)) return path.join(__dirname, files[name]);
    if (isBuiltin(name)) return name;
    throw notBundled(name);
  };
  return req;
}
`;
}

const inSources = (p) => /^(src|rules)\//.test(path.relative(root, p).split(path.sep).join('/'));

/** The program's view of `node:module` and of the files next to it. */
const programPlugin = {
  name: 'irsa-lint-program',
  setup(build) {
    build.onResolve({ filter: /^(node:)?module$/ }, (args) => (inSources(args.importer) ? { path: 'node:module', namespace: 'irsa-lint-module' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'irsa-lint-module' }, () => ({ contents: moduleShim(), loader: 'js', resolveDir: root }));
    const own = new Set(Object.values(LAZY).flatMap((w) => (w.file ? [`./${w.file}`] : [])));
    build.onResolve({ filter: /^\.\/[\w-]+\.cjs$/ }, (args) => (args.namespace === 'irsa-lint-module' && own.has(args.path) ? { path: args.path, external: true } : undefined));
  },
};

/**
 * Built-in modules that src/ imports but most runs never use, loaded on the first call of one of
 * these functions (crypto and child_process cost several milliseconds of start-up each). A name
 * that src/ imports and this list lacks fails the build ("No matching export").
 */
const ON_FIRST_USE = {
  'node:crypto': ['createHash', 'randomBytes', 'randomUUID'],
  'node:child_process': ['spawnSync'],
};

/**
 * Node's built-in modules as src/ imports them: each through one module of the bundle, so that
 * esbuild's CommonJS-to-ESM wrapper of `fs` or `path` (a getter per export) is made once, not once
 * per importing file: forty copies of `fs` cost several milliseconds of every start.
 */
const builtinsPlugin = {
  name: 'irsa-lint-builtins',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => (inSources(args.importer) || args.namespace === 'irsa-lint-module' ? { path: args.path, namespace: 'irsa-lint-builtin' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'irsa-lint-builtin' }, (args) => {
      const id = JSON.stringify(args.path);
      const lazy = ON_FIRST_USE[args.path];
      const contents = lazy
        ? `let m;\nconst load = () => (m ??= require(${id}));\n${lazy.map((n) => `export function ${n}(...args) {\n  return load().${n}(...args);\n}\n`).join('')}`
        : `export { default } from ${id};\nexport * from ${id};\n`;
      return { contents, loader: 'js', resolveDir: root };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20.9',
  format: 'cjs',
  write: false,
  metafile: true,
  legalComments: 'eof',
  logLevel: 'warning',
  // Not minified: minifying saved no measurable start-up time once the code cache is warm, and
  // readable code keeps stack traces readable.
};

const outputs = new Map();
const inputs = new Set();
async function build(options) {
  const r = await esbuild.build({ ...common, ...options, outdir });
  for (const f of r.outputFiles) outputs.set(path.relative(outdir, f.path), Buffer.from(f.contents));
  for (const i of Object.keys(r.metafile.inputs)) inputs.add(i);
  return r;
}

// The program. `import.meta` becomes the program file's (src/ finds package.json, schemas/ and its
// parse worker from there); run directly rather than through a launcher, it would start nothing.
await build({
  entryPoints: { 'irsa-lint': 'src/bundle/program.ts' },
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__irsaLintModuleUrl', 'import.meta.resolve': 'undefined' },
  banner: {
    js: [
      '// irsa-lint, bundled by scripts/bundle.mjs from src/ and rules/: run cli.cjs or action.cjs next to it.',
      'if (require.main === module) { process.stderr.write("irsa-lint: run cli.cjs next to this file\\n"); process.exit(2); }',
      'var __irsaLintModuleUrl = require("node:url").pathToFileURL(__filename).href;',
    ].join('\n'),
  },
  plugins: [programPlugin, builtinsPlugin],
});

// The heavy parts, each a file of its own. The launcher compiles them with a vm.Script, which has
// no dynamic import(): the few a package has (web-tree-sitter's import("fs/promises")) become require.
for (const [name, where] of Object.entries(LAZY)) {
  if (where.bundled) continue;
  await build({ entryPoints: { [where.file.replace(/\.cjs$/, '')]: require.resolve(name) }, outExtension: { '.js': '.cjs' }, supported: { 'dynamic-import': false } });
}

// The launchers, which know the files they compile by their hashes. They read them as Latin-1
// (esbuild escapes every other character).
const compiled = ['irsa-lint.cjs', ...Object.values(LAZY).flatMap((w) => (w.file ? [w.file] : []))];
const hashes = {};
for (const f of compiled) {
  const bytes = outputs.get(f);
  if (bytes.some((b) => b > 0x7f)) throw new Error(`bundle: ${f} is not ASCII`);
  hashes[f] = createHash('sha256').update(bytes).digest('hex');
}
for (const [file, entry, shebang] of [
  ['cli', 'startCli', true],
  ['action', 'startAction', false],
  ['parse-worker', 'startParseWorker', false],
]) {
  await build({
    stdin: { contents: `import { start } from './src/bundle/launch.cts';\nstart(${JSON.stringify(entry)}, __dirname);\n`, resolveDir: root, sourcefile: `${file}.cjs`, loader: 'js' },
    outExtension: { '.js': '.cjs' },
    entryNames: file,
    define: { IRSA_LINT_FILES: JSON.stringify(hashes) },
    banner: { js: `${shebang ? '#!/usr/bin/env node\n' : ''}// irsa-lint launcher (scripts/bundle.mjs, src/bundle/launch.cts).` },
  });
  if (!outputs.has(`${file}.cjs`)) throw new Error(`bundle: no ${file}.cjs`);
}
for (const [name, file] of Object.entries(FILES)) outputs.set(file, fs.readFileSync(require.resolve(name)));

// Licences of every package that went into the bundle, by name.
const packages = new Map();
for (const i of inputs) {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i.split(path.sep).join('/'));
  if (m) packages.set(m[1], path.join(root, 'node_modules', m[1]));
}
for (const name of Object.keys(FILES)) {
  const m = /^((?:@[^/]+\/)?[^/]+)\//.exec(name);
  packages.set(m[1], path.join(root, 'node_modules', m[1]));
}
const notices = [...packages]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([name, dir]) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const licence = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = licence ? fs.readFileSync(path.join(dir, licence), 'utf8').replace(/\r\n/g, '\n').trim() : '(no licence file in the package)';
    return `${name} ${pkg.version}\nLicense: ${typeof pkg.license === 'string' ? pkg.license : JSON.stringify(pkg.license)}\n\n${text}\n`;
  });
outputs.set('licenses.txt', Buffer.from(`Packages bundled in this directory, with their licences.\n\n${notices.join('\n' + '-'.repeat(80) + '\n\n')}`));

// Write, and remove what a bundle no longer has.
fs.mkdirSync(outdir, { recursive: true });
for (const [file, bytes] of [...outputs].sort()) {
  const p = path.join(outdir, file);
  if (!fs.existsSync(p) || !fs.readFileSync(p).equals(bytes)) fs.writeFileSync(p, bytes);
  fs.chmodSync(p, file === 'cli.cjs' ? 0o755 : 0o644);
}
for (const f of fs.readdirSync(outdir)) if (!outputs.has(f)) fs.rmSync(path.join(outdir, f), { recursive: true, force: true });
const size = (n) => `${(n / 1024).toFixed(0)} KiB`;
for (const [file, bytes] of [...outputs].sort()) console.log(`${path.relative(process.cwd(), path.join(outdir, file)).padEnd(40)} ${size(bytes.length).padStart(10)}`);
