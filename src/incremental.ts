/**
 * The incremental run (`--cache`, the pre-commit hook's case): after a change to a few files of a
 * large repository, check again only what the change can reach, from what the previous run kept
 * (src/load/run-state.ts), and report exactly what a full run would.
 *
 * Why that is sound: every cross-reference a rule follows is an index lookup, and every lookup
 * reads one key (`indexKeys` in src/model/index.ts); a check's findings are a function of its
 * subject and of the resources that carry the keys it read. So:
 * 1. files whose size, times and inode are unchanged are not read; the others are read and hashed,
 *    and those with new content (or new files) are parsed and built;
 * 2. the keys that changed are those that the old and the new resources of changed and removed
 *    files carry;
 * 3. a file is checked again when it changed or when its checks read a changed key; every other
 *    file keeps its findings;
 * 4. checking needs the resources that carry the keys the checks read: those files are built too
 *    (from disk), and checking repeats until every key read has all its resources loaded.
 *
 * A change that reaches beyond the resources of its file (a kustomization, a Terraform
 * configuration, rendered Helm output) and any run that is not over files on disk make it a full
 * run, which writes the state again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KeyedList } from './model/compact.js';
import { fileURLToPath } from 'node:url';
import { runRules, type Tracking } from './engine/engine.js';
import type { Facts, Finding, Level, Rule } from './engine/types.js';
import { contentHash } from './load/cache.js';
import { isKustomizationFile } from './load/kustomize.js';
import { isTerraformSource, ModelBuilder, type LoadedFile, type LoadInput, type LoadProblem } from './load/loader.js';
import { readFiles, type FileToRead } from './load/read.js';
import { RunState, statOf, type FileHead, type FileStat, type UnitRecord } from './load/run-state.js';
import type { RenderedDoc } from './load/yaml.js';
import { Index, indexKeys, RESOURCE_KEY, type Resource } from './model/index.js';
import { suppressionSubject, type SuppressionSubject } from './suppress/apply.js';

/** What the rules gave for the whole repository, however it was computed. */
export interface RuleRun {
  readonly findings: Finding[];
  /** Parse and load problems of every file. */
  readonly problems: LoadProblem[];
  readonly files: LoadedFile[];
  /** What suppressions read of every resource. */
  readonly subjects: readonly SuppressionSubject[];
  readonly rendered: readonly RenderedDoc[];
  /** The index the checks ran on: every resource in a full run, the ones the checks needed in an incremental run. */
  readonly index: Index;
  /** For an incremental run: how many files changed, were checked again, and were built. */
  readonly incremental?: IncrementalStats;
}

export interface IncrementalStats {
  readonly changed: number;
  readonly checked: number;
  readonly built: number;
}

/** How a run builds and checks, and where it keeps what it found. */
export interface CheckOptions {
  readonly rules: readonly Rule[];
  readonly levels: Readonly<Record<string, Level>>;
  readonly facts?: Facts;
  readonly strictMessages: boolean;
  readonly defaultNamespace?: string;
  readonly version: string;
  /** The cache's directory (undefined: no cache). */
  readonly cacheDir?: string;
  /** The run state's key (`runStateKey`; undefined: the run keeps no state). */
  readonly stateKey?: string;
}

/**
 * The key of everything besides the files that findings depend on: the effective rule levels, the
 * facts, and this build of the program (its size and modification time), so that a rebuilt
 * program never reuses another's findings.
 */
export function runStateKey(levels: Readonly<Record<string, Level>>, facts: Facts | undefined, strictMessages: boolean): string {
  let build = '';
  try {
    const st = fs.statSync(fileURLToPath(import.meta.url));
    build = `${st.size}:${st.mtimeMs}`;
  } catch {
    /* no file (an unusual loader): the version alone */
  }
  return createHash('sha256')
    .update(JSON.stringify({ levels: Object.entries(levels).sort(([a], [b]) => (a < b ? -1 : 1)), facts: facts ?? {}, strictMessages, build }))
    .digest('hex')
    .slice(0, 32);
}

