/**
 * The access map as a graph, for the Mermaid and Graphviz formatters: workloads and
 * ServiceAccounts grouped by namespace, roles, and the subjects of trust policies that admit more
 * than single ServiceAccounts. One edge per (workload, ServiceAccount) and per (ServiceAccount or
 * workload, role, path), with the worst verdict of its rows. For a diff, every node and edge also
 * says whether it was added, removed or changed.
 */
import { roleShort, VERDICT_MARK } from './describe.js';
import { worst } from './build.js';
import type { AccessMap, AccessRow, Verdict, WideTrust } from './types.js';

export type Change = 'same' | 'added' | 'removed' | 'changed';

export interface GraphNode {
  readonly id: string;
  readonly kind: 'workload' | 'service-account' | 'role' | 'keys' | 'subjects';
  readonly label: string;
  /** The namespace group, for workloads and ServiceAccounts. */
  readonly group?: string;
  change: Change;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  verdict: Verdict;
  /** Kind of line: a credential path, the pod's ServiceAccount, or a broad trust subject. */
  readonly style: 'path' | 'identity' | 'wide';
  change: Change;
  /** The verdict before, for a changed edge. */
  before?: Verdict;
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

interface Acc {
  nodes: Map<string, Omit<GraphNode, 'id'>>;
  edges: Map<string, Omit<GraphEdge, 'from' | 'to'> & { from: string; to: string }>;
}

const nodeKey = {
  workload: (r: AccessRow) => `w|${r.namespace}|${r.workload.kind}|${r.workload.name}|${r.workload.file}`,
  sa: (ns: string, sa: string) => `s|${ns}|${sa}`,
  role: (role: string) => `r|${role}`,
  keys: (r: AccessRow) => `k|${r.namespace}|${r.workload.kind}|${r.workload.name}|${r.workload.file}`,
  subjects: (w: WideTrust) => `x|${w.scope}|${w.pattern ?? ''}`,
};

function collect(m: AccessMap): Acc {
  const acc: Acc = { nodes: new Map(), edges: new Map() };
  const node = (key: string, n: Omit<GraphNode, 'id' | 'change'>) => {
    if (!acc.nodes.has(key)) acc.nodes.set(key, { ...n, change: 'same' });
  };
  const edge = (from: string, to: string, label: string, style: GraphEdge['style'], verdict: Verdict) => {
    const key = `${from}>${to}>${label}`;
    const e = acc.edges.get(key);
    if (e) e.verdict = worst([e.verdict, verdict]);
    else acc.edges.set(key, { from, to, label, style, verdict, change: 'same' });
  };
  for (const r of m.rows) {
    const w = nodeKey.workload(r);
    node(w, { kind: 'workload', label: `${r.workload.kind} ${r.workload.name}`, group: r.namespace });
    const target = r.role !== undefined ? nodeKey.role(r.role) : r.path === 'static-keys' ? nodeKey.keys(r) : nodeKey.role('');
    if (r.role !== undefined) node(target, { kind: 'role', label: roleShort(r.role) });
    else if (r.path === 'static-keys') node(target, { kind: 'keys', label: 'static access keys', group: r.namespace });
    else node(target, { kind: 'role', label: 'role not known statically' });
    const shadowed = r.chain.botocore === 'shadowed' && r.chain.jsv3 === 'shadowed';
    const label = `${r.path}${shadowed ? ' (shadowed)' : ''}`;
    const pathVerdict = worst(r.links.filter((l) => l.kind !== 'service-account').map((l) => l.verdict));
    if (r.serviceAccount !== undefined && r.path !== 'static-keys') {
      const s = nodeKey.sa(r.namespace, r.serviceAccount);
      node(s, { kind: 'service-account', label: `ServiceAccount ${r.serviceAccount}`, group: r.namespace });
      const saLink = r.links.find((l) => l.kind === 'service-account');
      edge(w, s, '', 'identity', saLink?.verdict ?? 'trusted');
      edge(s, target, label, 'path', pathVerdict);
    } else edge(w, target, label, 'path', pathVerdict);
  }
  for (const wt of m.wideTrust) {
    const x = nodeKey.subjects(wt);
    node(x, { kind: 'subjects', label: subjectsLabel(wt) });
    const role = nodeKey.role(wt.role);
    node(role, { kind: 'role', label: roleShort(wt.role) });
    edge(x, role, wt.operator ?? 'no sub condition', 'wide', 'trusted');
  }
  return acc;
}

function subjectsLabel(w: WideTrust): string {
  if (w.pattern === undefined) return 'any ServiceAccount (no sub condition)';
  if (w.scope === 'namespace') return `any ServiceAccount in ${w.namespace}`;
  return w.pattern;
}

const KIND_ORDER: Readonly<Record<GraphNode['kind'], number>> = { workload: 0, 'service-account': 1, keys: 2, subjects: 3, role: 4 };
const PREFIX: Readonly<Record<GraphNode['kind'], string>> = { workload: 'w', 'service-account': 's', keys: 'k', subjects: 'x', role: 'r' };

function finish(acc: Acc): Graph {
  const keys = [...acc.nodes.keys()].sort((a, b) => KIND_ORDER[acc.nodes.get(a)!.kind] - KIND_ORDER[acc.nodes.get(b)!.kind] || (a < b ? -1 : a > b ? 1 : 0));
  const ids = new Map<string, string>();
  const counters = new Map<string, number>();
  for (const k of keys) {
    const n = acc.nodes.get(k)!;
    const i = counters.get(n.kind) ?? 0;
    counters.set(n.kind, i + 1);
    ids.set(k, `${PREFIX[n.kind]}${i}`);
  }
  const nodes = keys.map((k) => ({ id: ids.get(k)!, ...acc.nodes.get(k)! }));
  const edges = [...acc.edges.values()]
    .map((e) => ({ ...e, from: ids.get(e.from)!, to: ids.get(e.to)! }))
    .sort((a, b) => cmpId(a.from, b.from) || cmpId(a.to, b.to) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { nodes, edges };
}

/** `w2` before `w10`. */
function cmpId(a: string, b: string): number {
  const pa = KIND_ORDER_BY_PREFIX[a[0]] - KIND_ORDER_BY_PREFIX[b[0]];
  return pa || Number(a.slice(1)) - Number(b.slice(1));
}
const KIND_ORDER_BY_PREFIX: Readonly<Record<string, number>> = { w: 0, s: 1, k: 2, x: 3, r: 4 };

export function mapGraph(m: AccessMap): Graph {
  return finish(collect(m));
}

/** The graph of `head`, with what `base` had and `head` lost, every element marked by its change. */
export function diffGraph(base: AccessMap, head: AccessMap): Graph {
  const b = collect(base);
  const h = collect(head);
  for (const [k, n] of h.nodes) if (!b.nodes.has(k)) n.change = 'added';
  for (const [k, n] of b.nodes) if (!h.nodes.has(k)) h.nodes.set(k, { ...n, change: 'removed' });
  for (const [k, e] of h.edges) {
    const old = b.edges.get(k);
    if (!old) e.change = 'added';
    else if (old.verdict !== e.verdict) {
      e.change = 'changed';
      e.before = old.verdict;
    }
  }
  for (const [k, e] of b.edges) if (!h.edges.has(k)) h.edges.set(k, { ...e, change: 'removed' });
  return finish(h);
}

/** Edge text: the path and a verdict mark (`webhook ✗`), with the change for a diff. */
export function edgeText(e: GraphEdge): string {
  const mark = e.style === 'wide' || (e.style === 'identity' && e.verdict === 'trusted') ? '' : VERDICT_MARK[e.verdict];
  const base = [e.label, mark].filter((s) => s !== '').join(' ');
  const change = e.change === 'added' ? 'added' : e.change === 'removed' ? 'removed' : e.change === 'changed' ? `was ${VERDICT_MARK[e.before!]}` : '';
  return [base, change && `(${change})`].filter((s) => s !== '').join(' ');
}
