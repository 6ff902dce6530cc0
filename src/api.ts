/**
 * Programmatic API: `await lint(paths, options)` loads a repository, builds the model and index,
 * runs the rules and returns sorted findings with their fingerprints.
 */

import fs from 'node:fs';
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { matchAny } from './config/glob.js';
import { loadConfigFile, resolveLevels } from './config/load.js';
import type { LoadedConfig } from './config/types.js';
import { finalize, runRules } from './engine/engine.js';
import { createFinding } from './engine/finding.js';
import type { Facts, Finding, Level, Rule } from './engine/types.js';
import { discover, displayPath } from './load/discover.js';
import { loadSources, readSource, type LoadProblem, type SourceFile } from './load/loader.js';
import { Index } from './model/index.js';
import { applySuppressions, todayUtc } from './suppress/apply.js';

export type { Finding, Facts, Level, Rule, Severity, RuleMeta } from './engine/types.js';
export { RULES };
export { findConfigFile, loadConfigFile } from './config/load.js';
export { ConfigError, type LoadedConfig } from './config/types.js';
export type { SourceFile } from './load/loader.js';
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
  /** Text read from standard input (when a path is `-`). */
  readonly stdin?: string;
  /** Configuration (`findConfigFile` + `loadConfigFile` in src/config/load.ts). `rules` and `facts` above win over it. */
  readonly config?: LoadedConfig;
  /** Configuration file to load (relative to `cwd`) when `config` is not given. No file is searched for. */
  readonly configFile?: string;
  /** Today (UTC, `YYYY-MM-DD`) for the expiry of `ignore:` entries (default: the current date). */
  readonly today?: string;
  /**
   * Load this directory (relative to `cwd`) as well, for cross-references, but report only the findings
   * whose primary location or any related location is in one of `paths` (the pre-commit mode).
   */
  readonly context?: string;
  /** A message `{{placeholder}}` without data is an error instead of being left as written (for rule tests). */
  readonly strictMessages?: boolean;
}

export interface LintResult {
  readonly findings: Finding[];
  readonly files: SourceFile[];
  /** Inputs that do not exist. */
  readonly missing: string[];
  readonly rules: readonly Rule[];
}

export const PARSE_RULE = 'parse/syntax';

export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const a = await analyze(paths, options);
  return { findings: a.shown, files: a.files, missing: a.missing, rules: a.rules };
}

/**
 * What one run knows: the model (its index), every finding before the `only` and `context`
 * filters (for consumers that judge links of the model, such as the access map), and what `lint()`
 * reports. `findings` are unsorted and carry no fingerprints; `shown` is `lint()`'s result.
 */
export interface Analysis extends LintResult {
  readonly index: Index;
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
  const cwd = options.cwd ?? process.cwd();
  const config = resolvedConfig(options, cwd);
  const inputs = options.context !== undefined ? [options.context, ...paths] : paths.length ? paths : ['.'];
  // With a context, the findings shown are those that touch one of the given files.
  const given = options.context !== undefined ? new Set(discover(paths.filter((p) => p !== '-'), cwd).files.map((abs) => displayPath(abs, cwd))) : undefined;
  const discovered = discover(inputs.filter((p) => p !== '-'), cwd);
  const { missing } = discovered;
  const files = config ? discovered.files.filter((abs) => wanted(abs, config)) : discovered.files;
  const sources: SourceFile[] = [];
  const readProblems: LoadProblem[] = [];
  if (inputs.includes('-')) sources.push({ path: '<stdin>', text: options.stdin ?? '' });
  for (const abs of files) {
    const s = readSource(abs, displayPath(abs, cwd));
    if ('text' in s) sources.push(s);
    else readProblems.push(s);
  }
  const judgeUnused = inputs.some((p) => p !== '-' && isDirectory(path.resolve(cwd, p)));
  return run(sources, readProblems, { ...options, cwd }, config, { given, missing, judgeUnused });
}

/** Options of `lintSources`: `lint()`'s, without standard input. */
export interface LintSourcesOptions extends Omit<LintOptions, 'stdin'> {
  /**
   * Reads a file that a kustomization refers to but that is not among the sources (absolute
   * path, as `abs` of the sources); undefined when there is none. Default: no such file exists,
   * so nothing is read from the disk.
   */
  readonly readFile?: (abs: string) => string | undefined;
  /** Suppressions that match nothing are reported (as for a directory given to `lint()`); default true. */
  readonly judgeUnused?: boolean;
}

