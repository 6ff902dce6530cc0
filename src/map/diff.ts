/**
 * What a change does to the access map: rows (by identity) gained and lost, rows whose links
 * broke or were fixed, other changes of a row (its ServiceAccount, the credential chain, a link's
 * verdict or rules), and trust statements that now admit more (or fewer) than single
 * ServiceAccounts.
 */
import { chainLong, linkVerdictText, VERDICT_TEXT } from './describe.js';
import type { AccessMap, AccessRow, Link, WideTrust } from './types.js';

export interface FieldChange {
  /** `serviceAccount`, `chain`, `verdict`, or a link kind (`role`, `token`, ...). */
  readonly field: string;
  readonly before?: string;
  readonly after?: string;
}

export interface RowChange {
  readonly id: string;
  /** `broken`: the row's verdict became not trusted; `fixed`: it stopped being not trusted; `changed`: anything else. */
  readonly kind: 'broken' | 'fixed' | 'changed';
  readonly before: AccessRow;
  readonly after: AccessRow;
  readonly changes: readonly FieldChange[];
}

export interface AccessDiff {
  /** The revision compared against, as given. */
  readonly base: string;
  readonly gained: readonly AccessRow[];
  readonly lost: readonly AccessRow[];
  readonly changed: readonly RowChange[];
  /** Broad trust statements that are new (a statement that now admits more subjects). */
  readonly widened: readonly WideTrust[];
  /** Broad trust statements that are gone. */
  readonly narrowed: readonly WideTrust[];
  /** Files read at each side. */
  readonly files: { readonly base: number; readonly head: number };
}

function wideKey(w: WideTrust): string {
  return `${w.role}|${w.statement}|${w.scope}|${w.pattern ?? ''}`;
}

/** What a link's change is judged on: its verdict and the rules that say why (not the wording of a reason). */
function linkKey(l: Link | undefined): string | undefined {
  return l && `${l.verdict} ${l.rules.join(',')}`;
}

function rowChanges(a: AccessRow, b: AccessRow): FieldChange[] {
  const out: FieldChange[] = [];
  const field = (name: string, before: string | undefined, after: string | undefined) => {
    if (before !== after) out.push({ field: name, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
  };
  field('serviceAccount', a.serviceAccount, b.serviceAccount);
  field('verdict', VERDICT_TEXT[a.verdict], VERDICT_TEXT[b.verdict]);
  const kinds = [...new Set([...a.links, ...b.links].map((l) => l.kind))];
  for (const k of kinds) {
    const x = a.links.find((l) => l.kind === k);
    const y = b.links.find((l) => l.kind === k);
    if (linkKey(x) !== linkKey(y)) out.push({ field: k, ...(x ? { before: linkVerdictText(x) } : {}), ...(y ? { after: linkVerdictText(y) } : {}) });
  }
  field('chain', chainLong(a.chain), chainLong(b.chain));
  return out;
}

export function diffMaps(base: AccessMap, head: AccessMap, baseName: string): AccessDiff {
  const before = new Map(base.rows.map((r) => [r.id, r]));
  const after = new Map(head.rows.map((r) => [r.id, r]));
  const gained = head.rows.filter((r) => !before.has(r.id));
  const lost = base.rows.filter((r) => !after.has(r.id));
  const changed: RowChange[] = [];
  for (const b of head.rows) {
    const a = before.get(b.id);
    if (!a) continue;
    const changes = rowChanges(a, b);
    if (changes.length === 0) continue;
    const kind = b.verdict === 'not-trusted' && a.verdict !== 'not-trusted' ? 'broken' : a.verdict === 'not-trusted' && b.verdict !== 'not-trusted' ? 'fixed' : 'changed';
    changed.push({ id: b.id, kind, before: a, after: b, changes });
  }
  const wideBefore = new Set(base.wideTrust.map(wideKey));
  const wideAfter = new Set(head.wideTrust.map(wideKey));
  return {
    base: baseName,
    gained,
    lost,
    changed,
    widened: head.wideTrust.filter((w) => !wideBefore.has(wideKey(w))),
    narrowed: base.wideTrust.filter((w) => !wideAfter.has(wideKey(w))),
    files: { base: base.files, head: head.files },
  };
}

export function isEmptyDiff(d: AccessDiff): boolean {
  return d.gained.length + d.lost.length + d.changed.length + d.widened.length + d.narrowed.length === 0;
}
