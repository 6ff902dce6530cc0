/**
 * Programmatic API: `await lint(paths, options)` loads a repository, builds the model and index,
 * runs the rules and returns sorted findings with their fingerprints.
 */

import fs from 'node:fs';
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { matchAny } from './config/glob.js';
import { loadConfigFile, resolveLevels } from './config/load.js';
import { ConfigError, type LoadedConfig } from './config/types.js';
import { finalize, runRules } from './engine/engine.js';
import { createFinding } from './engine/finding.js';
import type { Facts, Finding, Level, Rule } from './engine/types.js';
import { discover, displayPath } from './load/discover.js';
import { CHART_FILE, chartNote, RenderedTemplates, type HelmChart } from './load/helm.js';
import { findIgnoreFile, IgnoreRules } from './load/ignore.js';
import { defaultCacheDir, FileCache } from './load/cache.js';
import { ModelBuilder, type LoadedFile, type LoadProblem, type SourceFile } from './load/loader.js';
import { incrementalRun, keepsRunState, runStateKey, StateRecorder, type CheckOptions, type IncrementalStats, type RuleRun } from './incremental.js';
import { RunState } from './load/run-state.js';
import { readFiles, type FileToRead } from './load/read.js';
import { VERSION } from './version.js';
import { boundYoungGeneration, HEAP_TUNING_FILES } from './heap.js';
import { Index } from './model/index.js';
import { applySuppressions, suppressionSubject, todayUtc } from './suppress/apply.js';

export type { Finding, Facts, Level, Rule, Severity, RuleMeta } from './engine/types.js';
export { RULES };
export { findConfigFile, loadConfigFile } from './config/load.js';
export { ConfigError, type LoadedConfig } from './config/types.js';
export type { LoadedFile, SourceFile } from './load/loader.js';
export { buildAccessMap, type BuildInput, type BuildOptions } from './map/build.js';
export { diffMaps, type AccessDiff, type RowChange, type FieldChange } from './map/diff.js';
export type { AccessMap, AccessPath, AccessRow, Chain, Link, LinkKind, Verdict, WideTrust, Orphans } from './map/types.js';

export interface LintOptions {
  /** Working directory for relative paths in input and output (default `process.cwd()`). */
  readonly cwd?: string;
  /** Per-rule level overrides (`off` disables). */
  readonly rules?: Readonly<Record<string, Level>>;
  /** Report only these rule ids (others off; with a `suppress/*` id the others still run, unreported, to judge suppressions). */
  readonly only?: readonly string[];
  readonly facts?: Facts;
  /** Text read from standard input (when a path is `-`): one more file, cross-referenced with the others. */
  readonly stdin?: string;
  /**
   * The path the standard input is shown as (default `<stdin>`), relative to `cwd`
   * (`--stdin-filename`): `charts/app/rendered.yaml` for `helm template` output. A file of that path
   * found on disk is replaced by the standard input, as an editor's unsaved buffer replaces its file.
   */
  readonly stdinFilename?: string;
  /** Configuration (`findConfigFile` + `loadConfigFile` in src/config/load.ts). `rules` and `facts` above win over it. */
  readonly config?: LoadedConfig;
  /** Configuration file to load (relative to `cwd`) when `config` is not given. No file is searched for. */
  readonly configFile?: string;
  /** Today (UTC, `YYYY-MM-DD`) for the expiry of `ignore:` entries (default: the current date). */
  readonly today?: string;
  /**
   * Load this directory (relative to `cwd`) as well, for cross-references, but report only the findings
   * whose primary location or any related location is in one of `paths` (the pre-commit mode). With
   * `-` among `paths`, the standard input is one of them: `helm template … | irsa-lint lint --context . -`
   * reports what concerns the rendered chart.
   */
  readonly context?: string;
  /** A message `{{placeholder}}` without data is an error instead of being left as written (for rule tests). */
  readonly strictMessages?: boolean;
  /**
   * Patterns in gitignore syntax, relative to `cwd`, of files and directories that directory walks
   * leave out (`--ignore-pattern`), after the `.gitignore` files and `.irsa-lintignore`.
   */
  readonly ignorePatterns?: readonly string[];
  /** `false`: read no `.gitignore` or `.irsa-lintignore` and use no `ignorePatterns` (`--no-ignore`). */
  readonly ignore?: boolean;
  /**
   * Keep what was extracted from each file between runs, keyed by content (`--cache`), and, for
   * `lint()` over files on disk, what was found, so that the next run checks only what its changes
   * reach (src/incremental.ts): `true` for the default location (see `defaultCacheDir`), or the
   * directory. Default: no cache.
   */
  readonly cache?: boolean | string;
  /** Parse in worker threads: `auto` (default: when there is enough to parse), `off`, or how many. */
  readonly concurrency?: number | 'auto' | 'off';
  /** Bytes of text to parse before worker threads start (default 2 MB; 0: at once). For tests and benchmarks. */
  readonly workerThreshold?: number;
  /**
   * The process is this linter's own (the CLI, the Action): a run that reads many files bounds
   * V8's young generation for the rest of the process, which lowers its peak memory (src/heap.ts).
   * Default false: an embedding process's heap is left alone.
   */
  readonly tuneHeap?: boolean;
}