/**
 * Lint sources given as text (a revision read from git, an editor buffer), without touching the
 * disk: `path` is the display path, `abs` the absolute path the file would have (for kustomize
 * references and the configuration's `include`/`exclude`). With `context`, `given` display paths
 * are reported on.
 */
export async function lintSources(sources: readonly SourceFile[], options: LintSourcesOptions & { readonly given?: readonly string[] } = {}): Promise<Analysis> {
  const cwd = options.cwd ?? process.cwd();
  const config = resolvedConfig(options, cwd);
  const kept = config ? sources.filter((s) => !s.abs || wanted(s.abs, config)) : [...sources];
  const given = options.given ? new Set(options.given) : undefined;
  return run(kept, [], { ...options, cwd, readFile: options.readFile ?? (() => undefined) }, config, { given, missing: [], judgeUnused: options.judgeUnused ?? true });
}

function resolvedConfig(options: LintOptions, cwd: string): LoadedConfig | undefined {
  return options.config ?? (options.configFile ? loadConfigFile(path.resolve(cwd, options.configFile), cwd, RULES) : undefined);
}

interface RunScope {
  readonly given?: ReadonlySet<string>;
  readonly missing: string[];
  readonly judgeUnused: boolean;
}

async function run(
  sources: readonly SourceFile[],
  readProblems: readonly LoadProblem[],
  options: LintOptions & { readonly cwd: string; readonly readFile?: (abs: string) => string | undefined },
  config: LoadedConfig | undefined,
  scope: RunScope,
): Promise<Analysis> {
  const { cwd } = options;
  const facts: Facts = { ...config?.facts, ...options.facts };
  const loaded = loadSources(sources, { defaultNamespace: facts.defaultNamespace, readFile: options.readFile });
  const index = new Index(loaded.resources);
  const levels: Record<string, Level> = { ...(config ? resolveLevels(RULES, config) : {}), ...(options.rules ?? {}) };
  // `only` filters the output; when it asks for a suppression rule, every rule still runs so
  // that suppressions can be judged.
  const only = options.only;
  const judging = !!only?.some((id) => id.startsWith('suppress/'));
  if (only && !judging) for (const r of RULES) if (!only.includes(r.meta.id)) levels[r.meta.id] = 'off';
  const strict = !!options.strictMessages;
  const findings = runRules(RULES, index, { levels, facts: config?.facts || options.facts ? facts : undefined, strictMessages: strict });
  const parseLevel = levels[PARSE_RULE] ?? 'error';
  if (parseLevel !== 'off') {
    const parseRule = RULES.find((r) => r.meta.id === PARSE_RULE)!.meta;
    for (const p of [...readProblems, ...loaded.problems]) {
      const related = (p.related ?? []).map((r) => ({ at: r.span, label: r.label }));
      findings.push(createFinding(parseRule, { messageId: 'syntax', data: { message: p.message }, severity: parseLevel, at: p.span, related, subject: `file:${p.span.file}` }, strict));
    }
  }
  const effective = Object.fromEntries(RULES.map((r) => [r.meta.id, levels[r.meta.id] ?? r.meta.severity])) as Record<string, Level>;
  const bookkeeping = applySuppressions(findings, {
    strictMessages: strict,
    files: loaded.files,
    resources: loaded.resources,
    config,
    configDisplay: config?.file ? displayPath(config.file, cwd) : undefined,
    cwd,
    rules: RULES,
    levels: effective,
    today: options.today ?? todayUtc(),
    judgeUnused: scope.judgeUnused,
  });
  const all = [...findings, ...bookkeeping];
  const given = scope.given;
  const touches = (f: Finding) => !given || given.has(f.location.file) || f.related.some((r) => given.has(r.location.file));
  const shown = finalize(all.filter((f) => (!only || only.includes(f.ruleId)) && touches(f)));
  return { findings: shown, shown, all, files: loaded.files, missing: scope.missing, rules: RULES, index, facts, given, levels: effective };
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
