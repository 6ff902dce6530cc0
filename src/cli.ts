#!/usr/bin/env node
/**
 * The command line: `irsa-lint lint [PATH...]` (the default command), `irsa-lint rules`.
 * Exit status: 0 no finding at the failing level, 1 at least one, 2 usage error or internal failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lint, RULES, type LintResult } from './api.js';
import { defaultCacheDir } from './load/cache.js';
import { baselineStep, BaselineError, cliConfig, CliUsageError, ConfigError, effectiveFailOn, effectiveMaxWarnings, exitStatus, explainCommand, FAIL_ON, initCommand, LINT_OPTIONS, textSuffix } from './config/commands.js';
import { mapCommand } from './map/command.js';
import { GitError } from './map/git.js';

export { exitCodeFor, exitStatus, FAIL_ON } from './config/commands.js';
import { formatRulesList } from './docs.js';
import type { Finding } from './engine/types.js';
import { formatGithub } from './format/github.js';
import { formatJson } from './format/json.js';
import { formatSarif } from './format/sarif.js';
import { formatText } from './format/text.js';
import { VERSION } from './version.js';

export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly readStdin: () => string;
  readonly isTTY: boolean;
  /** Width of the terminal, when standard output is one. */
  readonly columns?: number;
}

export class UsageError extends Error {}

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

const HELP = `Usage: irsa-lint [lint] [options] [PATH...]
       irsa-lint lint --context DIR FILE...   (pre-commit: load DIR, report on FILEs)
       irsa-lint rules [--format text|json|markdown]
       irsa-lint explain RULE     full help for a rule, with examples
       irsa-lint init             write a commented .irsa-lint.yaml and print CI snippets
       irsa-lint map [PATH...]    which workload can obtain which AWS role, and how (map --help)

Checks how Kubernetes/OpenShift workloads obtain AWS credentials (IRSA through the
pod-identity webhook, OpenShift STS through ccoctl) by cross-referencing manifests,
ServiceAccounts, Secrets, CredentialsRequests and IAM trust policies.

PATH is a file or directory (default "."); "-" reads one YAML/JSON stream from stdin as one more
file, cross-referenced with the others. Directories are walked without what .gitignore,
.irsa-lintignore and --ignore-pattern exclude. Helm chart templates are not read (one note per
chart); lint a rendered chart with the repository:
  helm template app charts/app | irsa-lint lint - --stdin-filename charts/app/rendered.yaml .

Options:
  -f, --format FORMAT    text (default), json, sarif or github (workflow-command annotations)
      --stdin-filename NAME
                         show standard input as NAME (default <stdin>), e.g. charts/app/rendered.yaml;
                         a file NAME on disk is replaced by it
      --context DIR      read all of DIR for cross-references, but report only findings whose
                         location or related location is in one of the PATHs (pre-commit); with
                         "-", standard input is one of them
  -o, --output-file FILE write the report to FILE instead of standard output
      --fail-on LEVEL    lowest level that makes the exit status 1: error (default), warning, note, never
      --max-warnings N   exit status 1 when there are more than N warnings
      --config FILE      configuration file (default: .irsa-lint.yaml/.yml/.json here or above, up to the git top level)
      --no-config        ignore configuration files
      --ignore-pattern PATTERN
                         leave matching files out of directories (gitignore syntax, relative to
                         the current directory; repeatable), after .gitignore and .irsa-lintignore
      --no-ignore        read no .gitignore or .irsa-lintignore (files named as PATHs are always read)
      --cache            keep what was read from each file, and what was found, for the next run
                         (default with --context): that run reads, builds and checks only what
                         its changes reach
      --no-cache         do not read or write the cache
      --cache-location DIR
                         the cache's directory (default node_modules/.cache/irsa-lint, or the user
                         cache directory when there is no node_modules)
      --concurrency N    worker threads for parsing: a number, or auto/off (default: none; they
                         pay only when most documents are templated or anchored YAML)
      --show-suppressed  list suppressed findings in text output
      --baseline FILE    report only findings that are not recorded in FILE
      --write-baseline FILE
                         record every finding that is not suppressed in FILE
      --no-color         no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)
      --debug            print stack traces of internal errors, and how the cache was used
  -v, --version          print the version
  -h, --help             print this help

Exit status: 0 no finding at the failing level, 1 at least one, 2 usage error or internal failure.
`;