export interface LintResult {
  readonly findings: Finding[];
  /** Every file that was read (texts are not kept: see `LoadedFile`). */
  readonly files: LoadedFile[];
  /** Inputs that do not exist. */
  readonly missing: string[];
  readonly rules: readonly Rule[];
  /**
   * Present when a cached run continued from the previous one (src/incremental.ts): how many files
   * changed (or were removed), were checked again, and were built.
   */
  readonly incremental?: IncrementalStats;
}

export const PARSE_RULE = 'parse/syntax';
/** How standard input is shown without a `stdinFilename`. */
export const STDIN = '<stdin>';

export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const a = await analyzePaths(paths, options, true);
  return { findings: a.shown, files: a.files, missing: a.missing, rules: a.rules, ...(a.incremental ? { incremental: a.incremental } : {}) };
}

/**
 * What one run knows: the model (its index), every finding before the `only` and `context`
 * filters (for consumers that judge links of the model, such as the access map), and what `lint()`
 * reports. `all` is unsorted and carries no fingerprints; `shown` is `lint()`'s result.
 */
export interface Analysis extends LintResult {
  readonly index: Index;
  /** The facts of the configuration and the options (empty when there are none). */
  readonly facts: Facts;
  /** Every finding (rule findings, parse problems, suppression bookkeeping), suppressed ones marked. */
  readonly all: readonly Finding[];
  /** What `lint()` returns: `all` after `only` and the `context` filter, sorted and fingerprinted. */
  readonly shown: Finding[];
  /** With a context: the display paths of the files given to report on. */
  readonly given?: ReadonlySet<string>;
  /** The effective level of every rule. */
  readonly levels: Readonly<Record<string, Level>>;
}

/** `lint()` with the model and every finding (see `Analysis`). */
export async function analyze(paths: readonly string[], options: LintOptions = {}): Promise<Analysis> {
  return analyzePaths(paths, options, false);
}

