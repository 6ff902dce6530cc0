/**
 * What the CDK and Pulumi readers share: OIDC providers and policy documents as framework values
 * of the TypeScript evaluator (with the members and calls both libraries use on them), IAM JSON
 * documents built from evaluated parts, and the roles and providers they become.
 */
import type { EsNode, ImportedSymbol, TsEvaluator, TsExtension } from '../eval/ts.js';
import { unknownScalar, type Value } from '../eval/value.js';
import { issuerHost } from '../iam/arn.js';
import { get, isMap, isScalar, isSeq, type PMap, type PNode, type PScalar } from '../model/pnode.js';
import type { L } from '../model/resource.js';
import type { Span } from '../model/span.js';
import type { RoleRef } from '../model/eks.js';
import { located } from '../model/span.js';
import { makeProvider, makeRole, policyFromNode } from './iac.js';
import type { IamResource } from './iam.js';
import { loc } from './k8s.js';
import { makeAssociation } from './pod-identity.js';
import type { ParseProblem } from './yaml.js';

/** What the readers of one TypeScript file produce. */
export interface TsIacOutput {
  readonly resources: IamResource[];
  /** Kubernetes documents the program creates (ServiceAccounts of `addServiceAccount`, manifests). */
  readonly k8sDocs: PNode[];
  readonly problems: ParseProblem[];
}

/** A framework reader: sees every `new` and call expression of the program, in source order. */
export interface TsRecogniser {
  /** `declaredAs`: the `const` or `let` the expression initialises, if any. */
  expression(n: EsNode, declaredAs: string | undefined): void;
}

/** An OIDC provider (`.arn`, `.openIdConnectProviderArn`, `.openIdConnectProviderIssuer`) or a policy document (`.json`). */
export type IamValue =
  | { readonly kind: 'provider'; readonly arn: PScalar; readonly issuer: PScalar }
  | { readonly kind: 'policy'; readonly doc: PNode };

export function iamValue(ev: TsEvaluator, v: Value | undefined): IamValue | undefined {
  const d = ev.frameworkData(v) as { kind?: unknown } | undefined;
  return d?.kind === 'provider' || d?.kind === 'policy' ? (d as IamValue) : undefined;
}

/** Members and calls on providers and policy documents, whichever library made them. */
export const iamValues: TsExtension = {
  member(object, name, n, ev) {
    const s = iamValue(ev, object);
    if (s?.kind === 'provider') {
      if (name === 'openIdConnectProviderArn' || name === 'arn') return respan(s.arn, ev.nodeSpan(n));
      if (name === 'openIdConnectProviderIssuer') return s.issuer.unknown ? ev.unknown(n) : respan(s.issuer, ev.nodeSpan(n));
      return undefined;
    }
    if (s?.kind === 'policy' && name === 'json') return ev.frameworkValue(n, s);
    return undefined;
  },
  call(n, ev) {
    // doc.then(d => d.json)
    const callee = n.callee as EsNode;
    const a0 = ev.arg(n, 0);
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property?.type !== 'Identifier' || callee.property.name !== 'then') return undefined;
    const s = iamValue(ev, ev.evaluate(callee.object));
    if (s?.kind !== 'policy' || !a0 || (a0.type !== 'ArrowFunctionExpression' && a0.type !== 'FunctionExpression')) return undefined;
    const param = (a0.params as EsNode[])[0];
    const body = a0.body as EsNode;
    if (param?.type === 'Identifier' && body.type === 'MemberExpression' && !body.computed && body.object?.type === 'Identifier' && body.object.name === param.name && body.property?.name === 'json') {
      return ev.frameworkValue(n, s);
    }
    return undefined;
  },
};

/** `lib:iam.Role` for an imported symbol of a library module (`aws_iam`, aws-cdk-lib's namespace export, is `iam`). */
export function qualifiedName(lib: string, modulePath: readonly string[], symbol: ImportedSymbol): string {
  return `${lib}:${[...modulePath, ...symbol.path].map((seg) => seg.replace(/^aws_/, '')).join('.')}`;
}