/** Can a run over these files keep a state at all? Files on disk only (no standard input, no sources given as text). */
export function keepsRunState(files: readonly FileToRead[]): boolean {
  return files.every((f) => f.abs !== undefined && f.text === undefined && !f.keepText);
}

/** What one input built (`ModelBuilder.onBuilt`), without its extract. */
interface Built {
  readonly hash?: string;
  readonly comments: LoadInput['comments'];
  readonly text?: string;
  readonly resources: readonly Resource[];
  readonly problems: readonly LoadProblem[];
}

/** The builder's observer: what each input built, the unit (input) of each resource, and whether any held rendered Helm output. */
class BuiltUnits {
  readonly byPath = new Map<string, Built>();
  private readonly units = new Map<Resource, string>();
  rendered = false;

  readonly add = (f: LoadInput, resources: readonly Resource[], problems: readonly LoadProblem[]): void => {
    this.byPath.set(f.path, { hash: f.hash, comments: f.comments, ...(f.text !== undefined ? { text: f.text } : {}), resources, problems });
    for (const r of resources) this.units.set(r, f.path);
    if (f.extract && f.extract.rendered.length > 0) this.rendered = true;
  };

  readonly unitOf = (r: Resource): string => this.units.get(r) ?? '';
}

/** A unit's record from what was built from it and what its checks did; undefined when it built nothing and had no problem. */
function unitRecord(b: Built, tracking: Tracking, p: string): UnitRecord | undefined {
  if (b.resources.length === 0 && b.problems.length === 0) return undefined;
  const keys = new Set<string>();
  for (const r of b.resources) for (const k of indexKeys(r)) keys.add(k);
  const ignores = b.resources.map(suppressionSubject).filter((s) => s.ignore !== undefined);
  return checkedAgain({ keys: [...keys], reads: [], findings: [], problems: b.problems, digest: digestOf(b.resources), ...(ignores.length > 0 ? { ignores } : {}) }, tracking, p);
}

/** The record with what this run's checks of unit `p` read and found. */
function checkedAgain(unit: UnitRecord, tracking: Tracking, p: string): UnitRecord {
  return { ...unit, reads: [...(tracking.keys.get(p) ?? [])], findings: tracking.findings.get(p) ?? [] };
}

/**
 * The digest of a file's resources: every value, position and order, with maps (`Map`, `KeyedList`), Sets, properties whose
 * value is undefined, and functions (values computed on first use, from fields that are
 * serialized too) written out.
 */
function digestOf(resources: readonly Resource[]): string {
  const json = JSON.stringify(resources, (_k, v: unknown) => (v instanceof Map || v instanceof KeyedList ? { '\0map': [...v] } : v instanceof Set ? { '\0set': [...v] } : v === undefined ? '\0undefined' : typeof v === 'function' ? `\0fn:${String(v)}` : typeof v === 'number' && !Number.isFinite(v) ? `\0${v}` : v));
  return createHash('sha256').update(json).digest('hex').slice(0, 32);
}

/**
 * Collects, during a full run, what the state keeps: each input's built resources and problems
 * (`ModelBuilder.onBuilt`), then the checks' keys and findings (`tracking`), and writes the state.
 */
export class StateRecorder {
  private readonly startedAt = Date.now();
  private readonly stats = new Map<string, FileStat>();
  private readonly units = new BuiltUnits();
  readonly tracking: Tracking;

  constructor(files: readonly FileToRead[]) {
    // Metadata before content: a file changed while this run reads it is read again by the next.
    for (const f of files) {
      try {
        this.stats.set(f.path, statOf(fs.statSync(f.abs!)));
      } catch {
        /* unreadable: not recorded, so read again next time */
      }
    }
    this.tracking = { unitOf: this.units.unitOf, keys: new Map(), findings: new Map() };
  }

  /** For `ModelBuilder.onBuilt`. */
  readonly built = this.units.add;

