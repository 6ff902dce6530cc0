#!/usr/bin/env node
/**
 * Entry point of the GitHub Action (action.yml runs its bundle, `dist/bundle/action.cjs`, with the
 * runner's Node.js 24).
 *
 * Inputs arrive as environment variables the way the runner names them: `INPUT_` + the input name
 * upper-cased with spaces turned into `_` and hyphens kept (`INPUT_FAIL-ON`); the underscore
 * spelling (`INPUT_FAIL_ON`) is accepted too, which is how a composite action that wraps this one
 * has to pass them through `env:`. The run always writes SARIF to `output-file`, prints the `format` report
 * (workflow-command annotations by default) to standard output, appends `sarif-file`, `errors`,
 * `warnings` and `notes` to `$GITHUB_OUTPUT` and a Markdown summary to `$GITHUB_STEP_SUMMARY`.
 * With `access-diff: true` on a pull request, the summary also gets the access diff against the
 * base revision (`irsa-lint map --diff`), with its Mermaid picture.
 * Exit status as the CLI: 0, 1 per `fail-on` (and `--max-warnings`), 2 on a usage or internal error.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from '../engine/types.js';
import { exitStatus, FAIL_ON, FORMATS, type Format, type Io, isMain, type LintRun, prepareLint, renderReport } from '../cli.js';
import { cliConfig } from '../config/commands.js';
import { computeMap } from '../map/command.js';
import { formatDiffMarkdown, formatDiffText } from '../map/format/markdown.js';
import { commitOf } from '../map/git.js';
import { escapeData } from '../format/github.js';
import { TOOL_NAME, VERSION } from '../version.js';

/** The CLI's I/O without standard input or a terminal: the runner provides neither. */
export type ActionIo = Pick<Io, 'cwd' | 'env' | 'stdout' | 'stderr'>;

/** How many findings the step summary lists. */
export const SUMMARY_TOP = 20;

/** An input as `@actions/core` `getInput` reads it (trimmed, empty when unset). */
export function getInput(env: ActionIo['env'], name: string): string {
  const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
  return (env[key] ?? env[key.replace(/-/g, '_')] ?? '').trim();
}

/** Split the `args` input like a shell would for simple cases: whitespace, '…' and "…" quoting, `\` escapes outside single quotes. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in the args input`);
  if (has) out.push(cur);
  return out;
}

/** One `$GITHUB_OUTPUT` entry: `name=value`, or the heredoc form for values with line breaks. */
export function outputEntry(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

function counts(findings: readonly Finding[]) {
  const active = findings.filter((f) => !f.suppressions?.length);
  return {
    errors: active.filter((f) => f.severity === 'error').length,
    warnings: active.filter((f) => f.severity === 'warning').length,
    notes: active.filter((f) => f.severity === 'note').length,
    suppressed: findings.length - active.length,
  };
}

/** Text safe inside a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

/** The step summary: a counts table and the first findings, errors first (the order of the findings otherwise). */
export function summaryMarkdown(run: Pick<LintRun, 'findings' | 'fileCount'>, sarifFile: string, exitCode: number): string {
  const c = counts(run.findings);
  const rank = { error: 0, warning: 1, note: 2 } as const;
  const active = run.findings.filter((f) => !f.suppressions?.length);
  const top = active
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.i - b.i)
    .slice(0, SUMMARY_TOP)
    .map(({ f }) => f);
  let md = `## ${TOOL_NAME} ${VERSION}\n\n`;
  md += `| Errors | Warnings | Notes | Suppressed | Files |\n| ---: | ---: | ---: | ---: | ---: |\n`;
  md += `| ${c.errors} | ${c.warnings} | ${c.notes} | ${c.suppressed} | ${run.fileCount} |\n\n`;
  if (top.length) {
    md += `### ${top.length < active.length ? `First ${top.length} of ${active.length} findings` : `Findings`}\n\n`;
    md += `| Level | Rule | Location | Message |\n| --- | --- | --- | --- |\n`;
    for (const f of top) {
      const l = f.location;
      md += `| ${f.severity} | \`${cell(f.ruleId)}\` | \`${cell(`${l.file}:${l.line}:${l.column}`)}\` | ${cell(f.message)} |\n`;
    }
    md += '\n';
  } else md += 'No problems found.\n\n';
  md += `SARIF report: \`${cell(sarifFile)}\`${exitCode === 1 ? ' — the step fails at the configured `fail-on` level.' : ''}\n`;
  return md;
}

function oneOfInput<T extends string>(value: string, allowed: readonly T[], name: string): T | undefined {
  if (value === '') return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`invalid input ${name} "${value}" (expected ${allowed.join(', ')})`);
}

class InputError extends Error {}

/** A boolean input as YAML 1.2 core schema spells it (`true`/`false`, any case); empty is `dflt`. */
export function booleanInput(value: string, name: string, dflt = false): boolean {
  if (value === '') return dflt;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new InputError(`invalid input ${name} "${value}" (expected true or false)`);
}

/**
 * The revision a pull request is compared with: the base commit of the `pull_request` event
 * payload (`GITHUB_EVENT_PATH`), else `origin/$GITHUB_BASE_REF`, else `$GITHUB_BASE_REF`, the
 * first that the clone has. `actions/checkout` fetches only the merge commit by default:
 * `fetch-depth: 0` (or fetching the base) makes the base commit available.
 */
