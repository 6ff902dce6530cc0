/**
 * The access map and its diff as JSON, in the shapes of schemas/access-map.schema.json (`kind`
 * `access-map` or `access-diff`, `version` 1, changed only with an incompatible change).
 * Locations are `{ label, file, range: { start: { line, column }, end: { line, column } } }` as in
 * the lint report: 1-based, `end.column` exclusive.
 */
import type { Span } from '../../model/span.js';
import { TOOL_NAME, VERSION } from '../../version.js';
import { counts } from '../describe.js';
import type { AccessDiff, RowChange } from '../diff.js';
import type { AccessMap, AccessRow, Orphans, WideTrust } from '../types.js';

export const MAP_JSON_VERSION = 1;

function range(s: Span) {
  return { start: { line: s.line, column: s.column }, end: { line: s.endLine, column: s.endColumn } };
}

function loc(s: Span) {
  return { file: s.file, range: range(s) };
}

function row(r: AccessRow) {
  return {
    id: r.id,
    namespace: r.namespace,
    workload: r.workload,
    container: r.container,
    init: r.init,
    ...(r.serviceAccount !== undefined ? { serviceAccount: r.serviceAccount } : {}),
    ...(r.role !== undefined ? { role: r.role } : {}),
    path: r.path,
    ...(r.profile !== undefined ? { profile: r.profile } : {}),
    verdict: r.verdict,
    chain: r.chain,
    links: r.links.map((l) => ({
      kind: l.kind,
      verdict: l.verdict,
      rules: l.rules,
      notes: l.notes,
      ...(l.reason !== undefined ? { reason: l.reason } : {}),
      locations: l.locations.map((x) => ({ label: x.label, ...loc(x.span) })),
    })),
  };
}

function wide(w: WideTrust) {
  const { location, ...rest } = w;
  return { ...rest, location: loc(location) };
}

function orphans(o: Orphans) {
  return {
    roles: o.roles.map(({ location, ...r }) => ({ ...r, location: loc(location) })),
    serviceAccounts: o.serviceAccounts.map(({ location, ...s }) => ({ ...s, location: loc(location) })),
  };
}

export function toMapJson(m: AccessMap) {
  const c = counts(m.rows);
  return {
    kind: 'access-map' as const,
    version: MAP_JSON_VERSION,
    tool: { name: TOOL_NAME, version: VERSION },
    summary: { rows: m.rows.length, trusted: c.trusted, notTrusted: c['not-trusted'], unknown: c.unknown, wideTrust: m.wideTrust.length, files: m.files },
    rows: m.rows.map(row),
    wideTrust: m.wideTrust.map(wide),
    ...(m.orphans ? { orphans: orphans(m.orphans) } : {}),
  };
}

function change(c: RowChange) {
  return { id: c.id, kind: c.kind, changes: c.changes, before: row(c.before), after: row(c.after) };
}

export function toDiffJson(d: AccessDiff) {
  const by = (k: RowChange['kind']) => d.changed.filter((c) => c.kind === k).length;
  return {
    kind: 'access-diff' as const,
    version: MAP_JSON_VERSION,
    tool: { name: TOOL_NAME, version: VERSION },
    base: d.base,
    summary: { gained: d.gained.length, lost: d.lost.length, broken: by('broken'), fixed: by('fixed'), changed: by('changed'), widened: d.widened.length, narrowed: d.narrowed.length, files: d.files },
    gained: d.gained.map(row),
    lost: d.lost.map(row),
    changed: d.changed.map(change),
    widened: d.widened.map(wide),
    narrowed: d.narrowed.map(wide),
  };
}

export function formatMapJson(m: AccessMap): string {
  return `${JSON.stringify(toMapJson(m), null, 2)}\n`;
}

export function formatDiffJson(d: AccessDiff): string {
  return `${JSON.stringify(toDiffJson(d), null, 2)}\n`;
}
