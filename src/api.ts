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
import { initHcl } from './load/hcl/parse.js';
import { loadSources, needsHclParser, readSource, type LoadProblem, type SourceFile } from './load/loader.js';
import { Index } from './model/index.js';
import { applySuppressions, todayUtc } from './suppress/apply.js';

export type { Finding, Facts, Level, Rule, Severity, RuleMeta } from './engine/types.js';
export { RULES };
export { findConfigFile, loadConfigFile } from './config/load.js';
export { ConfigError, type LoadedConfig } from './config/types.js';

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
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (options.configFile ? loadConfigFile(path.resolve(cwd, options.configFile), cwd, RULES) : undefined);
  const facts: Facts | undefined = config?.facts || options.facts ? { ...config?.facts, ...options.facts } : undefined;
  const inputs = options.context !== undefined ? [options.context, ...paths] : paths.length ? paths : ['.'];
  // With a context, the findings shown are those that touch one of the given files.
  const given = options.context !== undefined ? new Set(discover(paths.filter((p) => p !== '-'), cwd).files.map((abs) => displayPath(abs, cwd))) : undefined;
  const discovered = discover(inputs.filter((p) => p !== '-'), cwd);
  const { missing } = discovered;
  const files = config ? discovered.files.filter((abs) => wanted(abs, config)) : discovered.files;
  const sources: SourceFile[] = [];
  const readProblems = [];
  if (inputs.includes('-')) sources.push({ path: '<stdin>', text: options.stdin ?? '' });
  for (const abs of files) {
    const s = readSource(abs, displayPath(abs, cwd));
    if ('text' in s) sources.push(s);
    else readProblems.push(s);
  }
  // The HCL parser (WebAssembly) is loaded only when a Terraform configuration is read.
  if (needsHclParser(sources)) await initHcl();
  const loaded = loadSources(sources, { defaultNamespace: facts?.defaultNamespace });
  const index = new Index(loaded.resources);
  const levels: Record<string, Level> = { ...(config ? resolveLevels(RULES, config) : {}), ...(options.rules ?? {}) };
  // `only` filters the output; when it asks for a suppression rule, every rule still runs so
  // that suppressions can be judged.
  const only = options.only;
  const judging = !!only?.some((id) => id.startsWith('suppress/'));
  if (only && !judging) for (const r of RULES) if (!only.includes(r.meta.id)) levels[r.meta.id] = 'off';
  const strict = !!options.strictMessages;
  const findings = runRules(RULES, index, { levels, facts, strictMessages: strict });
  const parseLevel = levels[PARSE_RULE] ?? 'error';
  if (parseLevel !== 'off') {
    const parseRule = RULES.find((r) => r.meta.id === PARSE_RULE)!.meta;
    for (const p of [...readProblems, ...loaded.problems]) {
      const related = ((p as LoadProblem).related ?? []).map((r) => ({ at: r.span, label: r.label }));
      findings.push(createFinding(parseRule, { messageId: 'syntax', data: { message: p.message }, severity: parseLevel, at: p.span, related, subject: `file:${p.span.file}` }, strict));
    }
  }
  const bookkeeping = applySuppressions(findings, {
    strictMessages: strict,
    files: loaded.files,
    resources: loaded.resources,
    config,
    configDisplay: config?.file ? displayPath(config.file, cwd) : undefined,
    cwd,
    rules: RULES,
    levels: Object.fromEntries(RULES.map((r) => [r.meta.id, levels[r.meta.id] ?? r.meta.severity])),
    today: options.today ?? todayUtc(),
    judgeUnused: inputs.some((p) => p !== '-' && isDirectory(path.resolve(cwd, p))),
  });
  const all = [...findings, ...bookkeeping];
  const touches = (f: Finding) => !given || given.has(f.location.file) || f.related.some((r) => given.has(r.location.file));
  const shown = all.filter((f) => (!only || only.includes(f.ruleId)) && touches(f));
  return { findings: finalize(shown), files: loaded.files, missing, rules: RULES };
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
