/**
 * AWS CDK programs (aws-cdk-lib, and CDK v1's `@aws-cdk/*` modules), on the TypeScript evaluator:
 *
 * - `new iam.Role(scope, id, { roleName, path, assumedBy })` with `FederatedPrincipal`,
 *   `OpenIdConnectPrincipal`, `WebIdentityPrincipal`, `ServicePrincipal`, `ArnPrincipal`,
 *   `CompositePrincipal` and `.withConditions(...)`; `new iam.CfnRole(scope, id, { roleName, path,
 *   assumeRolePolicyDocument })`; `iam.PolicyDocument.fromJson(...)`;
 * - `new iam.OpenIdConnectProvider(scope, id, { url, clientIds })`, `new eks.OpenIdConnectProvider`,
 *   `iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(scope, id, arn)`;
 * - `new eks.ServiceAccount(scope, id, { cluster, name, namespace })` and
 *   `cluster.addServiceAccount(id, { name, namespace })`, which create a ServiceAccount annotated
 *   with a new role whose trust admits exactly that ServiceAccount (aws-cdk-lib
 *   aws-eks/lib/service-account.ts); with `identityType: eks.IdentityType.POD_IDENTITY` the role
 *   trusts `pods.eks.amazonaws.com` instead and an EKS Pod Identity association for the
 *   ServiceAccount is created too; `cluster.addManifest(id, ...manifests)` and
 *   `new eks.KubernetesManifest(scope, id, { manifest })`;
 * - `new eks.CfnPodIdentityAssociation(scope, id, { clusterName, namespace, serviceAccount, roleArn,
 *   targetRoleArn, disableSessionTags })`, with `role.roleArn` / `cfnRole.attrArn` of a role
 *   variable of the file as a reference to that role.
 *
 * Construct attributes (`cluster.clusterOpenIdConnectIssuer`, `role.roleArn`) are unknown.
 */
import type { EsNode, TsEvaluator, TsExtension } from '../eval/ts.js';
import { joinPieces, opaquePiece, unknownScalar, type Piece, type Value } from '../eval/value.js';
import { get, isMap, isScalar, isSeq, str, type PEntry, type PMap, type PNode, type PScalar, type PSeq } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import { makeRole, policyFromNode } from './iac.js';
import { loc } from './k8s.js';
import { makeAssociation } from './pod-identity.js';
import {
  iamDocument,
  iamValue,
  oidcProviderValue,
  policyArgument,
  pushAssociation,
  pushProvider,
  pushRole,
  qualifiedName,
  respan,
  synthetic,
  type IamValue,
  type TsIacOutput,
  type TsRecogniser,
} from './ts-iam.js';

const CDK_MODULES: Record<string, string[]> = { 'aws-cdk-lib': [], '@aws-cdk/core': [] };

/** The module path of a CDK module specifier (`aws-cdk-lib/aws-iam` ⇒ `['iam']`), or undefined. */
function cdkModule(source: string): string[] | undefined {
  if (source in CDK_MODULES) return CDK_MODULES[source];
  const m = /^(?:aws-cdk-lib\/|@aws-cdk\/)aws-([a-z0-9]+)(?:-v2(?:-alpha)?)?$/.exec(source);
  return m ? [m[1]] : undefined;
}

/** Does the file import a CDK module? */
export function importsCdk(ev: TsEvaluator): boolean {
  return ev.importSources().some((s) => cdkModule(s) !== undefined);
}

/** `cdk:iam.Role` for `iam.Role`, `Role`, `cdk.aws_iam.Role`, ... when it names a CDK symbol. */
function qname(ev: TsEvaluator, n: EsNode | undefined): string | undefined {
  const symbol = ev.imported(n);
  const path = symbol && cdkModule(symbol.source);
  return symbol && path ? qualifiedName('cdk', path, symbol) : undefined;
}

const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

/** A principal (`assumedBy`): the trust statements it stands for. */
interface Principal {
  readonly kind: 'principal';
  readonly statements: readonly PNode[];
}

function principalOf(ev: TsEvaluator, v: Value | undefined): Principal | undefined {
  const d = ev.frameworkData(v) as { kind?: unknown } | undefined;
  return d?.kind === 'principal' ? (d as Principal) : undefined;
}

function principal(ev: TsEvaluator, n: EsNode, statements: readonly PNode[]): PMap {
  return ev.frameworkValue(n, { kind: 'principal', statements } satisfies Principal);
}

