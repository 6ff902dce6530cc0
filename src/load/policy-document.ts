/**
 * The IAM JSON document that Terraform's `data "aws_iam_policy_document"` (and Pulumi's
 * `aws.iam.getPolicyDocument`, which is the same data source) produces from its arguments, as a
 * positioned tree: every part of the result keeps the span of the argument it came from.
 *
 * The arguments are given as a positioned map in the language's own key names (`statement` /
 * `statements`, `not_actions` / `notActions`, ...: see `TERRAFORM_NAMES`, `PULUMI_NAMES`); nested
 * blocks are lists of maps. What the provider does is reproduced from
 * hashicorp/terraform-provider-aws internal/service/iam/policy_document_data_source.go and
 * policy_model.go:
 * - `effect` defaults to `Allow`; empty `actions`, `resources`, `principals` and `condition` lists
 *   are left out; a list of one is written as its only string;
 * - principals of one `type` are gathered under that type; a single principal `{type = "*",
 *   identifiers = ["*"]}` is written `"Principal": "*"`;
 * - `condition` blocks are grouped by `test`, then by `variable`; values of blocks with the same
 *   test and variable are appended (ORed), as the provider writes them under one key;
 * - `&{` in resources, principal identifiers and condition values becomes `${` (IAM policy
 *   variables written so that Terraform does not interpolate them);
 * - `source_policy_documents` are merged in order (a statement with a `Sid` replaces the earlier
 *   one with the same `Sid`, others are appended; duplicate `Sid`s among the sources are an error),
 *   then the document's own statements, then `override_policy_documents`; the highest `Version`
 *   wins.
 *
 * Whatever cannot be known (an unknown list of statements, an unknown source document, an unknown
 * principal type) makes the affected part unknown, so that rules stay silent on it.
 */
import { isMap, isScalar, isSeq, listOf, type PEntry, type PMap, type PNode, type PScalar } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import { joinPieces, retextPiece, scalarPiece, unknownScalar } from '../eval/value.js';
import { parseJsonInString } from './json.js';

/** Argument names of the data source in one language. */
export interface PolicyDocumentNames {
  readonly statements: string;
  readonly sid: string;
  readonly effect: string;
  readonly actions: string;
  readonly notActions: string;
  readonly resources: string;
  readonly notResources: string;
  readonly principals: string;
  readonly notPrincipals: string;
  readonly conditions: string;
  readonly type: string;
  readonly identifiers: string;
  readonly test: string;
  readonly variable: string;
  readonly values: string;
  readonly version: string;
  readonly policyId: string;
  readonly sourcePolicyDocuments: string;
  readonly overridePolicyDocuments: string;
}

export const TERRAFORM_NAMES: PolicyDocumentNames = {
  statements: 'statement',
  sid: 'sid',
  effect: 'effect',
  actions: 'actions',
  notActions: 'not_actions',
  resources: 'resources',
  notResources: 'not_resources',
  principals: 'principals',
  notPrincipals: 'not_principals',
  conditions: 'condition',
  type: 'type',
  identifiers: 'identifiers',
  test: 'test',
  variable: 'variable',
  values: 'values',
  version: 'version',
  policyId: 'policy_id',
  sourcePolicyDocuments: 'source_policy_documents',
  overridePolicyDocuments: 'override_policy_documents',
};

export const PULUMI_NAMES: PolicyDocumentNames = {
  statements: 'statements',
  sid: 'sid',
  effect: 'effect',
  actions: 'actions',
  notActions: 'notActions',
  resources: 'resources',
  notResources: 'notResources',
  principals: 'principals',
  notPrincipals: 'notPrincipals',
  conditions: 'conditions',
  type: 'type',
  identifiers: 'identifiers',
  test: 'test',
  variable: 'variable',
  values: 'values',
  version: 'version',
  policyId: 'policyId',
  sourcePolicyDocuments: 'sourcePolicyDocuments',
  overridePolicyDocuments: 'overridePolicyDocuments',
};

const DEFAULT_VERSION = '2012-10-17';

function scalar(value: string, span: Span): PScalar {
  return { type: 'scalar', value, span };
}

function field(m: PNode, name: string): PEntry | undefined {
  return isMap(m) ? m.entries.find((e) => !e.key.unknown && e.key.value === name) : undefined;
}

