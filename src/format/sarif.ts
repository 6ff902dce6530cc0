/**
 * SARIF 2.1.0 for GitHub code scanning: every rule in `tool.driver.rules`, results with a
 * relative `uri` under `%SRCROOT%`, exact regions, related locations linked from the message,
 * and fingerprints that do not depend on line numbers.
 */
import type { Finding, Rule } from '../engine/types.js';
import type { Span } from '../model/span.js';
import { HOMEPAGE, ruleDocUrl, TOOL_NAME, VERSION } from '../version.js';
import { ruleHelpMarkdown, ruleHelpText } from './help.js';

/**
 * GitHub code scanning (docs `sarif-limits.md`): at most 25,000 results per run (the first 5,000 by
 * severity are shown), 1,000 locations per result of which 100 are kept, 20 tags per rule of which
 * 10 are kept. Messages are cut to keep the file small. Whatever is cut is said so in the output.
 */
export const SARIF_LIMITS = { resultsPerRun: 25_000, relatedPerResult: 100, messageLength: 2_000, tagsPerRule: 10 };

const RANK = { error: 0, warning: 1, note: 2 } as const;

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
  // SARIF requires unique tags.
  const tags = [...new Set([...(m.securitySeverity !== undefined ? ['security'] : []), ...(m.tags ?? [])])].slice(0, SARIF_LIMITS.tagsPerRule);
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
  // Over the limit, keep the most severe results (in their original order).
  const kept =
    findings.length <= SARIF_LIMITS.resultsPerRun
      ? findings
      : findings
          .map((f, i) => ({ f, i }))
          .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
          .slice(0, SARIF_LIMITS.resultsPerRun)
          .sort((a, b) => a.i - b.i)
          .map(({ f }) => f);
  const notifications: { level: string; message: { text: string } }[] = [];
  if (findings.length > kept.length) {
    notifications.push({ level: 'warning', message: { text: `${findings.length - kept.length} results were left out: GitHub accepts at most ${SARIF_LIMITS.resultsPerRun} per run` } });
  }
  const results = kept.map((f) => {
    const related = f.related.slice(0, SARIF_LIMITS.relatedPerResult);
    let text = escapeMessage(f.message);
    if (related.length) {
      const more = f.related.length - related.length;
      text += ` (${related.map((r, i) => `[${escapeMessage(r.label)}](${i + 1})`).join(', ')}${more ? `, and ${more} more related locations not listed` : ''})`;
    }
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
