/**
 * The access map (or its diff) as a Mermaid flowchart, the kind GitHub renders in a ```mermaid
 * block: namespaces as subgraphs, roles in their own, one line per credential path with a verdict
 * mark; colours by verdict (and by change, for a diff). Labels are quoted, with `"`, `#`, `<`,
 * `>`, `&` and line breaks written as Mermaid entity codes, so no text of the repository can end
 * a label or inject markup.
 */
import type { Graph, GraphEdge, GraphNode } from '../graph.js';
import { edgeText } from '../graph.js';

/** Text as a quoted Mermaid label. */
export function mermaidLabel(s: string): string {
  const escaped = s.replace(/[#"<>&]/g, (c) => `#${c.codePointAt(0)};`).replace(/[\r\n]+/g, ' ');
  return `"${escaped}"`;
}

function shape(n: GraphNode): string {
  const l = mermaidLabel(n.label);
  switch (n.kind) {
    case 'workload':
      return `[${l}]`;
    case 'service-account':
      return `([${l}])`;
    case 'role':
      return `{{${l}}}`;
    case 'keys':
      return `[/${l}/]`;
    case 'subjects':
      return `>${l}]`;
  }
}

const EDGE_COLOR = { trusted: '#1a7f37', 'not-trusted': '#cf222e', unknown: '#9a6700' } as const;
/**
 * Colours of a diff: what is gone is grey and dashed, a changed path orange, an added one takes the
 * colour of its verdict (a new path that does not work is red, not green), what stayed thin grey.
 */
export function diffColor(e: Pick<GraphEdge, 'change' | 'verdict'>): string {
  if (e.change === 'removed' || e.change === 'same') return '#8c959f';
  if (e.change === 'changed') return '#bc4c00';
  return EDGE_COLOR[e.verdict];
}

function edgeStyle(e: GraphEdge, diff: boolean): string {
  if (diff) {
    if (e.change === 'same') return 'stroke:#8c959f,stroke-width:1px';
    const dash = e.change === 'removed' ? ',stroke-dasharray:5 5' : '';
    return `stroke:${diffColor(e)},stroke-width:3px${dash}`;
  }
  if (e.style === 'wide') return 'stroke:#bc4c00,stroke-width:2px,stroke-dasharray:3 3';
  const dash = e.verdict === 'trusted' ? '' : e.verdict === 'unknown' ? ',stroke-dasharray:2 4' : ',stroke-dasharray:6 4';
  return `stroke:${EDGE_COLOR[e.verdict]},stroke-width:2px${dash}`;
}

export interface MermaidOptions {
  /** Colour by change (a diff) instead of by verdict. */
  readonly diff?: boolean;
  /** Text of an empty graph's only node. */
  readonly empty?: string;
}

export function formatMermaid(g: Graph, options: MermaidOptions = {}): string {
  const diff = !!options.diff;
  const lines: string[] = ['flowchart LR'];
  if (g.nodes.length === 0) {
    lines.push(`  empty[${mermaidLabel(options.empty ?? 'no workload gets AWS credentials')}]`);
    return `${lines.join('\n')}\n`;
  }
  const groups = [...new Set(g.nodes.map((n) => n.group).filter((x): x is string => x !== undefined))].sort();
  groups.forEach((group, i) => {
    lines.push(`  subgraph ns${i}[${mermaidLabel(`namespace ${group}`)}]`);
    for (const n of g.nodes) if (n.group === group) lines.push(`    ${n.id}${shape(n)}`);
    lines.push('  end');
  });
  const free = g.nodes.filter((n) => n.group === undefined);
  const subjects = free.filter((n) => n.kind === 'subjects');
  const roles = free.filter((n) => n.kind === 'role');
  for (const n of subjects) lines.push(`  ${n.id}${shape(n)}`);
  if (roles.length) {
    lines.push(`  subgraph iam[${mermaidLabel('IAM roles')}]`);
    for (const n of roles) lines.push(`    ${n.id}${shape(n)}`);
    lines.push('  end');
  }
  for (const e of g.edges) {
    const text = edgeText(e);
    const arrow = e.style === 'identity' ? '---' : '-->';
    lines.push(text === '' ? `  ${e.from} ${arrow} ${e.to}` : `  ${e.from} ${arrow}|${mermaidLabel(text)}| ${e.to}`);
  }
  g.edges.forEach((e, i) => lines.push(`  linkStyle ${i} ${edgeStyle(e, diff)}`));
  if (diff) {
    lines.push('  classDef added stroke:#1a7f37,stroke-width:3px');
    lines.push('  classDef removed stroke:#8c959f,stroke-width:3px,stroke-dasharray:5 5');
    for (const change of ['added', 'removed'] as const) {
      const ids = g.nodes.filter((n) => n.change === change).map((n) => n.id);
      if (ids.length) lines.push(`  class ${ids.join(',')} ${change}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