/** A scalar made by the reader (a key or value the program implies), at `span`. */
export function synthetic(value: string, span: Span): PScalar {
  return { type: 'scalar', value, span };
}

/** The same value at another place (positions inside it are not carried over). */
export function respan(s: PScalar, span: Span): PScalar {
  return { type: 'scalar', value: s.value, span, ...(s.unknown ? { unknown: true } : {}) };
}

/** `{ Version: '2012-10-17', Statement: statements }`. */
export function iamDocument(statements: PNode, span: Span): PMap {
  return {
    type: 'map',
    span,
    entries: [
      { key: synthetic('Version', span), value: synthetic('2012-10-17', span) },
      { key: synthetic('Statement', span), value: statements },
    ],
  };
}

/** A policy given as an object, a JSON string, `JSON.stringify(...)` or a policy document value. */
export function policyArgument(ev: TsEvaluator, v: PNode | undefined): PNode | undefined {
  if (!v) return undefined;
  const s = iamValue(ev, v);
  if (s?.kind === 'policy') return s.doc;
  if (ev.isFrameworkValue(v)) return unknownScalar('policy', v.span);
  return v;
}

/** The value of `new <OIDC provider>(..., props)`: its ARN (account unknown) and issuer host from a static `url`. */
export function oidcProviderValue(ev: TsEvaluator, n: EsNode, props: Value | undefined): PMap {
  const span = ev.nodeSpan(n);
  const url = get(props, 'url');
  const host = isScalar(url) && !url.unknown && typeof url.value === 'string' ? issuerHost(url.value) : undefined;
  const arn: PScalar = host ? { type: 'scalar', value: `arn:aws:iam::\${AWS::AccountId}:oidc-provider/${host}`, span, unknown: true } : unknownScalar('openIdConnectProviderArn', span);
  const issuer: PScalar = host && url ? { type: 'scalar', value: host, span: url.span } : unknownScalar('openIdConnectProviderIssuer', span);
  return ev.frameworkValue(n, { kind: 'provider', arn, issuer } satisfies IamValue);
}

export interface ProviderArgs {
  /** Argument positions of the construct id and the props object. */
  readonly idArg: number;
  readonly propsArg: number;
  /** The props key of the audiences (`clientIds`, `clientIdLists`). */
  readonly clientIdsKey: string;
  /** The audiences when the construct fixes them (EKS's provider: `sts.amazonaws.com`). */
  readonly fixedClientId?: string;
}

/** The OIDC provider resource a `new <OIDC provider>(...)` creates. */
export function pushProvider(ev: TsEvaluator, out: TsIacOutput, n: EsNode, a: ProviderArgs): void {
  const span = ev.nodeSpan(n);
  const props = ev.props(ev.arg(n, a.propsArg));
  const special = iamValue(ev, ev.evaluate(n));
  const idsEntry = props && isMap(props) ? props.entries.find((e) => e.key.value === a.clientIdsKey) : undefined;
  let ids: readonly PNode[] = [];
  if (a.fixedClientId) ids = [synthetic(a.fixedClientId, span)];
  else if (idsEntry) ids = isSeq(idsEntry.value) && !idsEntry.value.unknown ? idsEntry.value.items : [idsEntry.value];
  else if (props?.unknown) ids = [unknownScalar('clientIds', span)];
  out.resources.push(
    makeProvider({
      file: ev.file,
      span,
      node: props ?? ev.scalar(null, n),
      id: ev.knownText(ev.arg(n, a.idArg), 'OpenIdConnectProvider'),
      url: get(props, 'url'),
      arn: special?.kind === 'provider' ? special.arn : undefined,
      clientIds: ids,
      clientIdsSpan: idsEntry?.value.span,
    }),
  );
}

export interface RoleArgs {
  /** The variable the role is assigned to, by which the file refers to it. */
  readonly declaredAs?: string;
  readonly props: PMap | undefined;
  readonly nameKey: string;
  readonly pathKey: string;
  readonly trust: PNode | undefined;
  /** How the trust policy property is called, for problems in it. */
  readonly trustKey: string;
  readonly source: 'cdk' | 'pulumi';
  readonly id: string;
}

