/**
 * Helpers shared by the infrastructure-code readers (CloudFormation, Terraform, CDK/Pulumi
 * TypeScript): the `Role` / `OidcProvider` objects every rule reads, built from evaluated values
 * (see src/eval/value.ts for the values themselves).
 */
import { issuerHost } from '../iam/arn.js';
import type { OidcProvider, PolicyDocument, Role, RoleServiceAccount } from '../model/iam.js';
import { markTemplated } from '../eval/value.js';
import { get, isMap, isScalar, isSeq, type PNode } from '../model/pnode.js';
import type { L } from '../model/resource.js';
import type { Span } from '../model/span.js';
import { parsePolicy } from './iam.js';
import { parseJsonInString } from './json.js';
import { loc } from './k8s.js';
import type { ParseProblem } from './yaml.js';

/**
 * A trust policy from a resolved node: a map is the document; a string holds its JSON (positions
 * through the string's `inner` map); anything unknown gives a document whose node is unknown,
 * which rules treat as unknown.
 */
export function policyFromNode(n: PNode, problems: ParseProblem[], what: string): PolicyDocument | undefined {
  if (isMap(n)) return parsePolicy(guardStructure(markTemplated(n)));
  if (isScalar(n) && typeof n.value === 'string' && !n.unknown) {
    const r = parseJsonInString(n, n.span.file);
    if (r.error || !r.node) {
      const e = r.error;
      const span: Span = e ? { file: n.span.file, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn } : n.span;
      problems.push({ message: `${what}: ${e?.message ?? 'not a JSON document'}`, code: 'POLICY_JSON', span });
      return undefined;
    }
    return parsePolicy(guardStructure(markTemplated(r.node)));
  }
  if (isScalar(n) && typeof n.value === 'string' && n.unknown && n.value.trimStart().startsWith('{')) {
    // A JSON document with placeholders inside its strings (`!Sub` of a whole policy): the
    // structure is known, the strings holding a placeholder are unknown.
    const { unknown: _u, ...known } = n;
    const r = parseJsonInString(known, n.span.file);
    if (r.node && !r.error) return parsePolicy(guardStructure(markTemplated(r.node)));
  }
  if (n.unknown) return parsePolicy(n);
  return undefined;
}

export interface RoleParts {
  readonly file: string;
  readonly span: Span;
  readonly node: PNode;
  /** Logical id, construct id or resource address, for the label when the name is not known. */
  readonly id: string;
  readonly name?: PNode;
  readonly arn?: PNode;
  readonly path?: PNode;
  readonly trust?: PolicyDocument;
  readonly source: 'cloudformation' | 'terraform' | 'cdk' | 'pulumi' | 'eksctl';
  readonly serviceAccount?: RoleServiceAccount;
  /** Names by which the file refers to the role (see `Role.refs`). */
  readonly refs?: readonly string[];
}

export function makeRole(p: RoleParts): Role {
  const name = loc(p.name);
  const arn = loc(p.arn);
  const path = loc(p.path);
  const shown = name && !name.unknown ? name.value : p.id;
  return {
    kind: 'iam:Role',
    // Keyed by logical id, not line: fingerprints and baselines must survive inserted lines.
    key: arn && !arn.unknown ? arn.value : `iam:Role/${name && !name.unknown ? name.value : p.id}@${p.file}#${p.id}`,
    file: p.file,
    span: p.span,
    node: p.node,
    label: `role ${shown}`,
    ...(name ? { name } : {}),
    ...(arn ? { arn } : {}),
    ...(path ? { path } : {}),
    ...(p.trust ? { trust: p.trust } : {}),
    source: p.source,
    ...(p.refs && p.refs.length > 0 ? { refs: p.refs } : {}),
    ...(p.serviceAccount ? { serviceAccount: p.serviceAccount } : {}),
  };
}

export interface ProviderParts {
  readonly file: string;
  readonly span: Span;
  readonly node: PNode;
  readonly id: string;
  readonly url?: PNode;
  readonly arn?: PNode;
  readonly clientIds: readonly PNode[];
  readonly clientIdsSpan?: Span;
}

export function makeProvider(p: ProviderParts): OidcProvider {
  const url = loc(p.url);
  const arn = loc(p.arn);
  const host = url && !url.unknown ? issuerHost(url.value) : undefined;
  return {
    kind: 'iam:OIDCProvider',
    key: `iam:OIDCProvider/${host ?? `${p.id}@${p.file}`}`,
    file: p.file,
    span: p.span,
    node: p.node,
    label: `OIDC provider ${host ?? p.id}`,
    ...(url ? { url } : {}),
    ...(arn ? { arn } : {}),
    ...(host ? { host } : {}),
    clientIds: p.clientIds.map(loc).filter((x): x is L<string> => !!x),
    ...(p.clientIdsSpan ? { clientIdsSpan: p.clientIdsSpan } : {}),
  };
}

/**
 * `parsePolicy` skips statements, condition blocks and operator blocks that are not maps. When
 * such a part is unknown (an intrinsic such as `!If`, an expression), what the policy grants is
 * unknown, so the `Statement` node is marked unknown: rules then stay silent on the whole policy
 * instead of judging it without the part they cannot see.
 */
export function guardStructure(doc: PNode): PNode {
  if (!isMap(doc)) return doc;
  const i = doc.entries.findIndex((e) => e.key.value === 'Statement');
  if (i === -1) return doc;
  const st = doc.entries[i].value;
  if (st.unknown || !hidesUnknown(st)) return doc;
  const entries = doc.entries.slice();
  entries[i] = { key: entries[i].key, value: { ...st, unknown: true } };
  return { ...doc, entries };
}

function hidesUnknown(statements: PNode): boolean {
  const items = isSeq(statements) ? statements.items : [statements];
  for (const s of items) {
    if (s.unknown) return true; // an intrinsic or expression in place of a statement
    if (!isMap(s)) continue;
    const cond = get(s, 'Condition');
    if (cond === undefined) continue;
    if (cond.unknown) return true;
    if (!isMap(cond)) continue;
    for (const op of cond.entries) if (op.key.unknown || op.value.unknown) return true;
  }
  return false;
}
