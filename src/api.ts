/**
 * Programmatic API: `lint(paths, options)` loads a repository, builds the model and index,
 * runs the rules and returns sorted findings with their fingerprints.
 */

import { RULES } from '../rules/index.js';
import { finalize, runRules } from './engine/engine.js';
import type { Facts, Finding, Level, Rule } from './engine/types.js';
import { discover, displayPath } from './load/discover.js';
import { loadSources, readSource, type SourceFile } from './load/loader.js';
import { Index } from './model/index.js';

export type { Finding, Facts, Level, Rule, Severity, RuleMeta } from './engine/types.js';
export { RULES };

export interface LintOptions {
  /** Working directory for relative paths in input and output (default `process.cwd()`). */
  readonly cwd?: string;
  /** Per-rule level overrides (`off` disables). */
  readonly rules?: Readonly<Record<string, Level>>;
  /** Run only these rule ids (others off). */
  readonly only?: readonly string[];
  readonly facts?: Facts;
  /** Text read from standard input (when a path is `-`). */
  readonly stdin?: string;
}

export interface LintResult {
  readonly findings: Finding[];
  readonly files: SourceFile[];
  /** Inputs that do not exist. */
  readonly missing: string[];
  readonly rules: readonly Rule[];
}

export const PARSE_RULE = 'parse/syntax';

export function lint(paths: readonly string[], options: LintOptions = {}): LintResult {
  const cwd = options.cwd ?? process.cwd();
  const inputs = paths.length ? paths : ['.'];
  const { files, missing } = discover(inputs.filter((p) => p !== '-'), cwd);
  const sources: SourceFile[] = [];
  const readProblems = [];
  if (inputs.includes('-')) sources.push({ path: '<stdin>', text: options.stdin ?? '' });
  for (const abs of files) {
    const s = readSource(abs, displayPath(abs, cwd));
    if ('text' in s) sources.push(s);
    else readProblems.push(s);
  }
  const loaded = loadSources(sources, { defaultNamespace: options.facts?.defaultNamespace });
  const index = new Index(loaded.resources);
  const levels: Record<string, Level> = { ...(options.rules ?? {}) };
  if (options.only) for (const r of RULES) if (!options.only.includes(r.meta.id)) levels[r.meta.id] = 'off';
  const findings = runRules(RULES, index, { levels, facts: options.facts });
  const parseLevel = levels[PARSE_RULE] ?? 'error';
  if (parseLevel !== 'off') {
    for (const p of [...readProblems, ...loaded.problems]) {
      findings.push({
        ruleId: PARSE_RULE, messageId: 'syntax', message: p.message, severity: parseLevel,
        location: p.span, related: [], subject: `file:${p.span.file}`, fingerprint: '',
      });
    }
  }
  return { findings: finalize(findings), files: loaded.files, missing, rules: RULES };
}
