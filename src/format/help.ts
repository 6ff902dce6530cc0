/** Rule help rendered from metadata: SARIF `help`, `irsa-lint explain`, and docs/rules. */
import type { Rule } from '../engine/types.js';
import { ruleDocUrl } from '../version.js';

export function ruleHelpText(rule: Rule): string {
  const d = rule.meta.docs;
  return [
    `${d.description}.`,
    '',
    `What it checks: ${d.whatItChecks}`,
    '',
    `Why it matters: ${d.whyItMatters}`,
    '',
    `How to fix: ${d.howToFix}`,
    ...(d.references?.length ? ['', `References: ${d.references.join('; ')}`] : []),
    '',
    `Documentation: ${ruleDocUrl(rule.meta.id)}`,
  ].join('\n');
}

export function ruleHelpMarkdown(rule: Rule): string {
  const d = rule.meta.docs;
  return [
    `**${d.description}** (default level: \`${rule.meta.severity}\`)`,
    '',
    `### What it checks`,
    d.whatItChecks,
    '',
    `### Why it matters`,
    d.whyItMatters,
    '',
    `### How to fix`,
    d.howToFix,
    ...(d.references?.length ? ['', '### References', ...d.references.map((r) => `- ${r}`)] : []),
    '',
    `[Rule documentation](${ruleDocUrl(rule.meta.id)})`,
  ].join('\n');
}
