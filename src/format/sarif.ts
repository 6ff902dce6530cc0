/**
 * SARIF 2.1.0 for GitHub code scanning: every rule in `tool.driver.rules`, results with a
 * relative `uri` under `%SRCROOT%`, exact regions, related locations linked from the message,
 * and fingerprints that do not depend on line numbers.
 */
import type { Finding, Rule } from '../engine/types.js';
import type { Span } from '../model/span.js';
import { HOMEPAGE, ruleDocUrl, TOOL_NAME, VERSION } from '../version.js';
import { ruleHelpMarkdown, ruleHelpText } from './help.js';

/** GitHub keeps at most 25,000 results per run and 1,000 locations per result (it shows 100). */
export const SARIF_LIMITS = { resultsPerRun: 25_000, relatedPerResult: 100, messageLength: 2_000 };

const SRCROOT = '%SRCROOT%';

function region(s: Span) {
  return { startLine: s.line, startColumn: s.column, endLine: s.endLine, endColumn: s.endColumn };
}

function physical(s: Span) {
  return { artifactLocation: { uri: encodeURI(s.file), uriBaseId: SRCROOT }, region: region(s) };
}

/** Escape characters that SARIF message markup gives meaning to. */
function escapeMessage(s: string): string {
  return s.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

export function sarifRule(rule: Rule) {
  const m = rule.meta;
  const tags = [...(m.securitySeverity !== undefined ? ['security'] : []), ...(m.tags ?? [])].slice(0, 10);
  return {
    id: m.id,
    name: m.id.split('/').pop()!.replace(/(^|-)([a-z])/g, (_x, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: m.docs.description },
    fullDescription: { text: m.docs.whatItChecks.slice(0, 1024) },
    help: { text: ruleHelpText(rule), markdown: ruleHelpMarkdown(rule) },
    helpUri: ruleDocUrl(m.id),
    defaultConfiguration: { level: m.severity },
    properties: {
      tags,
      precision: 'high',
      'problem.severity': m.severity === 'note' ? 'recommendation' : m.severity,
      ...(m.securitySeverity !== undefined ? { 'security-severity': m.securitySeverity.toFixed(1) } : {}),
    },
  };
}

export function toSarif(findings: readonly Finding[], rules: readonly Rule[]) {
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
  const kept = findings.slice(0, SARIF_LIMITS.resultsPerRun);
  const notifications: { level: string; message: { text: string } }[] = [];
  if (findings.length > kept.length) {
    notifications.push({ level: 'warning', message: { text: `${findings.length - kept.length} results were left out: GitHub accepts at most ${SARIF_LIMITS.resultsPerRun} per run` } });
  }
  const results = kept.map((f) => {
    const related = f.related.slice(0, SARIF_LIMITS.relatedPerResult);
    let text = escapeMessage(f.message);
    if (related.length) text += ` (${related.map((r, i) => `[${escapeMessage(r.label)}](${i + 1})`).join(', ')})`;
    if (text.length > SARIF_LIMITS.messageLength) text = text.slice(0, SARIF_LIMITS.messageLength - 1) + '…';
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
      level: f.severity,
      message: { text },
      locations: [{ physicalLocation: physical(f.location), logicalLocations: [{ fullyQualifiedName: f.subject }] }],
      ...(related.length
        ? { relatedLocations: related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.location), message: { text: r.label } })) }
        : {}),
      partialFingerprints: { 'irsaLint/v1': f.fingerprint },
      ...(f.suppressions?.length
        ? { suppressions: f.suppressions.map((s) => ({ kind: s.kind, justification: s.justification, ...(s.location ? { location: { physicalLocation: physical(s.location) } } : {}) })) }
        : {}),
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: VERSION, semanticVersion: VERSION, informationUri: HOMEPAGE, rules: rules.map(sarifRule) } },
        originalUriBaseIds: { [SRCROOT]: { description: { text: 'The directory irsa-lint was run from; result paths are relative to it.' } } },
        invocations: [{ executionSuccessful: true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], rules: readonly Rule[]): string {
  return JSON.stringify(toSarif(findings, rules), null, 2) + '\n';
}
