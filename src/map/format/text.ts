/**
 * The access map as text: a table of the rows that fits the width (wide cells wrap), then each
 * row's links with their verdicts and source locations, the trust policies that admit more than
 * single ServiceAccounts, and the orphans when asked for.
 */
import pc from 'picocolors';
import { chainLong, chainShort, linkVerdictText, location, plural, roleShort, roleText, summaryText, VERDICT_TEXT, workloadText } from '../describe.js';
import type { AccessMap, AccessRow, Orphans, Verdict, WideTrust } from '../types.js';
import { renderTable, type Column } from './table.js';

export interface MapTextOptions {
  readonly color?: boolean;
  /** Terminal width (default 100). */
  readonly width?: number;
}

export const DEFAULT_WIDTH = 120;

type Paint = (s: string) => string;
const id: Paint = (s) => s;

export function painter(color: boolean | undefined): Record<Verdict | 'dim' | 'bold', Paint> {
  if (!color) return { trusted: id, 'not-trusted': id, unknown: id, dim: id, bold: id };
  const c = pc.createColors(true);
  return { trusted: c.green, 'not-trusted': c.red, unknown: c.yellow, dim: c.dim, bold: c.bold };
}

const COLUMNS: readonly Column[] = [
  { title: 'NAMESPACE', wrap: true, min: 9, rank: 3 },
  { title: 'WORKLOAD', wrap: true, min: 12, rank: 2 },
  { title: 'CONTAINER', wrap: true, min: 9, rank: 3 },
  { title: 'SERVICE ACCOUNT', wrap: true, min: 8, rank: 3 },
  { title: 'PATH', wrap: true, min: 13, rank: 1 },
  { title: 'ROLE', wrap: true, min: 16, rank: 1 },
  { title: 'CHAIN', wrap: true, min: 8 },
  { title: 'VERDICT' },
];

/** Role cells: the role name, with its account when another role of the rows has the same name. */
export function roleCell(r: AccessRow, ambiguous: ReadonlySet<string>): string {
  if (r.role === undefined) return roleText(r);
  const short = roleShort(r.role);
  const name = short.replace(/ \([^()]*\)$/, '');
  return ambiguous.has(name) ? short : name;
}

/** Role names that stand for more than one role ARN among the rows. */
export function ambiguousNames(rows: readonly AccessRow[]): Set<string> {
  const arns = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.role === undefined) continue;
    const name = roleShort(r.role).replace(/ \([^()]*\)$/, '');
    arns.set(name, (arns.get(name) ?? new Set()).add(r.role));
  }
  return new Set([...arns].filter(([, v]) => v.size > 1).map(([k]) => k));
}

export function rowCells(r: AccessRow, ambiguous: ReadonlySet<string> = new Set()): string[] {
  return [
    r.namespace,
    `${r.workload.kind}/${r.workload.name}`,
    r.init ? `${r.container} (init)` : r.container,
    r.serviceAccount ?? (r.path === 'static-keys' ? '-' : '(not static)'),
    r.path,
    roleCell(r, ambiguous),
    chainShort(r.chain),
    VERDICT_TEXT[r.verdict],
  ];
}

/** The title line of a row's details: `Pod manual-sts/manual-sts, container manual-sts → role (webhook)`. */
export function rowTitle(r: AccessRow): string {
  return `${workloadText(r)}, container ${r.container}${r.init ? ' (init)' : ''} → ${roleText(r)} (${r.path}${r.profile !== undefined ? `, profile ${r.profile}` : ''})`;
}

export function rowDetails(r: AccessRow, p: ReturnType<typeof painter>, indent = '  '): string[] {
  const out: string[] = [];
  const kindWidth = Math.max(...r.links.map((l) => l.kind.length));
  for (const l of r.links) {
    const head = `${indent}${l.kind.padEnd(kindWidth)}  `;
    out.push(`${head}${p[l.verdict](linkVerdictText(l))}`);
    const pad = ' '.repeat(head.length + 2);
    for (const loc of l.locations) out.push(`${pad}${location(loc.span)}  ${loc.label}`);
    if (l.notes.length) out.push(`${pad}${p.dim(`also reported: ${l.notes.join(', ')}`)}`);
  }
  out.push(`${indent}${'chain'.padEnd(kindWidth)}  ${chainLong(r.chain)}`);
  return out;
}

export function wideLines(wide: readonly WideTrust[], indent = '  '): string[] {
  const out: string[] = [];
  for (const w of wide) {
    const stmt = w.sid !== undefined ? `statement "${w.sid}"` : `statement ${w.statement}`;
    out.push(`${indent}${w.role} ${stmt}: ${w.description}`);
    out.push(`${indent}  ${location(w.location)}${w.pattern !== undefined ? `  ${w.operator} "${w.pattern}"` : ''}${w.usedBy.length ? `  (role of ${plural(w.usedBy.length, 'row')})` : ''}`);
  }
  return out;
}

export function orphanLines(o: Orphans, indent = '  '): string[] {
  const out: string[] = [];
  for (const r of o.roles) {
    out.push(`${indent}${r.role.startsWith('trust policy ') ? '' : 'role '}${r.role}: ${r.reason}`);
    out.push(`${indent}  ${location(r.location)}${r.subjects.length ? `  admits ${r.subjects.join(', ')}` : ''}`);
  }
  for (const s of o.serviceAccounts) {
    out.push(`${indent}ServiceAccount ${s.namespace}/${s.name} → ${s.role}: ${s.reason}`);
    out.push(`${indent}  ${location(s.location)}`);
  }
  if (out.length === 0) out.push(`${indent}none`);
  return out;
}

export function formatMapText(m: AccessMap, options: MapTextOptions = {}): string {
  const p = painter(options.color);
  const total = options.width ?? DEFAULT_WIDTH;
  const lines: string[] = [p.bold(`Access map: ${summaryText(m)}`), ''];
  if (m.rows.length) {
    const table = renderTable(COLUMNS, m.rows.map((r) => rowCells(r, ambiguousNames(m.rows))), total, (col, row, text) => (col === COLUMNS.length - 1 ? p[m.rows[row].verdict](text) : text));
    lines.push(...table, '');
    for (const r of m.rows) lines.push(p.bold(rowTitle(r)), ...rowDetails(r, p), '');
  } else lines.push('No workload of these files gets AWS credentials.', '');
  if (m.wideTrust.length) lines.push(p.bold('Trust policies that admit more than single ServiceAccounts'), ...wideLines(m.wideTrust), '');
  if (m.orphans) lines.push(p.bold('Unused roles and ServiceAccounts'), ...orphanLines(m.orphans), '');
  return lines.join('\n').replace(/\n+$/, '\n');
}