/** The policy document of data-source arguments `args`; `span` is where the data source is. */
export function policyDocument(args: PNode, names: PolicyDocumentNames, span: Span): PMap {
  if (!isMap(args) || args.unknown) return document(scalar(DEFAULT_VERSION, span), undefined, unknownScalar('statements', args.span), span);
  const versionEntry = field(args, names.version);
  const version = versionEntry && isScalar(versionEntry.value) && versionEntry.value.value !== null ? versionEntry.value : scalar(DEFAULT_VERSION, span);
  const idEntry = field(args, names.policyId);
  const id = idEntry && !(isScalar(idEntry.value) && idEntry.value.value === null) ? idEntry.value : undefined;

  const own = field(args, names.statements);
  let statements: PNode[] | 'unknown' = [];
  if (own) {
    if (!isSeq(own.value) || own.value.unknown) statements = 'unknown';
    else statements = own.value.items.map((s) => statement(s, names));
  }
  const sources = documentsOf(field(args, names.sourcePolicyDocuments)?.value);
  const overrides = documentsOf(field(args, names.overridePolicyDocuments)?.value);
  const stSpan = own?.value.span ?? span;
  if (statements === 'unknown' || sources === 'unknown' || overrides === 'unknown') {
    return document(version, id, unknownScalar('statements', stSpan), span, own?.key);
  }
  if (sources.length === 0 && overrides.length === 0) {
    return document(version, id, { type: 'seq', items: statements, span: stSpan }, span, own?.key);
  }

  // Merge as the provider does: sources, then this document, then overrides.
  const merged: PNode[] = [];
  let highest = '';
  const sids = new Set<string>();
  const merge = (items: readonly PNode[]): boolean => {
    for (const s of items) {
      const sid = sidOf(s);
      if (sid === undefined) return false;
      const i = sid === '' ? -1 : merged.findIndex((m) => sidOf(m) === sid);
      if (i === -1) merged.push(s);
      else merged[i] = s;
    }
    return true;
  };
  for (const d of sources) {
    const items = statementsOf(d);
    if (!items) return document(version, id, unknownScalar('statements', d.span), span, own?.key);
    for (const s of items) {
      const sid = sidOf(s);
      if (sid === undefined || (sid !== '' && sids.has(sid))) return document(version, id, unknownScalar('statements', s.span), span, own?.key);
      if (sid !== '') sids.add(sid);
    }
    if (!merge(items)) return document(version, id, unknownScalar('statements', d.span), span, own?.key);
    highest = maxVersion(highest, d);
  }
  if (!merge(statements)) return document(version, id, unknownScalar('statements', stSpan), span, own?.key);
  let v: PScalar = version;
  for (const d of overrides) {
    const items = statementsOf(d);
    if (!items || !merge(items)) return document(version, id, unknownScalar('statements', d.span), span, own?.key);
    highest = maxVersion(highest, d);
  }
  if (highest > String(version.value)) {
    const from = [...sources, ...overrides].map((d) => field(d, 'Version')?.value).find((x) => isScalar(x) && x.value === highest);
    if (isScalar(from)) v = from;
  }
  return document(v, id, { type: 'seq', items: merged, span: stSpan }, span, own?.key);
}

function document(version: PScalar | PNode, id: PNode | undefined, statements: PNode, span: Span, statementKey?: PScalar): PMap {
  const entries: PEntry[] = [{ key: scalar('Version', version.span), value: version }];
  if (id) entries.push({ key: scalar('Id', id.span), value: id });
  entries.push({ key: scalar('Statement', statementKey?.span ?? statements.span), value: statements });
  return { type: 'map', span, entries };
}

/** Statements of a parsed document, or undefined when they are not all known maps. */
function statementsOf(d: PMap): readonly PNode[] | undefined {
  const st = field(d, 'Statement');
  if (!st) return [];
  if (st.value.unknown) return undefined;
  const items = listOf(st.value);
  return items.every((s) => isMap(s) && !s.unknown) ? items : undefined;
}

/** A statement's `Sid` ('' when it has none), or undefined when it is not known. */
function sidOf(s: PNode): string | undefined {
  if (!isMap(s) || s.unknown) return undefined;
  const sid = field(s, 'Sid');
  if (!sid) return '';
  return isScalar(sid.value) && !sid.value.unknown && sid.value.value !== null ? String(sid.value.value) : undefined;
}

function maxVersion(highest: string, d: PMap): string {
  const v = field(d, 'Version')?.value;
  return isScalar(v) && !v.unknown && typeof v.value === 'string' && v.value > highest ? v.value : highest;
}

/**
 * The documents of a `source_policy_documents` / `override_policy_documents` list: each element is
 * a document already decoded (a policy document's `json`, `jsonencode(...)`) or a JSON string.
 */
function documentsOf(n: PNode | undefined): PMap[] | 'unknown' {
  if (n === undefined || (isScalar(n) && n.value === null && !n.unknown)) return [];
  if (!isSeq(n) || n.unknown) return 'unknown';
  const out: PMap[] = [];
  for (const d of n.items) {
    if (isScalar(d) && d.value === null && !d.unknown) continue;
    if (isMap(d) && !d.unknown) {
      out.push(d);
      continue;
    }
    if (isScalar(d) && !d.unknown && typeof d.value === 'string') {
      const r = parseJsonInString(d, d.span.file);
      if (r.node && !r.error && isMap(r.node)) {
        out.push(r.node);
        continue;
      }
    }
    return 'unknown';
  }
  return out;
}

