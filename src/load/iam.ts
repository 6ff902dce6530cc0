/**
 * IAM roles and OIDC providers from JSON shapes: a bare trust policy, `aws iam get-role` /
 * `list-roles` output, ccoctl `--dry-run` role files (policy as a JSON string), and OIDC
 * provider descriptions (`aws iam get-open-id-connect-provider`, ccoctl `04-iam-identity-provider.json`).
 */
import { parseOperator } from '../iam/conditions.js';
import { issuerHost } from '../iam/arn.js';
import type { PodIdentityAssociation } from '../model/eks.js';
import type { Condition, OidcProvider, OperatorBlock, PolicyDocument, Role, Statement } from '../model/iam.js';
import { splitConditionKey } from '../model/trust.js';
import { exact, intern } from '../model/compact.js';
import { compactLength, entry, get, isMap, isScalar, isSeq, listOf, type PMap, type PNode, type PScalar } from '../model/pnode.js';
import { located, unknownText, type Span } from '../model/span.js';
import type { L } from '../model/resource.js';
import { decodeMaybeUrlEncoded, parseJson, parseJsonInString } from './json.js';
import { loc } from './k8s.js';
import { makeAssociation } from './pod-identity.js';
import type { ParseProblem } from './yaml.js';

export type IamResource = Role | OidcProvider | PodIdentityAssociation;

/** Quick textual test: could this JSON text hold a role, trust policy, OIDC provider or Pod Identity association? */
export function mayHoldIam(text: string): boolean {
  return /"(Statement|AssumeRolePolicyDocument|ClientIDList|Roles?|associations?)"/.test(text);
}

/**
 * Recognise IAM shapes in one positioned document. Problems (a policy string that fails to parse) go to `problems`.
 * `docIndex` (the document's index in its YAML stream, 0 for JSON) keys roles without a static ARN, so keys
 * (and the fingerprints built from them) do not change when lines are inserted above.
 */
export function buildIam(doc: PNode, out: IamResource[], problems: ParseProblem[], docIndex = 0): void {
  if (!isMap(doc)) return;
  const file = doc.span.file;
  const roleObj = get(doc, 'Role');
  if (isMap(roleObj) && entry(roleObj, 'AssumeRolePolicyDocument')) {
    out.push(roleFromDescription(roleObj, 'get-role', problems, `${docIndex}/Role`));
    return;
  }
  const roles = get(doc, 'Roles');
  if (isSeq(roles)) {
    roles.items.forEach((r, i) => {
      if (isMap(r) && entry(r, 'AssumeRolePolicyDocument')) out.push(roleFromDescription(r, 'get-role', problems, `${docIndex}/Roles/${i}`));
    });
    return;
  }
  if (entry(doc, 'AssumeRolePolicyDocument')) {
    out.push(roleFromDescription(doc, entry(doc, 'RoleName') ? 'ccoctl' : 'policy', problems, `${docIndex}`));
    return;
  }
  if (entry(doc, 'Statement') && isTrustPolicy(doc)) {
    const trust = parsePolicy(doc);
    out.push({ kind: 'iam:Role', key: `iam:Role@${file}#${docIndex}`, file, span: doc.span, node: doc, label: `trust policy in ${file}`, trust, source: 'policy' });
    return;
  }
  const association = get(doc, 'association');
  if (isMap(association) && isAssociationDescription(association)) {
    out.push(describedAssociation(association, 'describe', `${docIndex}/association`));
    return;
  }
  const associations = get(doc, 'associations');
  if (isSeq(associations) && associations.items.some((a) => isMap(a) && isAssociationDescription(a))) {
    associations.items.forEach((a, i) => {
      if (isMap(a) && isAssociationDescription(a)) out.push(describedAssociation(a, 'list', `${docIndex}/associations/${i}`));
    });
    return;
  }
  const url = get(doc, 'Url');
  const clientIds = entry(doc, 'ClientIDList');
  if (isScalar(url) && clientIds) {
    const u = loc(url);
    out.push({
      kind: 'iam:OIDCProvider',
      key: `iam:OIDCProvider/${u ? issuerHost(u.value) : file}`,
      file,
      span: doc.span,
      node: doc,
      label: `OIDC provider ${u?.value ?? ''}`.trim(),
      url: u,
      host: u && !u.unknown ? issuerHost(u.value) : undefined,
      clientIds: listOf(clientIds.value).map(loc).filter((x): x is L<string> => !!x),
      clientIdsSpan: clientIds.value.span,
    });
  }
}