/** `--concurrency`: `auto`, `off` or a count of worker threads. */
export function concurrencyOf(value: string | undefined): number | 'auto' | 'off' | undefined {
  if (value === undefined || value === 'auto' || value === 'off') return value;
  if (/^\d+$/.test(value) && Number(value) <= 64) return Number(value);
  throw new UsageError(`invalid --concurrency "${value}" (expected auto, off or a number of threads up to 64)`);
}

function useColor(io: Io, flag: boolean | undefined, toFile: boolean): boolean {
  if (flag === false || toFile) return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.isTTY;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string, dflt: T): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid ${name} "${value}" (expected ${allowed.join(', ')})`);
}

/** One lint run as the command line sees it: options resolved, findings after the baseline. */
export interface LintRun {
  readonly format: Format;
  readonly outFile?: string;
  readonly color: boolean;
  readonly showSuppressed: boolean;
  readonly failOn: (typeof FAIL_ON)[number];
  /** -1: no limit. */
  readonly maxWarnings: number;
  /** Shown findings (suppressed ones included, marked), after the baseline. */
  readonly findings: Finding[];
  readonly fileCount: number;
  readonly rules: LintResult['rules'];
  /** One-line notes (baseline bookkeeping). */
  readonly notes: string[];
}

/** Parse the lint command's arguments and run the linter (shared with the GitHub Action entry). */
export async function prepareLint(args: readonly string[], io: Io): Promise<LintRun> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      'output-file': { type: 'string', short: 'o' },
      'fail-on': { type: 'string' },
      context: { type: 'string' },
      'stdin-filename': { type: 'string' },
      'ignore-pattern': { type: 'string', multiple: true },
      'no-ignore': { type: 'boolean' },
      cache: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      'cache-location': { type: 'string' },
      concurrency: { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      debug: { type: 'boolean' },
      ...LINT_OPTIONS,
    },
  });
  const format = oneOf(values.format, FORMATS, 'format', 'text');
  const context = values.context;
  if (context !== undefined) {
    if (!positionals.length) throw new UsageError('--context needs the files to report on (pre-commit passes them)');
    if (!isDirectory(path.resolve(io.cwd, context))) throw new UsageError(`--context "${context}" is not a directory`);
  }
  const config = cliConfig(values, io.cwd);
  const failOn = effectiveFailOn(values['fail-on'] === undefined ? undefined : oneOf(values['fail-on'], FAIL_ON, '--fail-on', 'error'), config);
  const maxWarnings = effectiveMaxWarnings(values['max-warnings'], config);
  const outFile = values['output-file'];
  const stdinFilename = values['stdin-filename'];
  if (stdinFilename !== undefined) {
    if (!positionals.includes('-')) throw new UsageError('--stdin-filename names standard input, which is read only when "-" is among the paths');
    if (stdinFilename.trim() === '') throw new UsageError('--stdin-filename needs a file name');
  }
  const stdin = positionals.includes('-') ? io.readStdin() : undefined;
  const ignorePatterns = values['ignore-pattern'] ?? [];
  if (values['no-ignore'] && ignorePatterns.length) throw new UsageError('--ignore-pattern and --no-ignore cannot be used together');
  if (values.cache && values['no-cache']) throw new UsageError('--cache and --no-cache cannot be used together');
  if (values['no-cache'] && values['cache-location'] !== undefined) throw new UsageError('--cache-location and --no-cache cannot be used together');
  // The pre-commit entry (--context) reads the whole repository on every commit: cached by default.
  const cache = values['no-cache'] ? false : values['cache-location'] !== undefined ? values['cache-location'] : values.cache || context !== undefined ? defaultCacheDir(io.cwd, io.env) : false;
  const concurrency = concurrencyOf(values.concurrency);
  const result = await lint(positionals, { cwd: io.cwd, stdin, stdinFilename, config, context, ignorePatterns, ignore: !values['no-ignore'], cache, concurrency, tuneHeap: true });
  if (result.missing.length) throw new UsageError(`no such file or directory: ${result.missing.join(', ')}`);
  if (values.debug && cache !== false) {
    const i = result.incremental;
    io.stderr(i ? `irsa-lint: continued from the cache: ${i.changed} changed, ${i.checked} checked again, ${i.built} built\n` : 'irsa-lint: full run (the cache had no run to continue from)\n');
  }
  const { findings, notes } = baselineStep(result.findings, values, io.cwd);
  return {
    format,
    outFile,
    color: useColor(io, values['no-color'] ? false : values.color, !!outFile),
    showSuppressed: !!values['show-suppressed'],
    failOn,
    maxWarnings,
    findings,
    fileCount: result.files.length,
    rules: result.rules,
    notes,
  };
}

/** The report text for `format`. */
export function renderReport(run: LintRun, format: Format = run.format): string {
  const shown = run.findings;
  if (format === 'json') return formatJson(shown, run.fileCount);
  if (format === 'sarif') return formatSarif(shown, run.rules);
  if (format === 'github') return formatGithub(shown);
  return formatText(shown.filter((f) => !f.suppressions?.length), { color: run.color, fileCount: run.fileCount }) + textSuffix(shown, run.showSuppressed, run.notes);
}


async function runLint(args: string[], io: Io): Promise<number> {
  const run = await prepareLint(args, io);
  const report = renderReport(run);
  if (run.format !== 'text') for (const n of run.notes) io.stderr(`irsa-lint: ${n}\n`);
  if (run.outFile) {
    const abs = path.resolve(io.cwd, run.outFile);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, report);
  } else io.stdout(report);
  return exitStatus(run, io);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function runRulesCommand(args: string[], io: Io): number {
  const { values } = parseArgs({ args, options: { format: { type: 'string', short: 'f' } } });
  const format = oneOf(values.format, ['text', 'json', 'markdown'] as const, 'format', 'text');
  io.stdout(formatRulesList(RULES, format));
  return 0;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const args = [...argv];
  const debug = args.includes('--debug');
  try {
    if (args[0] === '--version' || args[0] === '-v') {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    if (args.length === 0 ? false : args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
      io.stdout(HELP);
      return 0;
    }
    const cmd = args[0];
    if (cmd === 'rules') return runRulesCommand(args.slice(1), io);
    if (cmd === 'explain') return explainCommand(args.slice(1), io);
    if (cmd === 'init') return initCommand(args.slice(1), io);
    if (cmd === 'map') return await mapCommand(args.slice(1), io);
    if (cmd === 'lint') return args.includes('--help') || args.includes('-h') ? (io.stdout(HELP), 0) : await runLint(args.slice(1), io);
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout(HELP);
      return 0;
    }
    return await runLint(args, io);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    if (e instanceof GitError) {
      io.stderr(`irsa-lint: git: ${e.message}\n`);
      return 2;
    }
    if (e instanceof BaselineError) {
      io.stderr(`irsa-lint: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError || e instanceof CliUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`irsa-lint: ${(e as Error).message}\nTry 'irsa-lint --help'.\n`);
      return 2;
    }
    io.stderr(`irsa-lint: internal error: ${(e as Error).message ?? String(e)}\n`);
    if (debug && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return 2;
  }
}

/** Is the module at `moduleUrl` the script Node was started with (also through a bin symlink)? */
export function isMain(moduleUrl: string): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return fs.realpathSync(argv1) === fs.realpathSync(new URL(moduleUrl).pathname);
  } catch {
    return false;
  }
}

/**
 * The CLI in this process: its arguments, standard streams and exit status. Run when this module
 * is the script Node was started with, and by the bundle's `dist/bundle/cli.cjs`.
 */
export async function startCli(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: () => fs.readFileSync(0, 'utf8'),
    isTTY: !!process.stdout.isTTY,
    columns: process.stdout.columns,
  });
}

if (isMain(import.meta.url)) void startCli();
