/**
 * The access map (or its diff) as a Graphviz digraph (`dot -Tsvg`): namespaces as clusters, one
 * edge per credential path labelled with the path and a verdict mark, coloured by verdict (or by
 * change, for a diff, as the Mermaid picture does). Every identifier and label is a quoted DOT string with `"` and `\` escaped.
 */
import type { Graph, GraphEdge, GraphNode } from '../graph.js';
import { diffColor } from './mermaid.js';
import { edgeText } from '../graph.js';

/** A quoted DOT string. */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ')}"`;
}

const SHAPE: Readonly<Record<GraphNode['kind'], string>> = { workload: 'box', 'service-account': 'ellipse', role: 'hexagon', keys: 'parallelogram', subjects: 'cds' };
const VERDICT_COLOR = { trusted: '#1a7f37', 'not-trusted': '#cf222e', unknown: '#9a6700' } as const;
const NODE_CHANGE_COLOR: Readonly<Record<'added' | 'removed', string>> = { added: '#1a7f37', removed: '#8c959f' };

function nodeLine(n: GraphNode, diff: boolean, indent: string): string {
  const attrs = [`label=${dotString(n.label)}`, `shape=${SHAPE[n.kind]}`];
  if (diff && (n.change === 'added' || n.change === 'removed')) attrs.push(`color=${dotString(NODE_CHANGE_COLOR[n.change])}`, 'penwidth=2', ...(n.change === 'removed' ? ['style=dashed'] : []));
  return `${indent}${n.id} [${attrs.join(', ')}];`;
}

function edgeLine(e: GraphEdge, diff: boolean): string {
  const attrs: string[] = [];
  const text = edgeText(e);
  if (text !== '') attrs.push(`label=${dotString(text)}`);
  if (diff) {
    if (e.change === 'same') attrs.push(`color=${dotString('#8c959f')}`);
    else attrs.push(`color=${dotString(diffColor(e))}`, 'penwidth=2', ...(e.change === 'removed' ? ['style=dashed'] : []));
  } else if (e.style === 'wide') attrs.push(`color=${dotString('#bc4c00')}`, 'style=dashed');
  else {
    attrs.push(`color=${dotString(VERDICT_COLOR[e.verdict])}`);
    if (e.verdict === 'not-trusted') attrs.push('style=dashed');
    if (e.verdict === 'unknown') attrs.push('style=dotted');
  }
  if (e.style === 'identity') attrs.push('arrowhead=none');
  return `  ${e.from} -> ${e.to}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`;
}

export function formatDot(g: Graph, options: { readonly diff?: boolean; readonly empty?: string } = {}): string {
  const diff = !!options.diff;
  const lines = ['digraph access_map {', '  rankdir=LR;', `  node [fontname=${dotString('Helvetica')}, fontsize=11];`, `  edge [fontname=${dotString('Helvetica')}, fontsize=10];`];
  if (g.nodes.length === 0) lines.push(`  empty [label=${dotString(options.empty ?? 'no workload gets AWS credentials')}, shape=plaintext];`);
  const groups = [...new Set(g.nodes.map((n) => n.group).filter((x): x is string => x !== undefined))].sort();
  groups.forEach((group, i) => {
    lines.push(`  subgraph cluster_ns${i} {`, `    label=${dotString(`namespace ${group}`)};`);
    for (const n of g.nodes) if (n.group === group) lines.push(nodeLine(n, diff, '    '));
    lines.push('  }');
  });
  const roles = g.nodes.filter((n) => n.group === undefined && n.kind === 'role');
  for (const n of g.nodes) if (n.group === undefined && n.kind !== 'role') lines.push(nodeLine(n, diff, '  '));
  if (roles.length) {
    lines.push('  subgraph cluster_iam {', `    label=${dotString('IAM roles')};`);
    for (const n of roles) lines.push(nodeLine(n, diff, '    '));
    lines.push('  }');
  }
  for (const e of g.edges) lines.push(edgeLine(e, diff));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