function statement(span: Span, principalKey: string, p: PNode, action: PNode, conditions: PNode | undefined): PMap {
  const k = (t: string) => synthetic(t, span);
  const entries: PEntry[] = [
    { key: k('Effect'), value: k('Allow') },
    { key: k('Principal'), value: { type: 'map', span: p.span, entries: [{ key: k(principalKey), value: p }] } },
    { key: k('Action'), value: action },
  ];
  if (conditions && !(isMap(conditions) && conditions.entries.length === 0 && !conditions.unknown)) entries.push({ key: k('Condition'), value: conditions });
  return { type: 'map', span, entries };
}

/** Principals, OIDC providers, `PolicyDocument.fromJson` and `IdentityType` members as values. */
export const cdkValues: TsExtension = {
  imported(symbol, n, ev) {
    const path = cdkModule(symbol.source);
    if (!path) return undefined;
    // Library members are unknown values, except enumeration members that are their own name.
    const m = /^cdk:eks\.IdentityType\.(IRSA|POD_IDENTITY)$/.exec(qualifiedName('cdk', path, symbol));
    return m ? ev.scalar(m[1], n) : undefined;
  },

  call(n, ev) {
    const callee = n.callee as EsNode;
    const q = qname(ev, callee);
    const a0 = ev.arg(n, 0);
    if (q === 'cdk:iam.PolicyDocument.fromJson' && a0) {
      const v = ev.evaluate(a0);
      return isMap(v) ? ev.frameworkValue(n, { kind: 'policy', doc: v } satisfies IamValue) : ev.unknown(n);
    }
    if (q === 'cdk:iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn') {
      const arnNode = ev.arg(n, 2);
      const arn = arnNode ? ev.evaluate(arnNode) : ev.unknown(n);
      return ev.frameworkValue(n, { kind: 'provider', arn: isScalar(arn) ? arn : ev.unknown(n), issuer: issuerFromArn(ev, arn, n) } satisfies IamValue);
    }
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property?.type !== 'Identifier') return undefined;
    const method = callee.property.name as string;
    if (method !== 'withConditions' && method !== 'withSessionTags') return undefined;
    const target = ev.evaluate(callee.object);
    const s = principalOf(ev, target);
    if (s && method === 'withConditions' && a0) return withConditions(ev, s, ev.evaluate(a0), n);
    if (s && method === 'withSessionTags') return withSessionTags(ev, s, n);
    return undefined;
  },

  construct(n, ev) {
    const q = qname(ev, n.callee);
    if (!q || !CONSTRUCTED.has(q)) return undefined;
    const span = ev.nodeSpan(n);
    const args = (n.arguments as EsNode[]).map((a) => (a.type === 'SpreadElement' ? ev.unknown(a) : ev.evaluate(a)));
    const k = (t: string) => synthetic(t, span);
    switch (q) {
      case 'cdk:iam.FederatedPrincipal':
        return principal(ev, n, [statement(span, 'Federated', args[0] ?? ev.unknown(n), args[2] ?? k('sts:AssumeRole'), args[1])]);
      case 'cdk:iam.WebIdentityPrincipal':
        return principal(ev, n, [statement(span, 'Federated', args[0] ?? ev.unknown(n), k(WEB_IDENTITY), args[1])]);
      case 'cdk:iam.OpenIdConnectPrincipal': {
        const provider = iamValue(ev, args[0]);
        const a = (n.arguments as EsNode[])[0];
        const at = a ? ev.nodeSpan(a) : span;
        const fed = provider?.kind === 'provider' ? respan(provider.arn, at) : unknownScalar('openIdConnectProviderArn', at);
        return principal(ev, n, [statement(span, 'Federated', fed, k(WEB_IDENTITY), args[1])]);
      }
      case 'cdk:iam.ServicePrincipal':
        return principal(ev, n, [statement(span, 'Service', args[0] ?? ev.unknown(n), k('sts:AssumeRole'), undefined)]);
      case 'cdk:iam.ArnPrincipal':
        return principal(ev, n, [statement(span, 'AWS', args[0] ?? ev.unknown(n), k('sts:AssumeRole'), undefined)]);
      case 'cdk:iam.SessionTagsPrincipal': {
        const inner = principalOf(ev, args[0]);
        return inner ? withSessionTags(ev, inner, n) : principal(ev, n, [unknownScalar('principal', span)]);
      }
      case 'cdk:iam.CompositePrincipal': {
        const statements: PNode[] = [];
        for (const a of args) {
          const s = principalOf(ev, a);
          if (s) statements.push(...s.statements);
          else statements.push(unknownScalar('principal', a.span));
        }
        return principal(ev, n, statements);
      }
      default: // the OIDC providers
        return oidcProviderValue(ev, n, args[2]);
    }
  },
};