/** `analyze`; with `incremental`, a cached run may continue from the previous one (its index then holds only what the checks needed). */
async function analyzePaths(paths: readonly string[], options: LintOptions, incremental: boolean): Promise<Analysis> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (options.configFile ? loadConfigFile(path.resolve(cwd, options.configFile), cwd, RULES) : undefined);
  const inputs = options.context !== undefined ? [options.context, ...paths] : paths.length ? paths : ['.'];
  const ignore = ignoreRules(options, cwd);
  const readsStdin = inputs.includes('-');
  const stdinName = options.stdinFilename ? displayPath(path.resolve(cwd, options.stdinFilename), cwd) : STDIN;
  // With a context, the findings shown are those that touch one of the given files (standard input included).
  const given = options.context !== undefined ? new Set(discover(paths.filter((p) => p !== '-'), cwd, { ignore }).files.map((abs) => displayPath(abs, cwd))) : undefined;
  if (given && readsStdin) given.add(stdinName);
  // A big repository: the process bounds its young generation before the walk allocates much (src/heap.ts).
  const many = options.tuneHeap ? { files: HEAP_TUNING_FILES, found: boundYoungGeneration } : undefined;
  const discovered = discover(inputs.filter((p) => p !== '-'), cwd, { ignore, many });
  const { missing } = discovered;
  const files = config ? discovered.files.filter((abs) => wanted(abs, config)) : discovered.files;
  const toRead: FileToRead[] = [];
  if (readsStdin) toRead.push({ path: stdinName, text: options.stdin ?? '', keepText: true });
  for (const abs of files) {
    const display = displayPath(abs, cwd);
    if (readsStdin && display === stdinName) continue; // standard input stands for this file
    toRead.push({ path: display, abs });
  }
  // Helm charts: their templates are not read. Their Chart.yaml files are read for suppression comments.
  const charts: HelmChart[] = [];
  for (const chart of discovered.charts) {
    const chartFile = path.join(chart.dir, CHART_FILE);
    if (chart.templates.size === 0 || (config && !wanted(chartFile, config))) continue;
    toRead.push({ path: displayPath(chartFile, cwd), abs: chartFile, commentsOnly: true });
    charts.push(chart);
  }
  const stdin = readsStdin ? { name: stdinName, abs: options.stdinFilename ? path.resolve(cwd, options.stdinFilename) : undefined } : undefined;
  const judgeUnused = inputs.some((p) => p !== '-' && isDirectory(path.resolve(cwd, p)));
  return run({ files: toRead, charts, chartDirs: discovered.charts.map((c) => c.dir), stdin, given, missing, judgeUnused, incremental }, options, config, cwd);
}

/** Options of `lintSources`: `lint()`'s, without standard input and discovery. */
export interface LintSourcesOptions extends Omit<LintOptions, 'stdin' | 'stdinFilename' | 'ignore' | 'ignorePatterns' | 'context'> {
  /** Display paths of the sources to report on (as the files given with a context); default all. */
  readonly given?: readonly string[];
  /** Suppressions that match nothing are reported (as for a directory given to `lint()`); default true. */
  readonly judgeUnused?: boolean;
}

/**
 * Lint sources given as text (an editor's buffers, generated manifests): `path` is the display
 * path, `abs` the absolute path the file would have (for kustomize references and the
 * configuration's `include`/`exclude`). Nothing is discovered: the sources are all the files.
 */
export async function lintSources(sources: readonly SourceFile[], options: LintSourcesOptions = {}): Promise<Analysis> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (options.configFile ? loadConfigFile(path.resolve(cwd, options.configFile), cwd, RULES) : undefined);
  const kept = config ? sources.filter((s) => !s.abs || wanted(s.abs, config)) : [...sources];
  const given = options.given ? new Set(options.given) : undefined;
  const files: FileToRead[] = kept.map((s) => ({ path: s.path, text: s.text, ...(s.abs ? { abs: s.abs } : {}), ...(s.commentsOnly ? { commentsOnly: true } : {}) }));
  return run({ files, charts: [], chartDirs: [], given, missing: [], judgeUnused: options.judgeUnused ?? true }, options, config, cwd);
}

interface RunInput {
  readonly files: FileToRead[];
  readonly charts: readonly HelmChart[];
  readonly chartDirs: readonly string[];
  readonly stdin?: { readonly name: string; readonly abs?: string };
  readonly given?: ReadonlySet<string>;
  readonly missing: string[];
  readonly judgeUnused: boolean;
  /** May the run continue from the previous run's state (with a cache)? `lint()` only: its result has no index to give. */
  readonly incremental?: boolean;
}