  /** Write the state, unless the run is one that an incremental run would not continue (rendered Helm output, a renaming kustomization). */
  save(opts: CheckOptions, holds: boolean): boolean {
    if (this.units.rendered || holds || opts.cacheDir === undefined || opts.stateKey === undefined) return false;
    const state = RunState.empty();
    for (const [p, b] of this.units.byPath) {
      const st = this.stats.get(p);
      if (!st || !b.hash) continue;
      const unit = unitRecord(b, this.tracking, p);
      state.set(p, { hash: b.hash, ...st }, { comments: b.comments, ...(unit ? { unit } : {}) });
    }
    return state.write(opts.cacheDir, opts.version, opts.stateKey, this.startedAt);
  }
}

interface Changed {
  readonly f: FileToRead;
  readonly text: string;
  readonly hash: string;
  readonly st: FileStat;
}

/**
 * The incremental run over `files` (sorted, on disk) from `state`; undefined when the change needs a
 * full run. Writes the new state.
 */
export async function incrementalRun(files: readonly FileToRead[], state: RunState, opts: CheckOptions): Promise<RuleRun | undefined> {
  const { cacheDir, stateKey } = opts;
  if (cacheDir === undefined || stateKey === undefined) return undefined;
  const startedAt = Date.now();
  const order = new Map(files.map((f, i) => [f.path, i]));
  const changed: Changed[] = [];
  const touched: [string, FileHead][] = [];
  for (const f of files) {
    let st: FileStat;
    try {
      st = statOf(fs.statSync(f.abs!));
    } catch {
      return undefined;
    }
    if (!f.commentsOnly && state.unchanged(f.path, st)) continue;
    const rec = f.commentsOnly ? undefined : state.head(f.path);
    let text: string;
    try {
      text = fs.readFileSync(f.abs!, 'utf8');
    } catch {
      return undefined;
    }
    const hash = contentHash(text);
    if (rec && rec.hash === hash) touched.push([f.path, { hash, ...st }]);
    else changed.push({ f, text, hash, st });
  }
  const removed = [...state.paths].filter((p) => !order.has(p));
  // Changes whose effect is not confined to the resources of their own file.
  for (const p of [...changed.map((c) => c.f.path), ...removed]) if (isTerraformSource({ path: p }) || isKustomizationFile(p)) return undefined;

  const builder = new ModelBuilder(files, { defaultNamespace: opts.defaultNamespace });
  if (builder.holds) return undefined;
  const units = new BuiltUnits();
  builder.onBuilt = units.add;
  const loaded = units.byPath;
  /** Read and build files as a full run does (`readFiles` into the builder); false when one cannot be read. */
  const build = async (list: readonly FileToRead[]): Promise<boolean> => (await readFiles(list, { sink: (x) => builder.add(x) })).problems.length === 0;
  // The texts of changed files are read already.
  if (!(await build(changed.map((c) => ({ ...c.f, text: c.text }))))) return undefined;
  if (units.rendered) return undefined;

  // A changed file whose resources are what they were (a comment edited, say) changes no key: it
  // keeps its record, with its new comments and problems.
  const edited = changed.length + removed.length;
  const same = new Set<string>();
  for (const c of changed) {
    const before = state.head(c.f.path) ? state.body(c.f.path).unit : undefined;
    const now = loaded.get(c.f.path)?.resources ?? [];
    if (before && now.length > 0 && digestOf(now) === before.digest) same.add(c.f.path);
  }

  // The keys that changed, and who read them.
  const dirty = new Set<string>();
  for (const c of changed) {
    if (same.has(c.f.path)) continue;
    if (state.head(c.f.path)) for (const k of state.body(c.f.path).unit?.keys ?? []) dirty.add(k);
    for (const r of loaded.get(c.f.path)?.resources ?? []) for (const k of indexKeys(r)) dirty.add(k);
  }
  for (const p of removed) for (const k of state.body(p).unit?.keys ?? []) dirty.add(k);
  for (const p of removed) state.delete(p);
  const recheck = new Set<string>();
  for (const c of changed) if (!same.has(c.f.path) && (loaded.get(c.f.path)?.resources.length ?? 0) > 0) recheck.add(c.f.path);
  for (const k of dirty) for (const p of state.readersOf(k)) recheck.add(p);

  // Unchanged files are built from disk when a check needs them: a Terraform configuration with
  // every file of its directory.
  const withConfiguration = (p: string): readonly FileToRead[] => {
    const f = files[order.get(p)!];
    if (!isTerraformSource(f)) return [f];
    const dir = path.posix.dirname(f.path);
    return files.filter((t) => isTerraformSource(t) && path.posix.dirname(t.path) === dir);
  };

  let need = [...recheck].filter((p) => !loaded.has(p));
  let tracking: Tracking;
  let index: Index;
  for (;;) {
    if (!(await build([...new Set(need.flatMap(withConfiguration))]))) return undefined;
    if (units.rendered) return undefined;
    const resources = [...loaded.keys()].sort((a, b) => order.get(a)! - order.get(b)!).flatMap((p) => loaded.get(p)!.resources);
    index = new Index(resources);
    tracking = { unitOf: units.unitOf, only: recheck, keys: new Map(), findings: new Map() };
    let failure: unknown;
    try {
      runRules(opts.rules, index, { levels: opts.levels, facts: opts.facts, strictMessages: opts.strictMessages, track: tracking });
    } catch (e) {
      failure = e; // on resources not all loaded yet, a rule may fail where it would not on all of them
    }
    const missing = new Set<string>();
    for (const keys of tracking.keys.values()) for (const k of keys) for (const p of state.carriersOf(k)) if (!loaded.has(p)) missing.add(p);
    if (missing.size === 0) {
      if (failure !== undefined) throw failure;
      break;
    }
    need = [...missing];
  }

  // The new state: changed files, files checked again, and files read again with the same content.
  for (const [p, head] of touched) state.touch(p, head);
  for (const c of changed) {
    const p = c.f.path;
    const b = loaded.get(p)!;
    const head = { hash: c.hash, ...c.st };
    if (same.has(p)) {
      const before = state.body(p).unit!;
      const unit = recheck.has(p) ? checkedAgain(before, tracking!, p) : before;
      state.set(p, head, { comments: b.comments, unit: { ...unit, problems: b.problems } });
      continue;
    }
    const unit = unitRecord(b, tracking!, p);
    state.set(p, head, { comments: b.comments, ...(unit ? { unit } : {}) });
  }
  const changedSet = new Set(changed.map((c) => c.f.path));
  for (const p of recheck) {
    if (changedSet.has(p)) continue;
    const b = state.body(p);
    if (b.unit) state.set(p, state.head(p)!, { ...b, unit: checkedAgain(b.unit, tracking!, p) });
  }

  // The whole repository: what the state holds of each file.
  const all: Finding[] = [];
  const problems: LoadProblem[] = [];
  const subjects: SuppressionSubject[] = state.resourceKeys(RESOURCE_KEY).map((k) => ({ key: k }));
  const loadedFiles: LoadedFile[] = [];
  for (const f of files) {
    const b = state.flagged(f.path) ? state.body(f.path) : undefined;
    const text = changedSet.has(f.path) ? loaded.get(f.path)?.text : undefined;
    loadedFiles.push({ path: f.path, ...(f.abs ? { abs: f.abs } : {}), comments: b?.comments ?? [], ...(text !== undefined ? { text } : {}) });
    if (!b?.unit) continue;
    all.push(...b.unit.findings);
    problems.push(...b.unit.problems);
    subjects.push(...(b.unit.ignores ?? []));
  }
  // Written before the findings go on: suppressions mark them.
  state.write(cacheDir, opts.version, stateKey, startedAt);
  return { findings: all, problems, files: loadedFiles, subjects, rendered: [], index: index!, incremental: { changed: edited, checked: recheck.size, built: loaded.size } };
}