/** The role a `new <Role>(...)` creates. */
export function pushRole(ev: TsEvaluator, out: TsIacOutput, n: EsNode, a: RoleArgs): void {
  out.resources.push(
    makeRole({
      file: ev.file,
      span: ev.nodeSpan(n),
      node: a.props ?? ev.scalar(null, n),
      id: a.id,
      name: get(a.props, a.nameKey),
      path: get(a.props, a.pathKey),
      trust: a.trust ? policyFromNode(a.trust, out.problems, a.trustKey) : undefined,
      source: a.source,
      ...(a.declaredAs ? { refs: [a.declaredAs] } : {}),
    }),
  );
}

export interface AssociationArgs {
  readonly source: 'cdk' | 'pulumi';
  readonly id: string;
  /** The props object literal (for the role references written in it). */
  readonly propsNode: EsNode | undefined;
  readonly props: PMap | undefined;
  /** Members of a role variable that give its ARN (`roleArn`, `attrArn`; Pulumi `arn`). */
  readonly arnMembers: readonly string[];
}

/** The property `key` of an object literal, as written. */
function literalProperty(obj: EsNode | undefined, key: string): EsNode | undefined {
  if (obj?.type !== 'ObjectExpression') return undefined;
  let found: EsNode | undefined;
  for (const p of obj.properties as EsNode[]) {
    if (p.type === 'SpreadElement') found = undefined;
    else if (p.type === 'Property' && !p.computed && ((p.key.type === 'Identifier' && p.key.name === key) || (p.key.type === 'Literal' && p.key.value === key))) found = p.value as EsNode;
  }
  return found;
}

/** `role.roleArn` (one of `members`) of a variable of the file: a reference to the role assigned to it. */
function roleReference(ev: TsEvaluator, obj: EsNode | undefined, key: string, members: readonly string[]): RoleRef | undefined {
  let e = literalProperty(obj, key);
  while (e && (e.type === 'TSAsExpression' || e.type === 'TSNonNullExpression' || e.type === 'TSSatisfiesExpression')) e = e.expression as EsNode;
  if (e?.type !== 'MemberExpression' || e.computed || e.object?.type !== 'Identifier' || e.property?.type !== 'Identifier') return undefined;
  if (!members.includes(e.property.name as string) || !ev.isConst(e.object.name as string)) return undefined;
  return { file: ev.file, id: e.object.name as string, span: ev.nodeSpan(e) };
}

/** A boolean property: a literal `true`/`false`; anything else is unknown. */
function boolProp(n: PNode | undefined): L<boolean> | undefined {
  if (!isScalar(n) || n.value === null) return undefined;
  if (!n.unknown && typeof n.value === 'boolean') return located(n.value, n.span);
  return located(false, n.span, true);
}

/** The EKS Pod Identity association a construct creates (`eks.CfnPodIdentityAssociation`, Pulumi `aws.eks.PodIdentityAssociation`). */
export function pushAssociation(ev: TsEvaluator, out: TsIacOutput, n: EsNode, a: AssociationArgs): void {
  const span = ev.nodeSpan(n);
  const text = (k: string) => loc(get(a.props, k));
  const roleArn = text('roleArn');
  const targetRoleArn = text('targetRoleArn');
  out.resources.push(
    makeAssociation({
      source: a.source,
      file: ev.file,
      span,
      node: a.props ?? ev.scalar(null, n),
      key: `eks:PodIdentityAssociation@${ev.file}#${a.id}`,
      label: `Pod Identity association ${a.id}`,
      anchor: ev.nodeSpan(n.callee as EsNode),
      clusterName: text('clusterName'),
      namespace: text('namespace'),
      serviceAccount: text('serviceAccount'),
      roleArn,
      roleRef: roleArn && !roleArn.unknown ? undefined : roleReference(ev, a.propsNode, 'roleArn', a.arnMembers),
      targetRoleArn,
      targetRoleRef: targetRoleArn && !targetRoleArn.unknown ? undefined : roleReference(ev, a.propsNode, 'targetRoleArn', a.arnMembers),
      disableSessionTags: boolProp(get(a.props, 'disableSessionTags')),
    }),
  );
}