const CONSTRUCTED = new Set([
  'cdk:iam.FederatedPrincipal',
  'cdk:iam.WebIdentityPrincipal',
  'cdk:iam.OpenIdConnectPrincipal',
  'cdk:iam.ServicePrincipal',
  'cdk:iam.ArnPrincipal',
  'cdk:iam.CompositePrincipal',
  'cdk:iam.SessionTagsPrincipal',
  'cdk:iam.OpenIdConnectProvider',
  'cdk:eks.OpenIdConnectProvider',
]);

function issuerFromArn(ev: TsEvaluator, arn: PNode, n: EsNode): PScalar {
  const text = str(arn);
  const i = text === undefined ? -1 : text.indexOf(':oidc-provider/');
  if (arn.unknown || text === undefined || i === -1) return ev.unknown(n);
  return { type: 'scalar', value: text.slice(i + ':oidc-provider/'.length), span: arn.span };
}

/**
 * `principal.withSessionTags()` and `new iam.SessionTagsPrincipal(principal)`: `sts:TagSession` added to
 * the actions of every statement (aws-cdk-lib aws-iam/lib/principals.ts `SessionTagsPrincipal`:
 * `statement.addActions('sts:TagSession')`).
 */
function withSessionTags(ev: TsEvaluator, s: Principal, n: EsNode): PNode {
  const statements = s.statements.map((st): PNode => {
    if (!isMap(st)) return st;
    const i = st.entries.findIndex((e) => e.key.value === 'Action');
    if (i === -1) return st;
    const action = st.entries[i].value;
    const tag = synthetic('sts:TagSession', ev.nodeSpan(n));
    let value: PNode;
    if (action.unknown) value = action;
    else if (isSeq(action)) value = { ...action, items: [...action.items, tag] };
    else value = { type: 'seq', span: action.span, items: [action, tag] };
    const entries = st.entries.slice();
    entries[i] = { key: entries[i].key, value };
    return { ...st, entries };
  });
  return principal(ev, n, statements);
}

/** `principal.withConditions({...})`: conditions merged per operator, as CDK's `PrincipalWithConditions` does. */
function withConditions(ev: TsEvaluator, s: Principal, extra: PNode, n: EsNode): PNode {
  const statements = s.statements.map((st): PNode => {
    if (!isMap(st)) return st;
    const i = st.entries.findIndex((e) => e.key.value === 'Condition');
    const prev = i === -1 ? undefined : st.entries[i].value;
    let merged: PNode;
    if (!isMap(extra) || extra.unknown || (prev && (!isMap(prev) || prev.unknown))) merged = isMap(extra) && !prev ? extra : unknownScalar('conditions', extra.span);
    else if (!prev) merged = extra;
    else {
      const ops = [...prev.entries];
      for (const op of extra.entries) {
        const j = ops.findIndex((o) => o.key.value === op.key.value);
        if (j === -1) ops.push(op);
        else if (isMap(ops[j].value) && isMap(op.value)) ops[j] = { key: ops[j].key, value: { ...(ops[j].value as PMap), entries: [...(ops[j].value as PMap).entries, ...op.value.entries] } };
        else ops[j] = { key: ops[j].key, value: unknownScalar('conditions', op.value.span) };
      }
      merged = { type: 'map', span: extra.span, entries: ops };
    }
    const entries = st.entries.slice();
    if (i === -1) entries.push({ key: synthetic('Condition', extra.span), value: merged });
    else entries[i] = { key: entries[i].key, value: merged };
    return { ...st, entries };
  });
  return principal(ev, n, statements);
}

/** The CDK reader of one file, or undefined when the file imports no CDK module. */
export function cdkRecogniser(ev: TsEvaluator, out: TsIacOutput): TsRecogniser | undefined {
  if (!importsCdk(ev)) return undefined;
  return new CdkReader(ev, out);
}

class CdkReader implements TsRecogniser {
  constructor(
    private readonly ev: TsEvaluator,
    private readonly out: TsIacOutput,
  ) {}

  expression(n: EsNode, declaredAs: string | undefined): void {
    if (n.type === 'NewExpression') this.onNew(n, declaredAs);
    else if (n.type === 'CallExpression') this.onCall(n);
  }

