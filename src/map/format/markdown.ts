/**
 * Markdown for a pull request or a job summary: the access map as a table plus its Mermaid
 * picture, and the access diff as lists of sentences plus the picture of what changed. Every
 * piece of repository text in a table cell is escaped; code spans hold paths and ARNs.
 */
import { accessSentence, chainShort, location, roleText, rowRef, summaryText, VERDICT_MARK, VERDICT_TEXT } from '../describe.js';
import { isEmptyDiff, type AccessDiff, type FieldChange } from '../diff.js';
import { diffGraph, mapGraph } from '../graph.js';
import type { AccessMap, AccessRow, WideTrust } from '../types.js';
import { formatMermaid } from './mermaid.js';

/** Text safe inside a Markdown table cell. */
export function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

/** A code span that holds any text (backticks inside get a longer fence). */
export function code(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A code span inside a table cell: GitHub splits cells at `|` even inside code spans, unless escaped. */
function codeCell(s: string): string {
  return code(s).replace(/\|/g, '\\|');
}

function linksCell(r: AccessRow): string {
  return r.links.map((l) => `${VERDICT_MARK[l.verdict]} ${l.kind}${l.rules.length ? ` (${l.rules.map(codeCell).join(', ')})` : ''}`).join('<br>');
}

function mermaidBlock(text: string): string {
  return `\`\`\`mermaid\n${text}\`\`\`\n`;
}

function wideItems(list: readonly WideTrust[]): string {
  return list.map((w) => `- ${code(w.role)} ${w.sid !== undefined ? `statement "${cell(w.sid)}"` : `statement ${w.statement}`}: ${cell(w.description)} (${code(location(w.location))})\n`).join('');
}

export function formatMapMarkdown(m: AccessMap, options: { readonly heading?: string } = {}): string {
  let md = `${options.heading ?? '##'} Access map\n\n${summaryText(m)}.\n\n`;
  if (m.rows.length) {
    md += '| Namespace | Workload | Container | ServiceAccount | Path | Role | Chain | Verdict | Links |\n';
    md += '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n';
    for (const r of m.rows) {
      md += `| ${cell(r.namespace)} | ${cell(`${r.workload.kind} ${r.workload.name}`)} | ${cell(r.container)}${r.init ? ' (init)' : ''} | ${r.serviceAccount !== undefined ? cell(r.serviceAccount) : '—'} | ${r.path}${r.profile !== undefined ? ` (${cell(r.profile)})` : ''} | ${r.role !== undefined ? codeCell(r.role) : cell(roleText(r))} | ${chainShort(r.chain)} | ${VERDICT_MARK[r.verdict]} ${VERDICT_TEXT[r.verdict]} | ${linksCell(r)} |\n`;
    }
    md += '\n';
  }
  md += mermaidBlock(formatMermaid(mapGraph(m)));
  if (m.wideTrust.length) md += `\n**Trust policies that admit more than single ServiceAccounts**\n\n${wideItems(m.wideTrust)}`;
  if (m.orphans) {
    md += '\n**Unused roles and ServiceAccounts**\n\n';
    const items = [
      ...m.orphans.roles.map((o) => `- role ${code(o.role)}: ${cell(o.reason)} (${code(location(o.location))})\n`),
      ...m.orphans.serviceAccounts.map((o) => `- ServiceAccount ${code(`${o.namespace}/${o.name}`)} → ${code(o.role)}: ${cell(o.reason)} (${code(location(o.location))})\n`),
    ];
    md += items.length ? items.join('') : 'None.\n';
  }
  return md;
}

function changeText(c: FieldChange): string {
  const name = c.field === 'serviceAccount' ? 'ServiceAccount' : c.field;
  return `${name}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}`;
}

export function diffSummary(d: AccessDiff): string {
  const by = (k: 'broken' | 'fixed' | 'changed') => d.changed.filter((c) => c.kind === k).length;
  return [
    `${d.gained.length} gained`,
    `${d.lost.length} lost`,
    `${by('broken')} broken`,
    `${by('fixed')} fixed`,
    `${by('changed')} changed`,
    `${d.widened.length} widened`,
    `${d.narrowed.length} narrowed`,
  ].join(', ');
}

export function formatDiffMarkdown(d: AccessDiff, base: AccessMap, head: AccessMap, options: { readonly heading?: string } = {}): string {
  const h = options.heading ?? '##';
  let md = `${h} Access changes against ${code(d.base)}\n\n`;
  if (isEmptyDiff(d)) return `${md}No workload gains or loses access to a role, and no trust policy admits more or fewer subjects.\n`;
  md += `${diffSummary(d)}.\n\n`;
  const section = (title: string, items: string[]) => {
    if (items.length) md += `**${title}**\n\n${items.join('')}\n`;
  };
  section('Access gained', d.gained.map((r) => `- ${cell(accessSentence(r))} — ${VERDICT_MARK[r.verdict]} ${VERDICT_TEXT[r.verdict]}\n`));
  section('Access lost', d.lost.map((r) => `- ${cell(accessSentence(r).replace(' can assume ', ' no longer assumes ').replace(' uses static', ' no longer uses static'))}\n`));
  for (const [kind, title] of [
    ['broken', 'Broken'],
    ['fixed', 'Fixed'],
    ['changed', 'Changed'],
  ] as const) {
    section(
      title,
      d.changed.filter((c) => c.kind === kind).map((c) => `- ${cell(rowRef(c.after))}\n${c.changes.map((x) => `  - ${cell(changeText(x))}\n`).join('')}`),
    );
  }
  section('Trust widened', d.widened.map((w) => `- ${code(w.role)}: now ${cell(w.description)} (${code(location(w.location))})\n`));
  section('Trust narrowed', d.narrowed.map((w) => `- ${code(w.role)}: no longer ${cell(w.description)}\n`));
  md += mermaidBlock(formatMermaid(diffGraph(base, head), { diff: true }));
  return md;
}

/** The diff as text for a terminal. */
export function formatDiffText(d: AccessDiff): string {
  const lines: string[] = [];
  if (isEmptyDiff(d)) return `No access changes against ${d.base}.\n`;
  lines.push(`Access changes against ${d.base}: ${diffSummary(d)}`, '');
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push(title, ...items, '');
  };
  section('Access gained', d.gained.map((r) => `  + ${accessSentence(r)} (${VERDICT_TEXT[r.verdict]})`));
  section('Access lost', d.lost.map((r) => `  - ${accessSentence(r).replace(' can assume ', ' no longer assumes ').replace(' uses static', ' no longer uses static')}`));
  for (const [kind, title, mark] of [
    ['broken', 'Broken', '!'],
    ['fixed', 'Fixed', '*'],
    ['changed', 'Changed', '~'],
  ] as const) {
    section(
      title,
      d.changed.filter((c) => c.kind === kind).flatMap((c) => [`  ${mark} ${rowRef(c.after)}`, ...c.changes.map((x) => `      ${changeText(x)}`)]),
    );
  }
  section('Trust widened', d.widened.flatMap((w) => [`  ^ ${w.role}: now ${w.description}`, `      ${location(w.location)}`]));
  section('Trust narrowed', d.narrowed.map((w) => `  v ${w.role}: no longer ${w.description}`));
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
