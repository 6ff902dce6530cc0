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
import { initHcl } from './load/hcl/parse.js';
import { findIgnoreFile, IgnoreRules } from './load/ignore.js';
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
}

export interface LintResult {
  readonly findings: Finding[];
  readonly files: SourceFile[];
  /** Inputs that do not exist. */
  readonly missing: string[];
  readonly rules: readonly Rule[];
}

export const PARSE_RULE = 'parse/syntax';
/** How standard input is shown without a `stdinFilename`. */
export const STDIN = '<stdin>';

export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (options.configFile ? loadConfigFile(path.resolve(cwd, options.configFile), cwd, RULES) : undefined);
  const facts: Facts | undefined = config?.facts || options.facts ? { ...config?.facts, ...options.facts } : undefined;
  const inputs = options.context !== undefined ? [options.context, ...paths] : paths.length ? paths : ['.'];
  const ignore = ignoreRules(options, cwd);
  const readsStdin = inputs.includes('-');
  const stdinName = options.stdinFilename ? displayPath(path.resolve(cwd, options.stdinFilename), cwd) : STDIN;
  // With a context, the findings shown are those that touch one of the given files (standard input included).
  const given = options.context !== undefined ? new Set(discover(paths.filter((p) => p !== '-'), cwd, { ignore }).files.map((abs) => displayPath(abs, cwd))) : undefined;
  if (given && readsStdin) given.add(stdinName);
  const discovered = discover(inputs.filter((p) => p !== '-'), cwd, { ignore });
  const { missing } = discovered;
  const files = config ? discovered.files.filter((abs) => wanted(abs, config)) : discovered.files;
  const sources: SourceFile[] = [];
  const readProblems: LoadProblem[] = [];
  if (readsStdin) sources.push({ path: stdinName, text: options.stdin ?? '' });
  for (const abs of files) {
    if (readsStdin && displayPath(abs, cwd) === stdinName) continue; // standard input stands for this file
    const s = readSource(abs, displayPath(abs, cwd));
    if ('text' in s) sources.push(s);
    else readProblems.push(s);
  }
  // Helm charts: their templates were not read. Their Chart.yaml files are read for suppression comments.
  const charts: { chart: HelmChart; file: SourceFile }[] = [];
  for (const chart of discovered.charts) {
    const chartFile = path.join(chart.dir, CHART_FILE);
    if (chart.templates.size === 0 || (config && !wanted(chartFile, config))) continue;
    const s = readSource(chartFile, displayPath(chartFile, cwd));
    if (!('text' in s)) {
      readProblems.push(s);
      continue;
    }
    sources.push({ ...s, commentsOnly: true });
    charts.push({ chart, file: s });
  }
  sources.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // The HCL parser (WebAssembly) is loaded only when a Terraform configuration is read.
  if (needsHclParser(sources)) await initHcl();
  const loaded = loadSources(sources, { defaultNamespace: facts?.defaultNamespace });
  const stdinAbs = readsStdin && options.stdinFilename ? path.resolve(cwd, options.stdinFilename) : undefined;
  const absByPath = new Map(sources.map((f) => [f.path, f.abs]));
  const rendered = new RenderedTemplates(loaded.rendered, discovered.charts.map((c) => c.dir), (file) => (file === stdinName && readsStdin ? stdinAbs : absByPath.get(file)), (abs) => displayPath(abs, cwd));
  // One note per chart whose templates were not linted, unless its rendered output was (a `# Source:` names it).
  const covered = rendered.coveredCharts();
  for (const { chart, file } of charts) if (!covered.has(chart.dir)) readProblems.push(chartNote(chart, file.text, file.path, dirDisplay(chart.dir, cwd)));
  const index = new Index(loaded.resources);
  const levels: Record<string, Level> = { ...(config ? resolveLevels(RULES, config) : {}), ...(options.rules ?? {}) };
  // `only` filters the output; when it asks for a suppression rule, every rule still runs so
  // that suppressions can be judged.
  const only = options.only;
  const judging = !!only?.some((id) => id.startsWith('suppress/'));
  if (only && !judging) for (const r of RULES) if (!only.includes(r.meta.id)) levels[r.meta.id] = 'off';
  const strict = !!options.strictMessages;
  const findings = runRules(RULES, index, { levels, facts, strictMessages: strict });
  for (const p of [...readProblems, ...loaded.problems]) {
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
  // Findings in a document Helm rendered name its template as a related location.
  const lines = new Map<string, string[]>();
  const lineText = (file: string, line: number) => {
    let l = lines.get(file);
    if (!l) {
      const text = sources.find((f) => f.path === file)?.text;
      if (text === undefined) return undefined;
      lines.set(file, (l = text.split('\n')));
    }
    return l[line - 1];
  };
  const all = [...findings, ...bookkeeping].map((f) => (loaded.rendered.length ? rendered.withTemplate(f, lineText) : f));
  const touches = (f: Finding) => !given || given.has(f.location.file) || f.related.some((r) => given.has(r.location.file));
  const shown = all.filter((f) => (!only || only.includes(f.ruleId)) && touches(f));
  return { findings: finalize(shown), files: loaded.files, missing, rules: RULES };
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