export function baseRevision(env: ActionIo['env'], cwd: string): { rev: string; label: string } | { why: string } {
  let sha: string | undefined;
  let ref = env.GITHUB_BASE_REF || undefined;
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { base?: { sha?: unknown; ref?: unknown } } };
      const base = event.pull_request?.base;
      if (typeof base?.sha === 'string' && /^[0-9a-f]{40}$/.test(base.sha)) sha = base.sha;
      if (typeof base?.ref === 'string' && base.ref !== '') ref ??= base.ref;
    } catch {
      /* no readable payload: fall back on GITHUB_BASE_REF */
    }
  }
  const candidates = [sha, ref && `origin/${ref}`, ref].filter((c): c is string => !!c);
  if (candidates.length === 0) return { why: 'not a pull request (no base revision in the event or GITHUB_BASE_REF)' };
  for (const c of candidates) {
    const commit = commitOf(cwd, c);
    if (commit) return { rev: commit, label: ref ? `${ref} (${commit.slice(0, 7)})` : commit.slice(0, 7) };
  }
  return { why: `the base revision (${candidates[0]}) is not in the clone: check out with fetch-depth: 0` };
}

/** The access diff of the pull request for the step summary, and the text for the log. */
async function accessDiff(io: ActionIo, paths: readonly string[], config: string): Promise<{ markdown: string; text: string; warning?: string }> {
  const base = baseRevision(io.env, io.cwd);
  if ('why' in base) return { markdown: `### Access changes\n\nNot compared: ${base.why}.\n`, text: '', warning: `access diff not computed: ${base.why}` };
  try {
    const r = await computeMap({ cwd: io.cwd, paths, config: cliConfig(config ? { config } : {}, io.cwd), ...(config ? { configFile: config } : {}), diff: base.rev, diffLabel: base.label, tuneHeap: true });
    return { markdown: formatDiffMarkdown(r.diff!, r.base!, r.map, { heading: '###' }), text: formatDiffText(r.diff!) };
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    return { markdown: `### Access changes\n\nNot compared: ${message}.\n`, text: '', warning: `access diff not computed: ${message}` };
  }
}

export async function runAction(io: ActionIo): Promise<number> {
  try {
    const env = io.env;
    const format: Format = oneOfInput(getInput(env, 'format'), FORMATS, 'format') ?? 'github';
    const failOn = oneOfInput(getInput(env, 'fail-on'), FAIL_ON, 'fail-on');
    const sarifFile = getInput(env, 'output-file') || 'irsa-lint.sarif';
    const config = getInput(env, 'config');
    const paths = splitArgs(getInput(env, 'path'));
    const wantDiff = booleanInput(getInput(env, 'access-diff'), 'access-diff');
    const argv = [
      ...splitArgs(getInput(env, 'args')),
      ...(config ? ['--config', config] : []),
      ...(failOn ? ['--fail-on', failOn] : []),
      '--no-color',
      '--',
      ...(paths.length ? paths : ['.']),
    ];
    const lintIo: Io = { cwd: io.cwd, env, stdout: io.stdout, stderr: io.stderr, readStdin: () => '', isTTY: false };
    const run = await prepareLint(argv, lintIo);

    const sarifAbs = path.resolve(io.cwd, sarifFile);
    fs.mkdirSync(path.dirname(sarifAbs), { recursive: true });
    fs.writeFileSync(sarifAbs, renderReport(run, 'sarif'));
    io.stdout(renderReport({ ...run, color: false }, format));
    if (format !== 'text') for (const n of run.notes) io.stderr(`${TOOL_NAME}: ${n}\n`);
    const code = exitStatus(run, io);

    const c = counts(run.findings);
    if (env.GITHUB_OUTPUT) {
      fs.appendFileSync(
        env.GITHUB_OUTPUT,
        outputEntry('sarif-file', sarifFile) + outputEntry('errors', String(c.errors)) + outputEntry('warnings', String(c.warnings)) + outputEntry('notes', String(c.notes)),
      );
    }
    let summary = summaryMarkdown(run, sarifFile, code);
    if (wantDiff) {
      // The diff is information for the reviewer: it never changes the exit status.
      const d = await accessDiff(io, paths.length ? paths : ['.'], config);
      if (d.text) io.stdout(`::group::Access changes\n${d.text}::endgroup::\n`);
      if (d.warning) io.stdout(`::warning title=${TOOL_NAME}::${escapeData(d.warning)}\n`);
      summary += `\n${d.markdown}`;
    }
    if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, summary);
    return code;
  } catch (e) {
    const message = (e as { diagnostics?: unknown }).diagnostics ? (e as Error).message : `${TOOL_NAME}: ${(e as Error).message ?? String(e)}`;
    io.stdout(`::error title=${TOOL_NAME}::${escapeData(message)}\n`);
    io.stderr(`${message}\n`);
    return 2;
  }
}

/** The Action in this process: the runner's environment, standard streams and exit status. */
export async function startAction(): Promise<void> {
  process.exitCode = await runAction({
    cwd: process.cwd(),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}

if (isMain(import.meta.url)) void startAction();
