/** Words and short forms shared by the access map's formatters. */
import { roleNameFromArn } from '../iam/arn.js';
import type { Span } from '../model/span.js';
import type { AccessMap, AccessRow, Chain, Link, Verdict } from './types.js';

export const VERDICT_TEXT: Readonly<Record<Verdict, string>> = { trusted: 'trusted', 'not-trusted': 'not trusted', unknown: 'unknown' };
export const VERDICT_MARK: Readonly<Record<Verdict, string>> = { trusted: '✓', 'not-trusted': '✗', unknown: '?' };

export function location(s: Span): string {
  return `${s.file}:${s.line}:${s.column}`;
}

/** `Deployment payments/api`. */
export function workloadText(r: Pick<AccessRow, 'namespace' | 'workload'>): string {
  return `${r.workload.kind} ${r.namespace}/${r.workload.name}`;
}

/** The role as written, or what stands for it. */
export function roleText(r: Pick<AccessRow, 'role' | 'path'>): string {
  if (r.role !== undefined) return r.role;
  return r.path === 'static-keys' ? '(IAM user keys)' : '(unknown role)';
}

/**
 * Role name of an ARN, with its account: `prod-s3-writer (111122223333)`; a role without a static
 * ARN or name (`module.x.aws_iam_role.this[0] in iam/main.tf`) with its file name only.
 */
export function roleShort(role: string): string {
  const m = /^arn:[^:]*:iam::([^:]*):role\/(?:.*\/)?([^/]+)$/.exec(role);
  if (m) return `${m[2]} (${m[1]})`;
  const at = /^(.+) in (\S+)$/.exec(role);
  if (at) return `${at[1]} (${at[2].slice(at[2].lastIndexOf('/') + 1)})`;
  return roleNameFromArn(role) ?? role;
}

/** One word or two for a table cell. */
export function chainShort(c: Chain): string {
  if (c.botocore === c.jsv3) return c.botocore;
  if (c.botocore === 'used') return 'botocore only';
  if (c.jsv3 === 'used') return 'js-v3 only';
  return 'mixed';
}

const SDK_NAME = { botocore: 'botocore (boto3, AWS CLI)', jsv3: 'aws-sdk-js-v3' } as const;

function chainPart(c: Chain, sdk: 'botocore' | 'jsv3'): string {
  const state = c[sdk];
  if (state === 'used') return `${SDK_NAME[sdk]} uses it`;
  if (state === 'shadowed') return `${SDK_NAME[sdk]} uses ${c.shadowedBy?.[sdk] ?? 'another source'} instead`;
  return `${SDK_NAME[sdk]}: not known`;
}

/** A sentence: which SDKs use the source, which use another one first. */
export function chainLong(c: Chain): string {
  let s: string;
  if (c.botocore === 'used' && c.jsv3 === 'used') s = `used by ${SDK_NAME.botocore} and ${SDK_NAME.jsv3}`;
  else if (c.botocore === 'shadowed' && c.jsv3 === 'shadowed' && c.shadowedBy?.botocore === c.shadowedBy?.jsv3) s = `shadowed: the SDKs use ${c.shadowedBy?.botocore ?? 'another source'} first`;
  else if (c.botocore === 'unknown' && c.jsv3 === 'unknown') return `not known${c.reason ? `: ${c.reason}` : ''}`;
  else s = `${chainPart(c, 'botocore')}; ${chainPart(c, 'jsv3')}`;
  return c.reason ? `${s} (${c.reason})` : s;
}

/** `not trusted (irsa/role-trusts-service-account)`, `unknown (role "x" is not in the repository)`. */
export function linkVerdictText(l: Link): string {
  if (l.rules.length) return `${VERDICT_TEXT[l.verdict]} (${l.rules.join(', ')})`;
  if (l.reason) return `${VERDICT_TEXT[l.verdict]} (${l.reason})`;
  return VERDICT_TEXT[l.verdict];
}

export function counts(rows: readonly Pick<AccessRow, 'verdict'>[]): Record<Verdict, number> {
  const out: Record<Verdict, number> = { trusted: 0, 'not-trusted': 0, unknown: 0 };
  for (const r of rows) out[r.verdict]++;
  return out;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `3 rows (1 trusted, 1 not trusted, 1 unknown) from 12 files`. */
export function summaryText(m: AccessMap): string {
  const c = counts(m.rows);
  const parts = (['trusted', 'not-trusted', 'unknown'] as const).filter((v) => c[v] > 0).map((v) => `${c[v]} ${VERDICT_TEXT[v]}`);
  return `${plural(m.rows.length, 'row')}${parts.length ? ` (${parts.join(', ')})` : ''} from ${plural(m.files, 'file')}`;
}

/** `Deployment payments/api (container app) can assume role payments-api via webhook`. */
export function accessSentence(r: AccessRow): string {
  const who = `${workloadText(r)} (container ${r.container}${r.init ? ', init' : ''})`;
  if (r.path === 'static-keys') return `${who} uses static access keys${r.profile !== undefined ? ` from profile ${r.profile}` : ''}`;
  const role = r.role !== undefined ? `role ${roleShort(r.role)}` : 'a role that is not known statically';
  return `${who} can assume ${role} via ${r.path}${r.profile !== undefined ? ` (profile ${r.profile})` : ''}`;
}

/** `Deployment payments/api (container app) → role payments-api via webhook`. */
export function rowRef(r: AccessRow): string {
  const who = `${workloadText(r)} (container ${r.container}${r.init ? ', init' : ''})`;
  const what = r.path === 'static-keys' ? 'static access keys' : r.role !== undefined ? `role ${roleShort(r.role)}` : 'a role that is not known statically';
  return `${who} → ${what} via ${r.path}${r.profile !== undefined ? ` (profile ${r.profile})` : ''}`;
}