  private onNew(n: EsNode, declaredAs: string | undefined): void {
    const ev = this.ev;
    const q = qname(ev, n.callee);
    if (!q) return;
    switch (q) {
      case 'cdk:iam.Role': {
        const props = ev.props(ev.arg(n, 2));
        const assumedBy = get(props, 'assumedBy');
        const statements = assumedBy ? statementsOf(ev, assumedBy) : undefined;
        let trust: PNode | undefined;
        // `role.assumeRolePolicy?.addStatements(...)` adds statements after construction.
        if (statements && assumedBy) {
          const st: PSeq = { type: 'seq', items: statements, span: assumedBy.span, ...(declaredAs && ev.usesMember(declaredAs, 'assumeRolePolicy') ? { unknown: true } : {}) };
          trust = iamDocument(st, assumedBy.span);
        }
        pushRole(ev, this.out, n, { declaredAs, props, nameKey: 'roleName', pathKey: 'path', trust, trustKey: 'assumeRolePolicyDocument', source: 'cdk', id: ev.knownText(ev.arg(n, 1), 'Role') });
        return;
      }
      case 'cdk:iam.CfnRole': {
        const props = ev.props(ev.arg(n, 2));
        const trust = policyArgument(ev, get(props, 'assumeRolePolicyDocument'));
        pushRole(ev, this.out, n, { declaredAs, props, nameKey: 'roleName', pathKey: 'path', trust, trustKey: 'assumeRolePolicyDocument', source: 'cdk', id: ev.knownText(ev.arg(n, 1), 'CfnRole') });
        return;
      }
      case 'cdk:eks.CfnPodIdentityAssociation':
        pushAssociation(ev, this.out, n, {
          source: 'cdk',
          id: ev.knownText(ev.arg(n, 1), 'CfnPodIdentityAssociation'),
          propsNode: ev.arg(n, 2),
          props: ev.props(ev.arg(n, 2)),
          arnMembers: ['roleArn', 'attrArn'],
        });
        return;
      case 'cdk:iam.OpenIdConnectProvider':
        pushProvider(ev, this.out, n, { idArg: 1, propsArg: 2, clientIdsKey: 'clientIds' });
        return;
      case 'cdk:eks.OpenIdConnectProvider':
        pushProvider(ev, this.out, n, { idArg: 1, propsArg: 2, clientIdsKey: 'clientIds', fixedClientId: 'sts.amazonaws.com' });
        return;
      case 'cdk:eks.ServiceAccount':
        this.serviceAccount(n, ev.arg(n, 1), ev.props(ev.arg(n, 2)));
        return;
      case 'cdk:eks.KubernetesManifest': {
        const m = get(ev.props(ev.arg(n, 2)), 'manifest');
        if (isSeq(m)) for (const d of m.items) this.manifest(d);
        return;
      }
    }
  }

  private onCall(n: EsNode): void {
    const ev = this.ev;
    const callee = n.callee as EsNode;
    if (callee?.type !== 'MemberExpression' || callee.computed || callee.property?.type !== 'Identifier') return;
    const method = callee.property.name as string;
    if (method === 'addServiceAccount') this.serviceAccount(n, ev.arg(n, 0), ev.props(ev.arg(n, 1)));
    else if (method === 'addManifest') for (const a of (n.arguments as EsNode[]).slice(1)) if (a.type !== 'SpreadElement') this.manifest(ev.evaluate(a));
  }

  private manifest(d: PNode): void {
    if (isMap(d) && isScalar(get(d, 'kind')) && !get(d, 'kind')!.unknown) this.out.k8sDocs.push(d);
  }

