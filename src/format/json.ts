/**
 * Machine output, a documented stable shape (version 1):
 * { version, tool: {name, version}, summary: {errors, warnings, notes, files},
 *   findings: [{ ruleId, severity, message, file, range: {start: {line, column}, end: {line, column}},
 *                related: [{ file, range, label }], subject, fingerprint }] }
 * Positions are 1-based; `end.column` is exclusive.
 */
import type { Finding } from '../engine/types.js';
import type { Span } from '../model/span.js';
import { TOOL_NAME, VERSION } from '../version.js';

function range(s: Span) {
  return { start: { line: s.line, column: s.column }, end: { line: s.endLine, column: s.endColumn } };
}

export function toJsonReport(findings: readonly Finding[], fileCount: number) {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  return {
    version: 1,
    tool: { name: TOOL_NAME, version: VERSION },
    summary: { errors: count('error'), warnings: count('warning'), notes: count('note'), files: fileCount },
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.location.file,
      range: range(f.location),
      related: f.related.map((r) => ({ file: r.location.file, range: range(r.location), label: r.label })),
      subject: f.subject,
      fingerprint: f.fingerprint,
      ...(f.suppressions?.length ? { suppressions: f.suppressions.map((s) => ({ kind: s.kind, justification: s.justification })) } : {}),
    })),
  };
}

export function formatJson(findings: readonly Finding[], fileCount: number): string {
  return JSON.stringify(toJsonReport(findings, fileCount), null, 2) + '\n';
}
