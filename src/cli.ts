#!/usr/bin/env node
/**
 * The command line: `irsa-lint lint [PATH...]` (the default command), `irsa-lint rules`.
 * Exit status: 0 no finding at the failing level, 1 at least one, 2 usage error or internal failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lint, RULES } from './api.js';
import { baselineStep, BaselineError, cliConfig, CliUsageError, ConfigError, countedWarnings, effectiveFailOn, effectiveMaxWarnings, explainCommand, initCommand, LINT_OPTIONS, textSuffix } from './config/commands.js';
import { formatRulesList } from './docs.js';
import type { Finding, Severity } from './engine/types.js';
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
}

export class UsageError extends Error {}

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;

const HELP = `Usage: irsa-lint [lint] [options] [PATH...]
       irsa-lint rules [--format text|json|markdown]
       irsa-lint explain RULE     full help for a rule, with examples
       irsa-lint init             write a commented .irsa-lint.yaml and print CI snippets

Checks how Kubernetes/OpenShift workloads obtain AWS credentials (IRSA through the
pod-identity webhook, OpenShift STS through ccoctl) by cross-referencing manifests,
ServiceAccounts, Secrets, CredentialsRequests and IAM trust policies.

PATH is a file or directory (default "."); "-" reads one YAML/JSON stream from stdin.

Options:
  -f, --format FORMAT    text (default), json or sarif
  -o, --output-file FILE write the report to FILE instead of standard output
      --fail-on LEVEL    lowest level that makes the exit status 1: error (default), warning, note, never
      --max-warnings N   exit status 1 when there are more than N warnings
      --config FILE      configuration file (default: .irsa-lint.yaml/.yml/.json here or above, up to the git top level)
      --no-config        ignore configuration files
      --show-suppressed  list suppressed findings in text output
      --baseline FILE    report only findings that are not recorded in FILE
      --write-baseline FILE
                         record every finding that is not suppressed in FILE
      --no-color         no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)
      --debug            print stack traces of internal errors
  -v, --version          print the version
  -h, --help             print this help

Exit status: 0 no finding at the failing level, 1 at least one, 2 usage error or internal failure.
`;

const RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };

export function exitCodeFor(findings: readonly Finding[], failOn: (typeof FAIL_ON)[number]): number {
  if (failOn === 'never') return 0;
  return findings.some((f) => !f.suppressions?.length && RANK[f.severity] >= RANK[failOn]) ? 1 : 0;
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

function runLint(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      'output-file': { type: 'string', short: 'o' },
      'fail-on': { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      debug: { type: 'boolean' },
      ...LINT_OPTIONS,
    },
  });
  const format = oneOf(values.format, FORMATS, 'format', 'text');
  const config = cliConfig(values, io.cwd);
  const failOn = effectiveFailOn(values['fail-on'] === undefined ? undefined : oneOf(values['fail-on'], FAIL_ON, '--fail-on', 'error'), config);
  const maxWarnings = effectiveMaxWarnings(values['max-warnings'], config);
  const outFile = values['output-file'];
  const stdin = positionals.includes('-') ? io.readStdin() : undefined;
  const result = lint(positionals, { cwd: io.cwd, stdin, config });
  if (result.missing.length) throw new UsageError(`no such file or directory: ${result.missing.join(', ')}`);
  const { findings: shown, notes } = baselineStep(result.findings, values, io.cwd);
  let report: string;
  if (format === 'json') report = formatJson(shown, result.files.length);
  else if (format === 'sarif') report = formatSarif(shown, result.rules);
  else report = formatText(shown.filter((f) => !f.suppressions?.length), { color: useColor(io, values['no-color'] ? false : values.color, !!outFile), fileCount: result.files.length }) + textSuffix(shown, !!values['show-suppressed'], notes);
  if (format !== 'text') for (const n of notes) io.stderr(`irsa-lint: ${n}\n`);
  if (outFile) {
    const abs = path.resolve(io.cwd, outFile);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, report);
  } else io.stdout(report);
  const code = exitCodeFor(shown, failOn);
  const warnings = countedWarnings(shown);
  if (code === 0 && maxWarnings >= 0 && warnings > maxWarnings) {
    io.stderr(`irsa-lint: ${warnings} warnings, more than the ${maxWarnings} allowed (--max-warnings)\n`);
    return 1;
  }
  return code;
}

function runRulesCommand(args: string[], io: Io): number {
  const { values } = parseArgs({ args, options: { format: { type: 'string', short: 'f' } } });
  const format = oneOf(values.format, ['text', 'json', 'markdown'] as const, 'format', 'text');
  io.stdout(formatRulesList(RULES, format));
  return 0;
}

export function main(argv: readonly string[], io: Io): number {
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
    if (cmd === 'lint') return args.includes('--help') || args.includes('-h') ? (io.stdout(HELP), 0) : runLint(args.slice(1), io);
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout(HELP);
      return 0;
    }
    return runLint(args, io);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`${e.message}\n`);
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

function isMain(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return fs.realpathSync(argv1) === fs.realpathSync(new URL(import.meta.url).pathname);
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: () => fs.readFileSync(0, 'utf8'),
    isTTY: !!process.stdout.isTTY,
  });
  process.exitCode = code;
}