/** An EKS `PodIdentityAssociation` (or its summary) as the EKS API returns it: `clusterName`, `namespace` and `serviceAccount`. */
function isAssociationDescription(m: PMap): boolean {
  return !!entry(m, 'clusterName') && !!entry(m, 'namespace') && !!entry(m, 'serviceAccount');
}

/**
 * `aws eks describe-pod-identity-association` (`{"association": {...}}`) and
 * `list-pod-identity-associations` (`{"associations": [...]}`, summaries without `roleArn`)
 * output: EKS API reference `PodIdentityAssociation` / `PodIdentityAssociationSummary`.
 */
function describedAssociation(m: PMap, source: 'describe' | 'list', pointer: string): PodIdentityAssociation {
  const file = m.span.file;
  const arn = loc(get(m, 'associationArn'));
  const id = loc(get(m, 'associationId'));
  const cluster = loc(get(m, 'clusterName'));
  const disable = get(m, 'disableSessionTags');
  return makeAssociation({
    source,
    file,
    span: m.span,
    node: m,
    key: arn && !arn.unknown ? arn.value : `eks:PodIdentityAssociation@${file}#${pointer}`,
    label: `Pod Identity association ${id?.value ?? cluster?.value ?? ''}`.trim(),
    anchor: (entry(m, 'associationId') ?? entry(m, 'clusterName'))!.key.span,
    clusterName: cluster,
    namespace: loc(get(m, 'namespace')),
    serviceAccount: loc(get(m, 'serviceAccount')),
    roleArn: loc(get(m, 'roleArn')),
    targetRoleArn: loc(get(m, 'targetRoleArn')),
    associationArn: arn,
    disableSessionTags: isScalar(disable) && typeof disable.value === 'boolean' ? located(disable.value, disable.span) : undefined,
  });
}

/** A policy with at least one statement that names a principal or an `sts:` action. */
function isTrustPolicy(doc: PMap): boolean {
  for (const s of listOf(get(doc, 'Statement'))) {
    if (entry(s, 'Principal') || entry(s, 'NotPrincipal')) return true;
    for (const a of listOf(get(s, 'Action'))) if (isScalar(a) && /^sts:/i.test(String(a.value))) return true;
  }
  return false;
}

/** `pointer`: the document index and the JSON pointer of the role object in it (`0/Roles/2`). */
function roleFromDescription(obj: PMap, source: string, problems: ParseProblem[], pointer: string): Role {
  const file = obj.span.file;
  const name = loc(get(obj, 'RoleName'));
  const arn = loc(get(obj, 'Arn'));
  const path = loc(get(obj, 'Path'));
  const docNode = get(obj, 'AssumeRolePolicyDocument');
  let trust: PolicyDocument | undefined;
  if (isMap(docNode)) trust = parsePolicy(docNode);
  else if (isScalar(docNode) && typeof docNode.value === 'string') trust = policyFromString(docNode, problems);
  const label = `role ${name?.value ?? arn?.value ?? '(unnamed)'}`;
  return {
    kind: 'iam:Role',
    key: arn && !arn.unknown ? arn.value : `iam:Role/${name?.value ?? ''}@${file}#${pointer}`,
    file,
    span: obj.span,
    node: obj,
    label,
    name,
    arn,
    path,
    trust,
    source,
  };
}

function policyFromString(s: PScalar, problems: ParseProblem[]): PolicyDocument | undefined {
  const text = String(s.value);
  const decoded = decodeMaybeUrlEncoded(text);
  if (decoded !== undefined) {
    const r = parseJson(decoded, s.span.file);
    if (r.error || !r.node) {
      problems.push({ message: `AssumeRolePolicyDocument: ${r.error?.message ?? 'not a JSON document'}`, code: 'POLICY_JSON', span: s.span });
      return undefined;
    }
    return parsePolicy(respan(r.node, s.span));
  }
  const r = parseJsonInString(s, s.span.file);
  if (r.error || !r.node) {
    const e = r.error;
    const span: Span = e ? { file: s.span.file, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn } : s.span;
    problems.push({ message: `AssumeRolePolicyDocument: ${e?.message ?? 'not a JSON document'}`, code: 'POLICY_JSON', span });
    return undefined;
  }
  return parsePolicy(r.node);
}