async function run(input: RunInput, options: LintOptions, config: LoadedConfig | undefined, cwd: string): Promise<Analysis> {
  const { charts, stdin, given } = input;
  const facts: Facts | undefined = config?.facts || options.facts ? { ...config?.facts, ...options.facts } : undefined;
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const levels: Record<string, Level> = { ...(config ? resolveLevels(RULES, config) : {}), ...(options.rules ?? {}) };
  // `only` filters the output; when it asks for a suppression rule, every rule still runs so
  // that suppressions can be judged.
  const only = options.only;
  const judging = !!only?.some((id) => id.startsWith('suppress/'));
  if (only && !judging) for (const r of RULES) if (!only.includes(r.meta.id)) levels[r.meta.id] = 'off';
  const effective = Object.fromEntries(RULES.map((r) => [r.meta.id, levels[r.meta.id] ?? r.meta.severity])) as Record<string, Level>;
  const strict = !!options.strictMessages;
  const cacheDir = options.cache ? (typeof options.cache === 'string' ? path.resolve(cwd, options.cache) : defaultCacheDir(cwd)) : undefined;
  // With a cache, a run over files on disk continues from the previous run's findings (src/incremental.ts).
  const stateful = cacheDir !== undefined && input.incremental === true && keepsRunState(files);
  const stateKey = stateful ? runStateKey(effective, facts, strict) : undefined;
  const checking: CheckOptions = { rules: RULES, levels, facts, strictMessages: strict, defaultNamespace: facts?.defaultNamespace, version: VERSION, cacheDir, stateKey };
  const state = cacheDir !== undefined && stateKey !== undefined ? RunState.read(cacheDir, VERSION, stateKey) : undefined;
  const ran = (state && (await incrementalRun(files, state, checking))) || (await fullRun(files, options, cwd, checking));
  const readProblems: LoadProblem[] = [...ran.problems];
  let absByPath: Map<string, string | undefined> | undefined;
  const rendered = new RenderedTemplates(ran.rendered, input.chartDirs, (file) => (stdin && file === stdin.name ? stdin.abs : (absByPath ??= new Map(ran.files.map((f) => [f.path, f.abs]))).get(file)), (abs) => displayPath(abs, cwd));
  // One note per chart whose templates were not linted, unless its rendered output was (a `# Source:` names it).
  const covered = rendered.coveredCharts();
  // The texts that were kept (charts' Chart.yaml, kustomizations, Helm output, standard input).
  const textOf = new Map(ran.files.flatMap((f) => (f.text !== undefined ? [[f.path, f.text] as const] : [])));
  for (const chart of charts) {
    if (covered.has(chart.dir)) continue;
    const chartFile = displayPath(path.join(chart.dir, CHART_FILE), cwd);
    const text = textOf.get(chartFile);
    if (text !== undefined) readProblems.push(chartNote(chart, text, chartFile, dirDisplay(chart.dir, cwd)));
  }
  const findings = ran.findings;
  for (const p of readProblems) {
    const ruleId = p.rule?.id ?? PARSE_RULE;
    const rule = RULES.find((r) => r.meta.id === ruleId)!;
    const level = levels[ruleId] ?? rule.meta.severity;
    if (level === 'off') continue;
    const message = p.rule ? { messageId: p.rule.messageId, data: p.rule.data } : { messageId: 'syntax', data: { message: p.message } };
    const related = (p.related ?? []).map((r) => ({ at: r.span, label: r.label }));
    findings.push(createFinding(rule.meta, { ...message, severity: level, at: p.span, related, subject: `file:${p.span.file}` }, strict));
  }
  const bookkeeping = applySuppressions(findings, {
    strictMessages: strict,
    files: ran.files,
    resources: ran.subjects,
    config,
    configDisplay: config?.file ? displayPath(config.file, cwd) : undefined,
    cwd,
    rules: RULES,
    levels: effective,
    today: options.today ?? todayUtc(),
    judgeUnused: input.judgeUnused,
  });
  // Findings in a document Helm rendered name its template as a related location.
  const lines = new Map<string, string[]>();
  const lineText = (file: string, line: number) => {
    let l = lines.get(file);
    if (!l) {
      const text = textOf.get(file);
      if (text === undefined) return undefined;
      lines.set(file, (l = text.split('\n')));
    }
    return l[line - 1];
  };
  const all = [...findings, ...bookkeeping].map((f) => (ran.rendered.length ? rendered.withTemplate(f, lineText) : f));
  const touches = (f: Finding) => !given || given.has(f.location.file) || f.related.some((r) => given.has(r.location.file));
  const shown = finalize(all.filter((f) => (!only || only.includes(f.ruleId)) && touches(f)));
  return { findings: shown, shown, all, files: ran.files, missing: input.missing, rules: RULES, index: ran.index, facts: facts ?? {}, given, levels: effective, ...(ran.incremental ? { incremental: ran.incremental } : {}) };
}