/** One `statement` block as an IAM statement. */
function statement(s: PNode, names: PolicyDocumentNames): PNode {
  if (!isMap(s) || s.unknown) return unknownScalar('statement', s.span);
  const entries: PEntry[] = [];
  const key = (name: string, from: PEntry) => scalar(name, from.key.span);
  const sid = field(s, names.sid);
  if (sid && !(isScalar(sid.value) && (sid.value.value === '' || sid.value.value === null))) entries.push({ key: key('Sid', sid), value: sid.value });
  const effect = field(s, names.effect);
  entries.push(effect && !(isScalar(effect.value) && effect.value.value === null) ? { key: key('Effect', effect), value: effect.value } : { key: scalar('Effect', s.span), value: scalar('Allow', s.span) });
  for (const [from, to, vars] of [
    [names.actions, 'Action', false],
    [names.notActions, 'NotAction', false],
    [names.resources, 'Resource', true],
    [names.notResources, 'NotResource', true],
  ] as const) {
    const f = field(s, from);
    if (!f) continue;
    const v = stringList(f.value, vars);
    if (v) entries.push({ key: key(to, f), value: v });
  }
  for (const [from, to] of [
    [names.principals, 'Principal'],
    [names.notPrincipals, 'NotPrincipal'],
  ] as const) {
    const f = field(s, from);
    if (!f) continue;
    const v = principals(f.value, names);
    if (v) entries.push({ key: key(to, f), value: v });
  }
  const c = field(s, names.conditions);
  if (c) {
    const v = conditions(c.value, names);
    if (v) entries.push({ key: key('Condition', c), value: v });
  }
  return { type: 'map', span: s.span, entries };
}

/** `&{` → `${`, at the same positions. */
function policyVariables(n: PNode): PNode {
  if (!isScalar(n) || n.unknown || typeof n.value !== 'string' || !n.value.includes('&{')) return n;
  const text = n.value.replace(/&\{/g, '${');
  return joinPieces([retextPiece(scalarPiece(n), text)], n.span);
}

/** A list of strings as the provider writes it: omitted when empty, its only string when it has one. */
function stringList(n: PNode, vars: boolean): PNode | undefined {
  if (isScalar(n) && n.value === null && !n.unknown) return undefined;
  if (!isSeq(n) || n.unknown) return n.unknown ? n : vars ? policyVariables(n) : n;
  if (n.items.length === 0) return undefined;
  const items = vars ? n.items.map(policyVariables) : n.items;
  return items.length === 1 ? items[0] : { ...n, items };
}

function principals(n: PNode, names: PolicyDocumentNames): PNode | undefined {
  if (isScalar(n) && n.value === null && !n.unknown) return undefined;
  if (!isSeq(n) || n.unknown) return unknownScalar('principals', n.span);
  if (n.items.length === 0) return undefined;
  const byType: { key: PScalar; values: PNode[]; span: Span; single: boolean }[] = [];
  for (const p of n.items) {
    const type = field(p, names.type)?.value;
    const ids = field(p, names.identifiers)?.value;
    if (!isScalar(type) || type.unknown || typeof type.value !== 'string' || ids === undefined) return unknownScalar('principals', n.span);
    if (!isSeq(ids) || ids.unknown) return unknownScalar('principals', n.span);
    const list = ids.items.map(policyVariables);
    if (n.items.length === 1 && type.value === '*' && list.length === 1 && isScalar(list[0]) && list[0].value === '*') return list[0];
    const prev = byType.find((t) => t.key.value === type.value);
    if (prev) {
      prev.values.push(...list);
      prev.single = false;
    } else byType.push({ key: type, values: [...list], span: ids.span, single: list.length === 1 });
  }
  return {
    type: 'map',
    span: n.span,
    entries: byType.map((t) => ({ key: t.key, value: t.single && t.values.length === 1 ? t.values[0] : { type: 'seq', span: t.span, items: t.values } })),
  };
}

function conditions(n: PNode, names: PolicyDocumentNames): PNode | undefined {
  if (isScalar(n) && n.value === null && !n.unknown) return undefined;
  if (!isSeq(n) || n.unknown) return unknownScalar('conditions', n.span);
  if (n.items.length === 0) return undefined;
  const ops: { key: PScalar; span: Span; vars: { key: PScalar; values: PNode[]; span: Span; unknown: boolean }[] }[] = [];
  for (const c of n.items) {
    const test = field(c, names.test)?.value;
    const variable = field(c, names.variable)?.value;
    const values = field(c, names.values)?.value;
    if (!isScalar(test) || !isScalar(variable) || values === undefined || typeof test.value !== 'string' || typeof variable.value !== 'string') return unknownScalar('conditions', n.span);
    // Blocks are grouped by the text of their test and variable, as the provider does with their values.
    let op = ops.find((o) => o.key.value === test.value);
    if (!op) ops.push((op = { key: test, span: c.span, vars: [] }));
    let v = op.vars.find((x) => x.key.value === variable.value);
    if (!v) op.vars.push((v = { key: variable, values: [], span: values.span, unknown: false }));
    if (!isSeq(values) || values.unknown) v.unknown = true;
    else v.values.push(...values.items.map(policyVariables));
  }
  return {
    type: 'map',
    span: n.span,
    entries: ops.map((o) => ({
      key: o.key,
      value: {
        type: 'map',
        span: o.span,
        entries: o.vars.map((v) => ({
          key: v.key,
          value: v.unknown ? unknownScalar('values', v.span) : v.values.length === 1 ? v.values[0] : { type: 'seq', span: v.span, items: v.values },
        })),
      } as PMap,
    })),
  };
}