/** Give every node of a tree the same span (for documents decoded from URL encoding). */
function respan(n: PNode, span: Span): PNode {
  switch (n.type) {
    case 'scalar':
      return { type: 'scalar', value: n.value, span };
    case 'seq':
      return { type: 'seq', items: n.items.map((i) => respan(i, span)), span };
    case 'map':
      return { type: 'map', entries: n.entries.map((e) => ({ key: { ...e.key, span }, value: respan(e.value, span) })), span };
  }
}

function strList(n: PNode | undefined): L<string>[] {
  return listOf(n).map(loc).filter((x): x is L<string> => !!x);
}

/** Parse a policy document tree into statements and conditions. Tolerates any shape. */
export function parsePolicy(doc: PNode): PolicyDocument {
  const statementEntry = entry(doc, 'Statement');
  const statements: Statement[] = [];
  listOf(statementEntry?.value).forEach((s, index) => {
    if (isMap(s)) statements.push(parseStatement(s, index));
  });
  const compactSize = compactLength(doc);
  return { node: doc, span: doc.span, version: loc(get(doc, 'Version')), statementEntry, statements: exact(statements), compactSize };
}

function parseStatement(s: PMap, index: number): Statement {
  const principal = entry(s, 'Principal');
  let principalWildcard: L<string> | undefined;
  const federated: L<string>[] = [];
  const services: L<string>[] = [];
  if (principal) {
    const p = principal.value;
    if (isScalar(p)) {
      if (p.value === '*') principalWildcard = loc(p);
    } else {
      for (const a of listOf(get(p, 'AWS'))) if (isScalar(a) && a.value === '*') principalWildcard = loc(a);
      federated.push(...strList(get(p, 'Federated')));
      services.push(...strList(get(p, 'Service')));
    }
  }
  const actionEntry = entry(s, 'Action');
  const conditionEntry = entry(s, 'Condition');
  const conditions: Condition[] = [];
  const operators: OperatorBlock[] = [];
  const block = conditionEntry?.value;
  if (block && isMap(block)) {
    for (const opEntry of block.entries) {
      const operator = loc(opEntry.key);
      if (!operator) continue;
      const op = parseOperator(operator.value);
      const keys: L<string>[] = [];
      const opIsMap = isMap(opEntry.value) && !opEntry.value.unknown;
      if (!isMap(opEntry.value)) {
        operators.push({ operator, op, isMap: opIsMap, keys });
        continue;
      }
      for (const kv of opEntry.value.entries) {
        const key = loc(kv.key);
        if (!key) continue;
        keys.push(key);
        const parts = splitConditionKey(key);
        const values = strList(kv.value);
        conditions.push({
          operator,
          op,
          key,
          keyPrefix: intern(parts.prefix),
          claim: intern(parts.claim),
          prefixUnknown: parts.prefixUnknown,
          claimUnknown: parts.claimUnknown,
          values,
          valuesSpan: kv.value.span,
          unknown: parts.claimUnknown || values.some(unknownText) || !isScalarOrScalars(kv.value),
        });
      }
      operators.push({ operator, op, isMap: opIsMap, keys: exact(keys) });
    }
  }
  const conditionsStatic =
    block === undefined ||
    (!block.unknown && isMap(block) && block.entries.every((e) => !e.key.unknown && !e.value.unknown && isMap(e.value) && e.value.entries.every((kv) => !kv.key.unknown || staticClaim(kv.key))));
  return {
    index,
    node: s,
    span: s.span,
    sid: loc(get(s, 'Sid')),
    effect: loc(get(s, 'Effect')),
    principal,
    notPrincipal: entry(s, 'NotPrincipal'),
    principalWildcard,
    federated: exact(federated),
    services: exact(services),
    actions: strList(actionEntry?.value),
    actionEntry,
    notActionEntry: entry(s, 'NotAction'),
    resource: entry(s, 'Resource') ?? entry(s, 'NotResource'),
    conditionEntry,
    conditions: exact(conditions),
    operators: exact(operators),
    conditionsStatic,
  };
}

/** A condition key whose claim is static even though the key is not (`${provider}:sub`). */
function staticClaim(key: PScalar): boolean {
  const k = loc(key);
  return k !== undefined && splitConditionKey(k).prefixUnknown;
}

function isScalarOrScalars(n: PNode): boolean {
  if (n.unknown) return false;
  if (isScalar(n)) return true;
  return isSeq(n) && n.items.every((i) => isScalar(i) && !i.unknown);
}