/** Read, build and check every file; with a state key, record what the next run continues from. */
async function fullRun(files: FileToRead[], options: LintOptions, cwd: string, opts: CheckOptions): Promise<RuleRun> {
  const cache = opts.cacheDir !== undefined ? FileCache.open(opts.cacheDir, opts.version, `node${process.versions.node.split('.')[0]}`) : undefined;
  const recorder = opts.stateKey !== undefined ? new StateRecorder(files) : undefined;
  // Each file's resources are built as soon as it is read, and its extract dropped.
  const builder = new ModelBuilder(files, { defaultNamespace: opts.defaultNamespace });
  if (recorder) builder.onBuilt = (f, resources, problems) => recorder.built(f, resources, problems);
  const read = await readFiles(files, { cache, concurrency: options.concurrency, workerThreshold: options.workerThreshold, sink: (x) => builder.add(x) });
  cache?.save((file) => fs.existsSync(path.resolve(cwd, file)));
  const loaded = builder.finish();
  const index = new Index(loaded.resources);
  const findings = runRules(opts.rules, index, { levels: opts.levels, facts: opts.facts, strictMessages: opts.strictMessages, track: recorder?.tracking });
  // Written before the findings go on: suppressions mark them.
  recorder?.save(opts, builder.holds);
  return { findings, problems: [...read.problems, ...loaded.problems], files: loaded.files, subjects: loaded.resources.map(suppressionSubject), rendered: loaded.rendered, index };
}

/** The ignore rules of this run: `.gitignore` files, `.irsa-lintignore` and `ignorePatterns`, unless `ignore: false`. */
function ignoreRules(options: LintOptions, cwd: string): IgnoreRules | undefined {
  if (options.ignore === false) return undefined;
  const file = findIgnoreFile(cwd);
  let text: string | undefined;
  if (file) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError([{ file: displayPath(file, cwd), line: 1, column: 1, message: `cannot read ignore file (${(e as NodeJS.ErrnoException).code ?? 'EIO'})` }]);
    }
  }
  return new IgnoreRules({ gitignore: true, ignoreFile: file && text !== undefined ? { dir: path.dirname(file), text } : undefined, patterns: options.ignorePatterns, cwd });
}

/** A directory as shown in messages: relative to the current directory, `.` for the directory itself. */
function dirDisplay(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Configuration `include`/`exclude` (globs relative to the configuration's directory); the configuration file itself is never read. */
function wanted(abs: string, config: LoadedConfig): boolean {
  if (config.file && abs === config.file) return false;
  const rel = path.relative(config.dir, abs).split(path.sep).join('/');
  if (config.include?.length && !matchAny(rel, config.include)) return false;
  if (config.exclude?.length && matchAny(rel, config.exclude)) return false;
  return true;
}
