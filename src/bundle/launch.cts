/**
 * The launchers of the bundle: `dist/bundle/cli.cjs` (the `irsa-lint` binary), `action.cjs` (the
 * GitHub Action) and `parse-worker.cjs` (worker threads) each run one entry of the program,
 * `irsa-lint.cjs`, next to them (scripts/bundle.mjs builds them all).
 *
 * The program, and the parsers it loads on first use from files of their own
 * (`typescript-estree.cjs`, `web-tree-sitter.cjs`), are compiled with a V8 code cache, so that a
 * run does not parse and compile megabytes of JavaScript again: without it, compiling is most of
 * a short run's start-up. A file's cache is written at the end of the first run that loads it,
 * after its code has run (it then holds the functions that run compiled, not just the top
 * level), once per file and Node.js version, to `$XDG_CACHE_HOME/irsa-lint/code-cache/`
 * (`~/.cache/irsa-lint/code-cache/` by default) or to the directory `IRSA_LINT_CODE_CACHE` names
 * (again by the next run that lints when the first one only printed the version or the help);
 * `IRSA_LINT_CODE_CACHE=off` turns it off. Cache data is trusted as the program is (it is compiled
 * code): it lives in the user's own cache directory and is written by rename. A cache file that is
 * missing, unreadable, of another file, Node.js version, architecture or set of V8 options, or cut
 * short, is ignored and written again: the file then compiles as it would without one. Worker
 * threads read the cache and never write it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/**
 * The SHA-256 (hex) of each file of the bundle that is compiled with the code cache, by name
 * (set by scripts/bundle.mjs): the program and the parsers it loads on first use.
 */
declare const IRSA_LINT_FILES: Readonly<Record<string, string>>;

export type Entry = 'startCli' | 'startAction' | 'startParseWorker';

const PROGRAM = 'irsa-lint.cjs';
const MAGIC = Buffer.from('irsa-lint code cache 1\n');
/**
 * Header: magic, then 8 bytes each: the file's size and mtime (ms), the length of the V8 data, and
 * 1 when the run that wrote it only printed the version or the help (see `briefRun`).
 */
const HEADER = MAGIC.length + 32;
/** Cache files kept in the directory (other files, versions and options), the newest. */
const KEEP = 8;

/** The code cache directory, or undefined when it is turned off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.IRSA_LINT_CODE_CACHE;
  if (setting !== undefined && /^(off|0|false|no)$/i.test(setting.trim())) return undefined;
  if (setting) return path.resolve(setting);
  try {
    return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'irsa-lint', 'code-cache');
  } catch {
    return undefined;
  }
}

/**
 * The part of a cache file's name that V8 would reject data across besides the file: the Node.js
 * version, the architecture and the Node.js options (`--stack-size`, `NODE_OPTIONS=...`), so that
 * runs with other options get files of their own instead of overwriting each other's.
 */
function runtimeKey(): string {
  const options = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0');
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < options.length; i++) h = Math.imul(h ^ options.charCodeAt(i), 0x01000193) >>> 0;
  return `${process.version}-${process.arch}-${h.toString(16).padStart(8, '0')}`;
}

/**
 * Does this run only print the version or the help? Its cache then holds little more than the
 * top level, so the next run that does more writes the file again (once).
 */
function briefRun(): boolean {
  const args = process.argv.slice(2);
  return args.length === 1 && ['--version', '-v', '--help', '-h', 'help'].includes(args[0]);
}

function header(stat: fs.Stats, data: Buffer, brief: boolean): Buffer {
  const h = Buffer.alloc(HEADER);
  MAGIC.copy(h, 0);
  h.writeDoubleLE(stat.size, MAGIC.length);
  h.writeDoubleLE(stat.mtimeMs, MAGIC.length + 8);
  h.writeDoubleLE(data.length, MAGIC.length + 16);
  h.writeDoubleLE(brief ? 1 : 0, MAGIC.length + 24);
  return h;
}

/** The V8 data of a cache file written for this very file (same size and mtime), or undefined. */
function readCache(file: string, stat: fs.Stats): { data: Buffer; brief: boolean } | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.length <= HEADER || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (buf.readDoubleLE(MAGIC.length) !== stat.size || buf.readDoubleLE(MAGIC.length + 8) !== stat.mtimeMs || buf.readDoubleLE(MAGIC.length + 16) !== buf.length - HEADER) return undefined;
  return { data: buf.subarray(HEADER), brief: buf.readDoubleLE(MAGIC.length + 24) === 1 };
}

/** Write by rename (a reader never sees half a file), then drop the oldest files past `KEEP`. */
function writeCache(dir: string, file: string, stat: fs.Stats, data: Buffer, brief: boolean): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([header(stat, data, brief), data]), { mode: 0o600 });
    fs.renameSync(tmp, file);
    const files = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.bin'))
      .map((n) => ({ p: path.join(dir, n), t: fs.statSync(path.join(dir, n)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const f of files.slice(KEEP)) fs.rmSync(f.p, { force: true });
  } catch {
    /* no cache this time */
  }
}

interface Loader {
  readonly dir: string;
  readonly cacheDir: string | undefined;
  /** Write cache files (not in worker threads). */
  readonly write: boolean;
  /** The exports of the files loaded, by name. */
  readonly loaded: Map<string, unknown>;
}

/**
 * Compile and run the CommonJS file `name` of the bundle, with its code cache, and give its
 * exports. Its `require` of another such file (`./typescript-estree.cjs`) loads that one the same way.
 */
function load(l: Loader, name: string): unknown {
  if (l.loaded.has(name)) return l.loaded.get(name);
  const file = path.join(l.dir, name);
  const stat = fs.statSync(file);
  // The files are ASCII (scripts/bundle.mjs checks): read as Latin-1, the fastest decoding.
  const source = fs.readFileSync(file, 'latin1');
  const cacheFile = l.cacheDir && path.join(l.cacheDir, `${IRSA_LINT_FILES[name].slice(0, 16)}-${runtimeKey()}.bin`);
  const cached = cacheFile ? readCache(cacheFile, stat) : undefined;
  // The wrapper of a CommonJS module, on the file's first line (its line numbers stay).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData: cached?.data });
  const brief = briefRun();
  if (cacheFile && l.write && (cached === undefined || script.cachedDataRejected || (cached.brief && !brief))) {
    process.once('exit', () => writeCache(l.cacheDir!, cacheFile, stat, script.createCachedData(), brief));
  }
  const node = createRequire(file);
  const require = Object.assign((id: string) => (id.startsWith('./') && Object.hasOwn(IRSA_LINT_FILES, id.slice(2)) ? load(l, id.slice(2)) : node(id)), {
    resolve: node.resolve,
    cache: node.cache,
    main: node.main,
  });
  const mod = { exports: {} };
  l.loaded.set(name, mod.exports);
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, require, mod, file, l.dir);
  l.loaded.set(name, mod.exports);
  return mod.exports;
}

/** Run `entry` of the program in the directory `dir` (the launcher's own). */
export function start(entry: Entry, dir: string): void {
  // Worker threads run the bundle's parse worker (src/load/workers.ts).
  (globalThis as { __irsaLintWorker?: string }).__irsaLintWorker = pathToFileURL(path.join(dir, 'parse-worker.cjs')).href;
  const program = load({ dir, cacheDir: codeCacheDir(), write: entry !== 'startParseWorker', loaded: new Map() }, PROGRAM) as Record<Entry, () => Promise<void>>;
  void program[entry]();
}
