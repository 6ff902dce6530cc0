/**
 * CLI plumbing for configuration, suppressions, baselines, `explain` and `init`, kept out of
 * src/cli.ts so that the command line stays a thin dispatcher.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RULES } from '../../rules/index.js';
import { applyBaseline, BaselineError, readBaseline, writeBaseline } from '../baseline.js';
import { explainText, initConfigText, ruleExamples } from '../docs.js';
import type { Finding } from '../engine/types.js';
import { formatFindingLines } from '../format/text.js';
import { discover, displayPath } from '../load/discover.js';
import { ChartNames, shellWord } from '../load/helm.js';
import { IgnoreRules } from '../load/ignore.js';
import { HOMEPAGE, VERSION } from '../version.js';
import { configFailOn, findConfigFile, loadConfigFile } from './load.js';
import { didYouMean } from './suggest.js';
import { CONFIG_FILE_NAMES, ConfigError, type FailOn, type LoadedConfig } from './types.js';

export { BaselineError, ConfigError };

/** The output functions the commands need (a subset of the CLI's `Io`). */
export interface CommandIo {
  readonly cwd: string;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

export interface LintCliValues {
  readonly config?: string;
  readonly 'no-config'?: boolean;
  readonly 'max-warnings'?: string;
  readonly 'show-suppressed'?: boolean;
  readonly baseline?: string;
  readonly 'write-baseline'?: string;
}

/** `parseArgs` option definitions for the lint command. */
export const LINT_OPTIONS = {
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
  'max-warnings': { type: 'string' },
  'show-suppressed': { type: 'boolean' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
} as const;

export class CliUsageError extends Error {}

export const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;

const RANK: Record<Finding['severity'], number> = { note: 1, warning: 2, error: 3 };

export function exitCodeFor(findings: readonly Finding[], failOn: (typeof FAIL_ON)[number]): number {
  if (failOn === 'never') return 0;
  return findings.some((f) => !f.suppressions?.length && RANK[f.severity] >= RANK[failOn]) ? 1 : 0;
}

/** Exit status for a run: 1 when a finding reaches the failing level or warnings exceed the maximum. */
export function exitStatus(run: { readonly findings: readonly Finding[]; readonly failOn: (typeof FAIL_ON)[number]; readonly maxWarnings: number }, io: Pick<CommandIo, 'stderr'>): number {
  const code = exitCodeFor(run.findings, run.failOn);
  const warnings = countedWarnings(run.findings);
  if (code === 0 && run.maxWarnings >= 0 && warnings > run.maxWarnings) {
    io.stderr(`irsa-lint: ${warnings} warnings, more than the ${run.maxWarnings} allowed (--max-warnings)\n`);
    return 1;
  }
  return code;
}

/** The configuration for this run: `--config FILE`, else the one found from the working directory, unless `--no-config`. */
export function cliConfig(values: LintCliValues, cwd: string): LoadedConfig | undefined {
  if (values['no-config']) {
    if (values.config !== undefined) throw new CliUsageError('--config and --no-config cannot be used together');
    return undefined;
  }
  const file = values.config !== undefined ? path.resolve(cwd, values.config) : findConfigFile(cwd);
  return file ? loadConfigFile(file, cwd, RULES) : undefined;
}

/** `--fail-on` wins over the configuration, which wins over `error`. */
export function effectiveFailOn(cli: FailOn | undefined, config: LoadedConfig | undefined): FailOn {
  return cli ?? configFailOn(config) ?? 'error';
}

/** `--max-warnings` wins over the configuration; -1 (the default) means no limit. */
export function effectiveMaxWarnings(cli: string | undefined, config: LoadedConfig | undefined): number {
  if (cli !== undefined) {
    if (!/^-?\d+$/.test(cli) || Number(cli) < -1) throw new CliUsageError(`invalid --max-warnings "${cli}" (expected a number, -1 for no limit)`);
    return Number(cli);
  }
  return config?.maxWarnings ?? -1;
}

/** Warnings that count against `maxWarnings`: not suppressed (baselined findings are already gone). */
export function countedWarnings(findings: readonly Finding[]): number {
  return findings.filter((f) => f.severity === 'warning' && !f.suppressions?.length).length;
}

export interface BaselineStep {
  readonly findings: Finding[];
  /** One-line notes for the text report. */
  readonly notes: string[];
}

/**
 * `--write-baseline FILE` records every finding that is not suppressed, after which they are all
 * known; `--baseline FILE` drops the findings recorded there.
 */
export function baselineStep(findings: Finding[], values: LintCliValues, cwd: string): BaselineStep {
  const notes: string[] = [];
  let out = findings;
  if (values['write-baseline'] !== undefined) {
    const abs = path.resolve(cwd, values['write-baseline']);
    const n = writeBaseline(abs, out, cwd);
    notes.push(`wrote ${n} finding${n === 1 ? '' : 's'} to baseline ${displayPath(abs, cwd)}`);
    out = applyBaseline(out, readBaseline(abs, displayPath(abs, cwd)), abs, cwd).findings;
  } else if (values.baseline !== undefined) {
    const abs = path.resolve(cwd, values.baseline);
    const display = displayPath(abs, cwd);
    const r = applyBaseline(out, readBaseline(abs, display), abs, cwd);
    out = r.findings;
    if (r.known) notes.push(`${r.known} known finding${r.known === 1 ? '' : 's'} in baseline ${display} not shown`);
    if (r.stale) notes.push(`${r.stale} baseline entr${r.stale === 1 ? 'y' : 'ies'} no longer found: rewrite it with --write-baseline ${display}`);
  }
  return { findings: out, notes };
}

/** Text after the normal report: suppressed findings (with `--show-suppressed`) or their count, and notes. */
export function textSuffix(findings: readonly Finding[], showSuppressed: boolean, notes: readonly string[]): string {
  const suppressed = findings.filter((f) => f.suppressions?.length);
  let out = '';
  if (suppressed.length && showSuppressed) {
    out += `\nsuppressed (${suppressed.length}):\n`;
    for (const f of suppressed) {
      out += formatFindingLines([f]);
      for (const s of f.suppressions ?? []) {
        const at = s.location ? ` at ${s.location.file}:${s.location.line}:${s.location.column}` : '';
        out += `    suppressed (${s.kind})${at}: ${s.justification || '(no reason given)'}\n`;
      }
    }
  } else if (suppressed.length) {
    out += `${suppressed.length} suppressed finding${suppressed.length === 1 ? '' : 's'} not shown (--show-suppressed lists them)\n`;
  }
  for (const n of notes) out += `${n}\n`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// irsa-lint explain <rule>

export function explainCommand(args: readonly string[], io: CommandIo): number {
  const ids = args.filter((a) => !a.startsWith('-'));
  if (ids.length !== 1) throw new CliUsageError('explain takes one rule id (irsa-lint rules lists them)');
  const rule = RULES.find((r) => r.meta.id === ids[0]);
  if (!rule) {
    throw new CliUsageError(`unknown rule "${ids[0]}"${didYouMean(ids[0], RULES.map((r) => r.meta.id))}; irsa-lint rules lists them`);
  }
  io.stdout(explainText(rule, ruleExamples(rule.meta.id)));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// irsa-lint init

// The hook and action definitions (.pre-commit-hooks.yaml, action.yml, docs/integrations.md) are
// maintained separately; keep these snippets in line with them.
export const PRE_COMMIT_SNIPPET = `# .pre-commit-config.yaml
repos:
  - repo: ${HOMEPAGE}
    rev: v${VERSION}
    hooks:
      - id: irsa-lint
`;

export const WORKFLOW_SNIPPET = `# .github/workflows/irsa-lint.yml
name: irsa-lint
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
  security-events: write   # upload-sarif
jobs:
  irsa-lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: irsa-lint/irsa-lint@v0.1.0
        id: irsa-lint
        with:
          path: .
          fail-on: error
      - uses: github/codeql-action/upload-sarif@v4
        if: always()
        with:
          sarif_file: \${{ steps.irsa-lint.outputs.sarif-file }}
          category: irsa-lint
`;

/** A word inside a single-quoted `bash -c '…'`: double-quoted when it needs quoting. */
function dq(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `"${s.replace(/["\\$`]/g, '\\$&').replace(/'/g, `'\\''`)}"`;
}

/** A regular expression that matches the paths under `dir` (pre-commit's `files:`). */
function pathRegex(dir: string): string {
  return dir === '.' ? '' : `^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`;
}

/**
 * A pre-commit hook that lints a chart's rendered output with the repository as context (only the
 * findings that concern the rendered chart block the commit). Needs `helm` on PATH; `pipefail`
 * makes a chart that does not render fail the hook instead of linting an empty stream.
 */
export function helmPreCommitSnippet(name: string, dir: string): string {
  const stdinName = dir === '.' ? 'rendered.yaml' : `${dir}/rendered.yaml`;
  const files = pathRegex(dir);
  return `# .pre-commit-config.yaml: lint the rendered chart ${dir} against the repository
repos:
  - repo: local
    hooks:
      - id: irsa-lint-chart-${name}
        name: irsa-lint (rendered chart ${dir})
        entry: bash -c 'set -o pipefail; helm template ${dq(name)} ${dq(dir)} | irsa-lint lint --context . - --stdin-filename ${dq(stdinName)}'
        language: node
        additional_dependencies: ['irsa-lint@${VERSION}']
${files ? `        files: ${files}
` : ''}        pass_filenames: false
        require_serial: true
`;
}

/** The workflow steps that render a chart into the checkout before the action lints it. */
export function helmWorkflowSnippet(name: string, dir: string): string {
  const out = dir === '.' ? 'rendered.yaml' : `${dir}/rendered.yaml`;
  return `# .github/workflows/irsa-lint.yml, steps of the irsa-lint job: render ${dir} first
    steps:
      - uses: actions/checkout@v5
      - name: Render ${dir}
        run: helm template ${shellWord(name)} ${shellWord(dir)} > ${shellWord(out)}
      - uses: irsa-lint/irsa-lint@v${VERSION}
        id: irsa-lint
        with:
          path: .
          fail-on: error
`;
}

export function initCommand(args: readonly string[], io: CommandIo): number {
  if (args.some((a) => !a.startsWith('-'))) throw new CliUsageError('init takes no arguments; it writes .irsa-lint.yaml in the current directory');
  const existing = CONFIG_FILE_NAMES.map((n) => path.join(io.cwd, n)).find((p) => fs.existsSync(p));
  if (existing) throw new CliUsageError(`${path.basename(existing)} already exists; not overwriting it`);
  const target = path.join(io.cwd, CONFIG_FILE_NAMES[0]);
  fs.writeFileSync(target, initConfigText(RULES), { flag: 'wx' });
  io.stdout(
    [
      `wrote ${CONFIG_FILE_NAMES[0]}: edit it, then run irsa-lint lint`,
      '',
      'pre-commit hook:',
      '',
      indent(PRE_COMMIT_SNIPPET),
      'GitHub Actions workflow (findings appear in code scanning):',
      '',
      indent(WORKFLOW_SNIPPET),
      ...helmSection(io.cwd),
    ].join('\n'),
  );
  return 0;
}

/** For a repository with Helm charts: how to lint the first one rendered, in both places. */
function helmSection(cwd: string): string[] {
  const charts = discover(['.'], cwd, { ignore: new IgnoreRules({ gitignore: true, cwd }) }).charts.filter((c) => c.templates.size > 0);
  if (!charts.length) return [];
  const names = new ChartNames();
  const dirs = charts.map((c) => displayDir(c.dir, cwd));
  const name = names.name(charts[0].dir) ?? path.basename(charts[0].dir);
  const more = dirs.length > 1 ? ` (the same for ${dirs.slice(1).join(', ')})` : '';
  return [
    `Helm charts: their templates are not linted as written; lint the rendered chart${more}.`,
    '',
    'pre-commit hook (needs helm):',
    '',
    indent(helmPreCommitSnippet(name, dirs[0])),
    'GitHub Actions steps (GitHub-hosted Ubuntu runners have helm):',
    '',
    indent(helmWorkflowSnippet(name, dirs[0])),
  ];
}

function displayDir(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
}