  /** CDK's ServiceAccount: the SA manifest and its role, trusting exactly `system:serviceaccount:<ns>:<name>`. */
  private serviceAccount(call: EsNode, idNode: EsNode | undefined, props: PMap | undefined): void {
    const ev = this.ev;
    const span = ev.nodeSpan(call);
    const id = ev.knownText(idNode, 'ServiceAccount');
    const nameNode = get(props, 'name');
    const nsNode = get(props, 'namespace') ?? synthetic('default', span);
    const k = (t: string) => synthetic(t, span);
    // Each part of the subject points at the value it comes from.
    const pieceOf = (v: PNode): Piece => (isScalar(v) && !v.unknown && v.value !== null ? opaquePiece(String(v.value), v.span) : opaquePiece(isScalar(v) ? String(v.value) : '${value}', v.span, true));
    const subject = joinPieces(
      [opaquePiece('system:serviceaccount:', span), pieceOf(nsNode), opaquePiece(':', span), nameNode ? pieceOf(nameNode) : opaquePiece('${Names.uniqueId}', span, true)],
      nameNode?.span ?? span,
    );
    const identity = get(props, 'identityType');
    const identityName = identity ? identityType(identity) : 'IRSA';
    let statements: PNode[];
    if (identityName === 'IRSA') {
      const issuer = unknownScalar('cluster.openIdConnectProvider.openIdConnectProviderIssuer', span);
      const condKey = (claim: string): PScalar => ({ type: 'scalar', value: `${issuer.value}:${claim}`, span, unknown: true });
      const conditions: PMap = {
        type: 'map',
        span,
        entries: [
          {
            key: k('StringEquals'),
            value: { type: 'map', span, entries: [{ key: condKey('aud'), value: k('sts.amazonaws.com') }, { key: condKey('sub'), value: subject }] },
          },
        ],
      };
      statements = [statement(span, 'Federated', unknownScalar('cluster.openIdConnectProvider.openIdConnectProviderArn', span), k(WEB_IDENTITY), conditions)];
    } else if (identityName === 'POD_IDENTITY') {
      const action: PSeq = { type: 'seq', span, items: [k('sts:AssumeRole'), k('sts:TagSession')] };
      statements = [statement(span, 'Service', k('pods.eks.amazonaws.com'), action, undefined)];
    } else statements = [unknownScalar('identityType', identity!.span)];
    // The role is referred to by its construct path, which no variable of the file can be named.
    const roleId = `${id}/Role`;
    this.out.resources.push(
      makeRole({
        file: ev.file,
        span,
        node: props ?? k(''),
        id: roleId,
        trust: policyFromNode(iamDocument({ type: 'seq', span, items: statements }, span), this.out.problems, 'trust policy'),
        source: 'cdk',
        refs: [roleId],
      }),
    );
    if (identityName === 'POD_IDENTITY') {
      // service-account.ts: `new CfnPodIdentityAssociation(this, 'Association', { clusterName: cluster.clusterName,
      // namespace: props.namespace ?? 'default', roleArn: role.roleArn, serviceAccount: this.serviceAccountName })`.
      this.out.resources.push(
        makeAssociation({
          source: 'cdk',
          file: ev.file,
          span,
          node: props ?? k(''),
          key: `eks:PodIdentityAssociation@${ev.file}#${id}/Association`,
          label: `Pod Identity association ${id}/Association`,
          anchor: ev.nodeSpan(call.callee as EsNode),
          clusterName: loc(unknownScalar('cluster.clusterName', span)),
          namespace: loc(nsNode),
          serviceAccount: loc(nameNode ?? unknownScalar('Names.uniqueId', span)),
          roleRef: { file: ev.file, id: roleId, span },
        }),
      );
    }
    if (!nameNode || !isScalar(nameNode) || nameNode.unknown) return; // a generated name: no ServiceAccount to cross-check
    const annotations: PEntry[] = [{ key: k('eks.amazonaws.com/role-arn'), value: unknownScalar(`${id}.role.roleArn`, span) }];
    const extra = get(props, 'annotations');
    if (isMap(extra)) annotations.push(...extra.entries);
    const labels: PEntry[] = [{ key: k('app.kubernetes.io/name'), value: nameNode }];
    const extraLabels = get(props, 'labels');
    if (isMap(extraLabels)) labels.push(...extraLabels.entries);
    this.out.k8sDocs.push({
      type: 'map',
      span,
      entries: [
        { key: k('apiVersion'), value: k('v1') },
        { key: k('kind'), value: k('ServiceAccount') },
        {
          key: k('metadata'),
          value: {
            type: 'map',
            span,
            entries: [
              { key: k('name'), value: nameNode },
              { key: k('namespace'), value: nsNode },
              { key: k('labels'), value: { type: 'map', span, entries: labels } },
              { key: k('annotations'), value: { type: 'map', span, entries: annotations } },
            ],
          },
        },
      ],
    });
  }
}

/** Trust statements for an `assumedBy` principal; an unknown principal gives one unknown statement. */
function statementsOf(ev: TsEvaluator, p: PNode): PNode[] {
  const s = principalOf(ev, p);
  if (s) return [...s.statements];
  return [unknownScalar('assumedBy', p.span)];
}

function identityType(n: PNode): string | undefined {
  const s = str(n);
  if (s === 'IRSA' || s === 'POD_IDENTITY') return s;
  return undefined;
}
