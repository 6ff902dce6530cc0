/**
 * GitHub Actions workflow commands, one line per finding that is not suppressed:
 *   ::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE-ID::MESSAGE
 * (warning → `::warning`, note → `::notice`). The runner turns them into annotations on the
 * workflow run and on the pull request's changed lines. Escaping follows actions/toolkit
 * (`packages/core/src/command.ts`): `%`, CR and LF in the message; additionally `:` and `,` in
 * property values.
 */
import type { Finding, Severity } from '../engine/types.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

/** Escape the data part of a workflow command (after `::`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a property value (`file=`, `title=`, …). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubCommand(f: Finding): string {
  const l = f.location;
  const props: [string, string | number][] = [
    ['file', l.file],
    ['line', l.line],
    ['col', l.column],
    ['endLine', l.endLine],
    ['endColumn', l.endColumn],
    ['title', f.ruleId],
  ];
  let message = f.message;
  if (f.related.length) message += `\n${f.related.map((r) => `related: ${r.location.file}:${r.location.line}:${r.location.column} ${r.label}`).join('\n')}`;
  return `::${COMMAND[f.severity]} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(message)}\n`;
}

/** Workflow commands for every finding that is not suppressed (nothing for an empty list). */
export function formatGithub(findings: readonly Finding[]): string {
  return findings
    .filter((f) => !f.suppressions?.length)
    .map(githubCommand)
    .join('');
}
