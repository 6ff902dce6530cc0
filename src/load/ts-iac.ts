/**
 * AWS CDK and Pulumi programs in TypeScript, read statically with `@typescript-eslint/typescript-estree`
 * (never executed). The parser is required on first use only, so a repository without such files
 * never loads it (about 200 ms of start-up).
 *
 * Recognised (through the file's imports of `aws-cdk-lib`, `@aws-cdk/*`, `@pulumi/aws`):
 * - CDK `new iam.Role(scope, id, { roleName, path, assumedBy })` with `FederatedPrincipal`,
 *   `OpenIdConnectPrincipal`, `WebIdentityPrincipal`, `ServicePrincipal`, `ArnPrincipal`,
 *   `CompositePrincipal` and `.withConditions(...)`; `new iam.CfnRole(scope, id, { roleName, path,
 *   assumeRolePolicyDocument })`; `iam.PolicyDocument.fromJson(...)`;
 *   `new iam.OpenIdConnectProvider(scope, id, { url, clientIds })`, `new eks.OpenIdConnectProvider`,
 *   `iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(scope, id, arn)`;
 *   `new eks.ServiceAccount(scope, id, { cluster, name, namespace })` and
 *   `cluster.addServiceAccount(id, { name, namespace })`, which create a ServiceAccount annotated
 *   with a new role whose trust admits exactly that ServiceAccount (aws-cdk-lib
 *   aws-eks/lib/service-account.ts); `cluster.addManifest(id, ...manifests)` and
 *   `new eks.KubernetesManifest(scope, id, { manifest })`.
 * - Pulumi `new aws.iam.Role(name, { name, path, assumeRolePolicy })` (an object,
 *   `JSON.stringify(...)`, a JSON string or template literal, `aws.iam.getPolicyDocument(...)`),
 *   `new aws.iam.OpenIdConnectProvider(name, { url, clientIdLists })`.
 *
 * Values are evaluated from string, number and template literals, object literals (computed keys
 * and spreads included), array literals, `const` bindings of the same file and `JSON.stringify`.
 * Anything else (imports, calls, other files, construct attributes such as
 * `cluster.clusterOpenIdConnectIssuer`) is unknown: a `${...}` placeholder with `unknown: true`.
 */
import { createRequire } from 'node:module';
import { issuerHost } from '../iam/arn.js';
import { get, isMap, isScalar, isSeq, str, type PEntry, type PMap, type PNode, type PScalar, type PSeq } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import { joinPieces, opaquePiece, unknownScalar, type Piece } from '../eval/value.js';
import { makeProvider, makeRole, policyFromNode } from './iac.js';
import type { IamResource } from './iam.js';
import type { ParseProblem } from './yaml.js';

type Estree = typeof import('@typescript-eslint/typescript-estree');
let estree: Estree | undefined;

/** The parser, required on first use (it loads the TypeScript compiler). */
function parser(): Estree {
  return (estree ??= createRequire(import.meta.url)('@typescript-eslint/typescript-estree') as Estree);
}

/** Does a TypeScript file's text import a library this reader understands? (No parsing.) */
export function looksLikeTsIac(text: string): boolean {
  return IAC_IMPORT.test(text);
}
const IAC_IMPORT = /['"](?:aws-cdk-lib(?:\/[\w-]+)?|@aws-cdk\/[\w-]+|@pulumi\/aws(?:\/[\w-]+)?)['"]/;

export interface TsIacResult {
  readonly resources: IamResource[];
  /** Kubernetes documents the program creates (ServiceAccounts of `addServiceAccount`, manifests). */
  readonly k8sDocs: PNode[];
  readonly problems: ParseProblem[];
}

/** A loose view of ESTree nodes: only the fields read here. */
type N = { readonly type: string; readonly range: [number, number] } & Record<string, any>;

type Lib = 'cdk' | 'pulumi' | 'pulumi-core';

/** `iam.Role`, `eks.ServiceAccount`, ... with their library, whatever the import style. */
interface Import {
  readonly lib: Lib;
  readonly path: readonly string[];
}

const CDK_MODULES: Record<string, string[]> = { 'aws-cdk-lib': [], '@aws-cdk/core': [] };
function moduleOf(source: string): Import | undefined {
  if (source in CDK_MODULES) return { lib: 'cdk', path: CDK_MODULES[source] };
  let m = /^(?:aws-cdk-lib\/|@aws-cdk\/)aws-([a-z0-9]+)(?:-v2(?:-alpha)?)?$/.exec(source);
  if (m) return { lib: 'cdk', path: [m[1]] };
  if (source === '@pulumi/aws') return { lib: 'pulumi', path: [] };
  m = /^@pulumi\/aws\/([a-z0-9]+)$/.exec(source);
  if (m) return { lib: 'pulumi', path: [m[1]] };
  if (source === '@pulumi/pulumi') return { lib: 'pulumi-core', path: [] };
  return undefined;
}

/** `aws_iam` (aws-cdk-lib's namespace export) is `iam`. */
function norm(seg: string): string {
  return seg.replace(/^aws_/, '');
}

/** What a non-literal expression evaluated to, kept beside its placeholder node. */
type Special =
  | { readonly kind: 'principal'; readonly statements: readonly PNode[] }
  | { readonly kind: 'provider'; readonly arn: PScalar; readonly issuer: PScalar }
  | { readonly kind: 'policy'; readonly doc: PNode };

const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

class Reader {
  readonly resources: IamResource[] = [];
  readonly k8sDocs: PNode[] = [];
  readonly problems: ParseProblem[] = [];
  private readonly lineStarts: number[] = [0];
  private readonly imports = new Map<string, Import>();
  private readonly consts = new Map<string, N>();
  private readonly ambiguous = new Set<string>();
  /** Identifiers `x` used as `x.assumeRolePolicy` (statements added after construction). */
  private readonly amended = new Set<string>();
  private readonly specials = new Map<PNode, Special>();
  private readonly cache = new Map<N, PNode>();
  private readonly evaluating = new Set<N>();

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  // ---- positions ---------------------------------------------------------------------------

  private pos(off: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: off - this.lineStarts[lo] + 1 };
  }

  span(a: number, b: number): Span {
    const s = this.pos(a);
    const e = this.pos(Math.max(a, b));
    return { file: this.file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }

  private spanOf(n: N): Span {
    return this.span(n.range[0], n.range[1]);
  }

  /**
   * Source offset of every decoded character of the string or template text between `from` and
   * `to` (escapes decoded as JavaScript does), followed by `to`.
   */
  private offsets(from: number, to: number): number[] {
    const s = this.text;
    const out: number[] = [];
    for (let i = from; i < to; ) {
      if (s[i] !== '\\') {
        out.push(i);
        i += 1;
        continue;
      }
      const c = s[i + 1];
      let len = 2;
      let units = 1;
      if (c === 'x') len = 4;
      else if (c === 'u' && s[i + 2] === '{') {
        const close = s.indexOf('}', i);
        len = close === -1 ? 2 : close - i + 1;
        const cp = parseInt(s.slice(i + 3, i + len - 1), 16);
        units = cp > 0xffff ? 2 : 1;
      } else if (c === 'u') len = 6;
      else if (c === '\r' && s[i + 2] === '\n') {
        len = 3;
        units = 0;
      } else if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') units = 0;
      for (let k = 0; k < units; k++) out.push(i);
      i += len;
    }
    out.push(to);
    return out;
  }

  /** A piece for decoded text whose characters are the source between `from` and `to`. */
  private textPiece(value: string, from: number, to: number): Piece {
    const raw = this.text.slice(from, to);
    if (raw === value) return { text: value, spanOf: (a, b) => this.span(from + a, from + Math.max(a, b)) };
    const offs = this.offsets(from, to);
    if (offs.length !== value.length + 1) return opaquePiece(value, this.span(from, to));
    return { text: value, spanOf: (a, b) => this.span(offs[Math.min(a, value.length)], offs[Math.min(Math.max(a, b), value.length)]) };
  }

  private scalar(value: string | number | boolean | null, n: N): PScalar {
    return { type: 'scalar', value, span: this.spanOf(n) };
  }

  private synthetic(value: string, span: Span): PScalar {
    return { type: 'scalar', value, span };
  }

  private unknown(n: N): PScalar {
    let src = this.text.slice(n.range[0], n.range[1]).replace(/\s+/g, ' ');
    if (src.length > 60) src = `${src.slice(0, 57)}...`;
    return unknownScalar(src.replace(/[{}]/g, ''), this.spanOf(n));
  }

  private special(n: N, s: Special): PMap {
    const node: PMap = { type: 'map', entries: [], span: this.spanOf(n), unknown: true };
    this.specials.set(node, s);
    return node;
  }

  // ---- program structure -------------------------------------------------------------------

  read(): void {
    let ast: N;
    try {
      ast = parser().parse(this.text, { loc: true, range: true, comment: false, jsx: false }) as unknown as N;
    } catch (e) {
      const err = e as { message?: string; location?: { start?: { offset?: number }; end?: { offset?: number } } };
      const a = err.location?.start?.offset ?? 0;
      const b = Math.max(err.location?.end?.offset ?? a, a + 1);
      const message = String(err.message ?? e).split('\n')[0];
      this.problems.push({ message: message.charAt(0).toLowerCase() + message.slice(1).replace(/\.$/, ''), code: 'TS_SYNTAX', span: this.span(a, Math.min(b, this.text.length)) });
      return;
    }
    this.scan(ast);
    if (this.imports.size === 0) return;
    this.walk(ast, undefined);
  }

  /** Imports, `const` bindings and amended roles. */
  private scan(root: N): void {
    const names = new Map<string, number>();
    const mutated = new Set<string | undefined>();
    visit(root, (n) => {
      if (n.type === 'ImportDeclaration' && typeof n.source?.value === 'string' && n.importKind !== 'type') {
        const mod = moduleOf(n.source.value);
        if (!mod) return;
        for (const s of n.specifiers as N[]) {
          const local = s.local?.name as string;
          if (s.type === 'ImportSpecifier') {
            const imported = s.imported?.type === 'Identifier' ? (s.imported.name as string) : String(s.imported?.value);
            this.imports.set(local, { lib: mod.lib, path: [...mod.path, imported] });
          } else this.imports.set(local, mod);
        }
      } else if (n.type === 'VariableDeclarator') {
        for (const name of bindingNames(n.id)) names.set(name, (names.get(name) ?? 0) + 1);
      } else if (n.type === 'VariableDeclaration' && n.kind === 'const') {
        for (const d of n.declarations as N[]) if (d.id?.type === 'Identifier' && d.init) this.consts.set(d.id.name, d.init);
      } else if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') && n.id?.type === 'Identifier') {
        names.set(n.id.name, (names.get(n.id.name) ?? 0) + 1);
      } else if (n.type === 'Identifier' && n.__param) {
        // (parameters are marked by `visit`)
        names.set(n.name, (names.get(n.name) ?? 0) + 1);
      } else if (n.type === 'MemberExpression' && !n.computed && n.property?.name === 'assumeRolePolicy' && n.object?.type === 'Identifier') {
        this.amended.add(n.object.name);
      } else if ((n.type === 'AssignmentExpression' && n.left?.type === 'MemberExpression') || (n.type === 'UpdateExpression' && n.argument?.type === 'MemberExpression')) {
        mutated.add(rootName(n.left ?? n.argument));
      } else if (n.type === 'UnaryExpression' && n.operator === 'delete') {
        mutated.add(rootName(n.argument));
      } else if (n.type === 'CallExpression' && n.callee?.type === 'MemberExpression') {
        // `x.push(...)`, `x.y.set(...)`, `Object.assign(x, ...)`: the object a const names is changed later.
        const method = n.callee.property?.name;
        if (MUTATORS.has(method)) mutated.add(rootName(n.callee.object));
        if (n.callee.object?.type === 'Identifier' && n.callee.object.name === 'Object' && method === 'assign' && n.arguments[0]) mutated.add(rootName(n.arguments[0]));
      }
    });
    for (const [name, count] of names) if (count > 1) this.ambiguous.add(name);
    // A const whose object or array is modified after its declaration is not what its literal says.
    for (const name of mutated) if (name) this.ambiguous.add(name);
  }

  /** `lib:iam.Role` for `iam.Role`, `aws.iam.Role`, `Role`, `cdk.aws_iam.Role`, ... */
  private qname(n: N | undefined): string | undefined {
    const rest: string[] = [];
    let cur = n;
    while (cur && cur.type === 'MemberExpression' && !cur.computed && cur.property?.type === 'Identifier') {
      rest.unshift(cur.property.name);
      cur = cur.object;
    }
    if (!cur || cur.type !== 'Identifier') return undefined;
    const imp = this.imports.get(cur.name);
    if (!imp || this.consts.has(cur.name)) return undefined;
    return `${imp.lib}:${[...imp.path, ...rest].map(norm).join('.')}`;
  }

  private walk(n: N, declaredAs: string | undefined): void {
    if (n.type === 'NewExpression') this.onNew(n, declaredAs);
    else if (n.type === 'CallExpression') this.onCall(n);
    for (const key of Object.keys(n)) {
      if (key === 'range' || key === 'loc' || key === 'parent') continue;
      const v = n[key];
      const name = n.type === 'VariableDeclarator' && key === 'init' && n.id?.type === 'Identifier' ? (n.id.name as string) : undefined;
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c.type === 'string') this.walk(c, undefined);
      } else if (v && typeof v === 'object' && typeof v.type === 'string') this.walk(v, name);
    }
  }

  private arg(n: N, i: number): N | undefined {
    const a = (n.arguments as N[])[i];
    return a && a.type !== 'SpreadElement' ? a : undefined;
  }

  private idOf(n: N | undefined, fallback: string): string {
    const v = n ? this.evaluate(n) : undefined;
    return isScalar(v) && !v.unknown && v.value !== null ? String(v.value) : fallback;
  }

  private onNew(n: N, declaredAs: string | undefined): void {
    const q = this.qname(n.callee);
    if (!q) return;
    const span = this.spanOf(n);
    switch (q) {
      case 'cdk:iam.Role': {
        const props = this.props(this.arg(n, 2));
        const assumedBy = get(props, 'assumedBy');
        const statements = assumedBy ? this.statementsOf(assumedBy) : undefined;
        let trust: PNode | undefined;
        if (statements && assumedBy) {
          const st: PSeq = { type: 'seq', items: statements, span: assumedBy.span, ...(declaredAs && this.amended.has(declaredAs) ? { unknown: true } : {}) };
          trust = this.doc(st, assumedBy.span);
        }
        this.role(props, n, span, 'roleName', 'path', trust, 'cdk', this.idOf(this.arg(n, 1), 'Role'));
        return;
      }
      case 'cdk:iam.CfnRole': {
        const props = this.props(this.arg(n, 2));
        this.role(props, n, span, 'roleName', 'path', this.policyValue(get(props, 'assumeRolePolicyDocument')), 'cdk', this.idOf(this.arg(n, 1), 'CfnRole'));
        return;
      }
      case 'pulumi:iam.Role': {
        const props = this.props(this.arg(n, 1));
        this.role(props, n, span, 'name', 'path', this.policyValue(get(props, 'assumeRolePolicy')), 'pulumi', this.idOf(this.arg(n, 0), 'Role'));
        return;
      }
      case 'cdk:iam.OpenIdConnectProvider':
      case 'cdk:eks.OpenIdConnectProvider':
      case 'pulumi:iam.OpenIdConnectProvider': {
        const pulumi = q.startsWith('pulumi');
        const props = this.props(this.arg(n, pulumi ? 1 : 2));
        const special = this.specials.get(this.evaluate(n));
        const idsEntry = props && isMap(props) ? props.entries.find((e) => e.key.value === (pulumi ? 'clientIdLists' : 'clientIds')) : undefined;
        let ids: readonly PNode[] = [];
        if (q === 'cdk:eks.OpenIdConnectProvider') ids = [this.synthetic('sts.amazonaws.com', span)];
        else if (idsEntry) ids = isSeq(idsEntry.value) && !idsEntry.value.unknown ? idsEntry.value.items : [idsEntry.value];
        else if (props?.unknown) ids = [unknownScalar('clientIds', span)];
        this.resources.push(
          makeProvider({
            file: this.file,
            span,
            node: props ?? this.scalar(null, n),
            id: this.idOf(this.arg(n, pulumi ? 0 : 1), 'OpenIdConnectProvider'),
            url: get(props, 'url'),
            arn: special?.kind === 'provider' ? special.arn : undefined,
            clientIds: ids,
            clientIdsSpan: idsEntry?.value.span,
          }),
        );
        return;
      }
      case 'cdk:eks.ServiceAccount':
        this.serviceAccount(n, this.arg(n, 1), this.props(this.arg(n, 2)));
        return;
      case 'cdk:eks.KubernetesManifest': {
        const props = this.props(this.arg(n, 2));
        const m = get(props, 'manifest');
        if (isSeq(m)) for (const d of m.items) this.manifest(d);
        return;
      }
    }
  }

  private onCall(n: N): void {
    const callee = n.callee as N;
    if (callee?.type !== 'MemberExpression' || callee.computed || callee.property?.type !== 'Identifier') return;
    if (![...this.imports.values()].some((i) => i.lib === 'cdk')) return;
    const method = callee.property.name as string;
    if (method === 'addServiceAccount') this.serviceAccount(n, this.arg(n, 0), this.props(this.arg(n, 1)));
    else if (method === 'addManifest') for (const a of (n.arguments as N[]).slice(1)) if (a.type !== 'SpreadElement') this.manifest(this.evaluate(a));
  }

  private props(n: N | undefined): PMap | undefined {
    if (!n) return undefined;
    const v = this.evaluate(n);
    return isMap(v) && !this.specials.has(v) ? v : undefined;
  }

  private manifest(d: PNode): void {
    if (isMap(d) && isScalar(get(d, 'kind')) && !get(d, 'kind')!.unknown) this.k8sDocs.push(d);
  }

  private role(props: PMap | undefined, n: N, span: Span, nameKey: string, pathKey: string, trust: PNode | undefined, source: 'cdk' | 'pulumi', id: string): void {
    this.resources.push(
      makeRole({
        file: this.file,
        span,
        node: props ?? this.scalar(null, n),
        id,
        name: get(props, nameKey),
        path: get(props, pathKey),
        trust: trust ? policyFromNode(trust, this.problems, source === 'pulumi' ? 'assumeRolePolicy' : 'assumeRolePolicyDocument') : undefined,
        source,
      }),
    );
  }

  /** A policy given as an object, a JSON string, `JSON.stringify(...)`, `PolicyDocument.fromJson(...)` or `getPolicyDocument(...)`. */
  private policyValue(v: PNode | undefined): PNode | undefined {
    if (!v) return undefined;
    const s = this.specials.get(v);
    if (s?.kind === 'policy') return s.doc;
    if (s) return unknownScalar('policy', v.span);
    return v;
  }

  private doc(statements: PNode, span: Span): PMap {
    return {
      type: 'map',
      span,
      entries: [
        { key: this.synthetic('Version', span), value: this.synthetic('2012-10-17', span) },
        { key: this.synthetic('Statement', span), value: statements },
      ],
    };
  }

  /** Trust statements for an `assumedBy` principal; an unknown principal gives one unknown statement. */
  private statementsOf(p: PNode): PNode[] {
    const s = this.specials.get(p);
    if (s?.kind === 'principal') return [...s.statements];
    return [unknownScalar('assumedBy', p.span)];
  }

  private statement(span: Span, principalKey: string, principal: PNode, action: PNode, conditions: PNode | undefined): PMap {
    const k = (t: string) => this.synthetic(t, span);
    const entries: PEntry[] = [
      { key: k('Effect'), value: k('Allow') },
      { key: k('Principal'), value: { type: 'map', span: principal.span, entries: [{ key: k(principalKey), value: principal }] } },
      { key: k('Action'), value: action },
    ];
    if (conditions && !(isMap(conditions) && conditions.entries.length === 0 && !conditions.unknown)) entries.push({ key: k('Condition'), value: conditions });
    return { type: 'map', span, entries };
  }

  /** CDK's ServiceAccount: the SA manifest and its role, trusting exactly `system:serviceaccount:<ns>:<name>`. */
  private serviceAccount(call: N, idNode: N | undefined, props: PMap | undefined): void {
    const span = this.spanOf(call);
    const id = this.idOf(idNode, 'ServiceAccount');
    const nameNode = get(props, 'name');
    const nsNode = get(props, 'namespace') ?? this.synthetic('default', span);
    const k = (t: string) => this.synthetic(t, span);
    const pieceOf = (v: PNode): Piece => (isScalar(v) && !v.unknown && v.value !== null ? { text: String(v.value), spanOf: () => v.span } : opaquePiece(isScalar(v) ? String(v.value) : '${value}', v.span, true));
    const subject = joinPieces(
      [opaquePiece('system:serviceaccount:', span), pieceOf(nsNode), opaquePiece(':', span), nameNode ? pieceOf(nameNode) : opaquePiece('${Names.uniqueId}', span, true)],
      nameNode?.span ?? span,
    );
    const identity = get(props, 'identityType');
    const identityName = identity ? this.identityType(identity) : 'IRSA';
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
      statements = [this.statement(span, 'Federated', unknownScalar('cluster.openIdConnectProvider.openIdConnectProviderArn', span), k(WEB_IDENTITY), conditions)];
    } else if (identityName === 'POD_IDENTITY') {
      const action: PSeq = { type: 'seq', span, items: [k('sts:AssumeRole'), k('sts:TagSession')] };
      statements = [this.statement(span, 'Service', k('pods.eks.amazonaws.com'), action, undefined)];
    } else statements = [unknownScalar('identityType', identity!.span)];
    this.resources.push(
      makeRole({
        file: this.file,
        span,
        node: props ?? k(''),
        id: `${id}/Role`,
        trust: policyFromNode(this.doc({ type: 'seq', span, items: statements }, span), this.problems, 'trust policy'),
        source: 'cdk',
      }),
    );
    if (!nameNode || !isScalar(nameNode) || nameNode.unknown) return; // a generated name: no ServiceAccount to cross-check
    const annotations: PEntry[] = [{ key: k('eks.amazonaws.com/role-arn'), value: unknownScalar(`${id}.role.roleArn`, span) }];
    const extra = get(props, 'annotations');
    if (isMap(extra)) annotations.push(...extra.entries);
    const labels: PEntry[] = [{ key: k('app.kubernetes.io/name'), value: nameNode }];
    const extraLabels = get(props, 'labels');
    if (isMap(extraLabels)) labels.push(...extraLabels.entries);
    this.k8sDocs.push({
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

  private identityType(n: PNode): string | undefined {
    const s = str(n);
    if (s === 'IRSA' || s === 'POD_IDENTITY') return s;
    return undefined;
  }

  // ---- evaluation --------------------------------------------------------------------------

  evaluate(n: N): PNode {
    const hit = this.cache.get(n);
    if (hit) return hit;
    if (this.evaluating.has(n) || this.evaluating.size > 200) return this.unknown(n);
    this.evaluating.add(n);
    let v: PNode;
    try {
      v = this.eval(n);
    } finally {
      this.evaluating.delete(n);
    }
    this.cache.set(n, v);
    return v;
  }

  private eval(n: N): PNode {
    switch (n.type) {
      case 'Literal': {
        const v = n.value;
        if (typeof v === 'string') return joinPieces([this.textPiece(v, n.range[0] + 1, n.range[1] - 1)], this.spanOf(n));
        if (typeof v === 'number' || typeof v === 'boolean' || v === null) return this.scalar(v, n);
        return this.unknown(n);
      }
      case 'TemplateLiteral':
        return this.template(n);
      case 'TaggedTemplateExpression':
        return this.qname(n.tag) === 'pulumi-core:interpolate' ? this.template(n.quasi) : this.unknown(n);
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'AwaitExpression':
        return this.evaluate(n.expression ?? n.argument);
      case 'ChainExpression':
        return this.evaluate(n.expression);
      case 'Identifier': {
        const init = this.consts.get(n.name);
        if (!init || this.ambiguous.has(n.name)) return this.unknown(n);
        return this.evaluate(init);
      }
      case 'ObjectExpression':
        return this.object(n);
      case 'ArrayExpression': {
        const items: PNode[] = [];
        let unknown = false;
        for (const e of n.elements as (N | null)[]) {
          if (!e) continue;
          if (e.type === 'SpreadElement') {
            const v = this.evaluate(e.argument);
            if (isSeq(v) && !v.unknown) items.push(...v.items);
            else unknown = true;
          } else items.push(this.evaluate(e));
        }
        return { type: 'seq', items, span: this.spanOf(n), ...(unknown ? { unknown } : {}) };
      }
      case 'MemberExpression':
        return this.member(n);
      case 'CallExpression':
        return this.call(n);
      case 'NewExpression':
        return this.construct(n);
      default:
        return this.unknown(n);
    }
  }

  private template(n: N): PNode {
    const pieces: Piece[] = [];
    const quasis = n.quasis as N[];
    const exprs = n.expressions as N[];
    quasis.forEach((q, i) => {
      const cooked = q.value.cooked as string | null;
      const from = q.range[0] + 1;
      const to = q.range[1] - (q.tail ? 1 : 2);
      if (cooked === null) pieces.push(opaquePiece('${invalid escape}', this.spanOf(q), true));
      else if (cooked.length > 0) pieces.push(this.textPiece(cooked, from, to));
      const e = exprs[i];
      if (!e) return;
      const v = this.evaluate(e);
      const whole = this.span(quasis[i].range[1] - 2, quasis[i + 1].range[0] + 1);
      if (isScalar(v) && v.value !== null && !v.unknown) pieces.push(opaquePiece(String(v.value), whole));
      else pieces.push(opaquePiece(isScalar(v) && typeof v.value === 'string' && v.value.includes('${') ? v.value : `\${${this.text.slice(e.range[0], e.range[1]).replace(/[{}]/g, '')}}`, whole, true));
    });
    return joinPieces(pieces, this.spanOf(n));
  }

  private object(n: N): PMap {
    const entries: PEntry[] = [];
    let unknown = false;
    const put = (e: PEntry) => {
      const i = entries.findIndex((x) => !x.key.unknown && !e.key.unknown && x.key.value === e.key.value);
      if (i === -1) entries.push(e);
      else entries[i] = e; // a later property wins, as in JavaScript
    };
    for (const p of n.properties as N[]) {
      if (p.type === 'SpreadElement') {
        const v = this.evaluate(p.argument);
        if (isMap(v) && !v.unknown) v.entries.forEach(put);
        else unknown = true;
        continue;
      }
      if (p.type !== 'Property' || p.kind !== 'init') {
        unknown = true;
        continue;
      }
      let key: PScalar;
      const k = p.key as N;
      if (!p.computed && k.type === 'Identifier') key = this.scalar(k.name, k);
      else if (!p.computed && k.type === 'Literal') key = { ...(this.evaluate(k) as PScalar), value: String(k.value) };
      else {
        const v = this.evaluate(k);
        key = isScalar(v) && v.value !== null ? { ...v, value: String(v.value) } : this.unknown(k);
      }
      put({ key, value: p.method ? this.unknown(p.value) : this.evaluate(p.value) });
    }
    return { type: 'map', entries, span: this.spanOf(n), ...(unknown ? { unknown } : {}) };
  }

  private member(n: N): PNode {
    const q = this.qname(n);
    if (q !== undefined) {
      // Library members are unknown values, except enumeration members that are their own name.
      const m = /^cdk:eks\.IdentityType\.(IRSA|POD_IDENTITY)$/.exec(q);
      return m ? this.scalar(m[1], n) : this.unknown(n);
    }
    const obj = this.evaluate(n.object);
    let name: string | undefined;
    if (!n.computed && n.property?.type === 'Identifier') name = n.property.name;
    else if (n.computed) {
      const k = this.evaluate(n.property);
      if (isScalar(k) && !k.unknown && k.value !== null) name = String(k.value);
    }
    if (name === undefined) return this.unknown(n);
    const s = this.specials.get(obj);
    if (s?.kind === 'provider') {
      if (name === 'openIdConnectProviderArn' || name === 'arn') return respan(s.arn, this.spanOf(n));
      if (name === 'openIdConnectProviderIssuer') return s.issuer.unknown ? this.unknown(n) : respan(s.issuer, this.spanOf(n));
      return this.unknown(n);
    }
    if (s?.kind === 'policy' && name === 'json') return this.policyNode(s.doc, n);
    if (s) return this.unknown(n);
    if (isMap(obj) && !obj.unknown) {
      const e = obj.entries.find((x) => !x.key.unknown && x.key.value === name);
      return e ? e.value : this.unknown(n);
    }
    if (isSeq(obj) && !obj.unknown && /^\d+$/.test(name)) return obj.items[Number(name)] ?? this.unknown(n);
    return this.unknown(n);
  }

  private policyNode(doc: PNode, n: N): PNode {
    return this.special(n, { kind: 'policy', doc });
  }

  private call(n: N): PNode {
    const callee = n.callee as N;
    const q = this.qname(callee);
    const a0 = this.arg(n, 0);
    // JSON.stringify(object) and pulumi.jsonStringify(object): the object is the document.
    const isJsonStringify = callee.type === 'MemberExpression' && callee.object?.type === 'Identifier' && callee.object.name === 'JSON' && callee.property?.name === 'stringify' && !this.consts.has('JSON');
    if ((isJsonStringify || q === 'pulumi-core:jsonStringify') && a0) {
      const v = this.evaluate(a0);
      return (isMap(v) || isSeq(v)) && !this.specials.has(v) ? v : this.unknown(n);
    }
    if (q === 'pulumi-core:output' && a0) return this.evaluate(a0);
    if (q === 'cdk:iam.PolicyDocument.fromJson' && a0) {
      const v = this.evaluate(a0);
      return isMap(v) ? this.special(n, { kind: 'policy', doc: v }) : this.unknown(n);
    }
    if ((q === 'pulumi:iam.getPolicyDocument' || q === 'pulumi:iam.getPolicyDocumentOutput') && a0) {
      return this.special(n, { kind: 'policy', doc: this.policyDocumentArgs(this.evaluate(a0), n) });
    }
    if (q === 'cdk:iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn') {
      const arnNode = this.arg(n, 2);
      const arn = arnNode ? this.evaluate(arnNode) : this.unknown(n);
      return this.special(n, { kind: 'provider', arn: this.asScalar(arn, n), issuer: this.issuerFromArn(arn, n) });
    }
    if (callee.type === 'MemberExpression' && !callee.computed && callee.property?.type === 'Identifier') {
      const method = callee.property.name as string;
      const target = this.evaluate(callee.object);
      const s = this.specials.get(target);
      if (s?.kind === 'principal' && method === 'withConditions' && a0) return this.withConditions(s, this.evaluate(a0), n);
      if (s?.kind === 'principal' && method === 'withSessionTags') return target;
      if (s?.kind === 'policy' && method === 'then' && a0 && (a0.type === 'ArrowFunctionExpression' || a0.type === 'FunctionExpression')) {
        // doc.then(d => d.json)
        const param = (a0.params as N[])[0];
        const body = a0.body as N;
        if (param?.type === 'Identifier' && body.type === 'MemberExpression' && !body.computed && body.object?.type === 'Identifier' && body.object.name === param.name && body.property?.name === 'json') {
          return this.policyNode(s.doc, n);
        }
      }
    }
    return this.unknown(n);
  }

  private asScalar(v: PNode, n: N): PScalar {
    return isScalar(v) ? v : this.unknown(n);
  }

  private issuerFromArn(arn: PNode, n: N): PScalar {
    const text = str(arn);
    const i = text === undefined ? -1 : text.indexOf(':oidc-provider/');
    if (arn.unknown || text === undefined || i === -1) return this.unknown(n);
    return { type: 'scalar', value: text.slice(i + ':oidc-provider/'.length), span: arn.span };
  }

  /** Pulumi `getPolicyDocument` arguments (`statements[].{effect, actions, principals, conditions}`) as an IAM JSON document. */
  private policyDocumentArgs(args: PNode, n: N): PNode {
    const span = this.spanOf(n);
    const stmts = get(args, 'statements');
    if (!isMap(args) || args.unknown || !isSeq(stmts) || stmts.unknown) return this.doc(unknownScalar('statements', stmts?.span ?? span), span);
    const items = stmts.items.map((s): PNode => {
      if (!isMap(s) || s.unknown) return unknownScalar('statement', s.span);
      const entries: PEntry[] = [];
      const keyed = (name: string, from: PEntry) => ({ ...from.key, value: name });
      const field = (k: string) => s.entries.find((e) => e.key.value === k);
      const sid = field('sid');
      if (sid) entries.push({ key: keyed('Sid', sid), value: sid.value });
      const effect = field('effect');
      entries.push(effect ? { key: keyed('Effect', effect), value: effect.value } : { key: this.synthetic('Effect', s.span), value: this.synthetic('Allow', s.span) });
      for (const [from, to] of [['principals', 'Principal'], ['notPrincipals', 'NotPrincipal']] as const) {
        const p = field(from);
        if (!p) continue;
        if (!isSeq(p.value) || p.value.unknown) {
          entries.push({ key: keyed(to, p), value: p.value.unknown ? p.value : unknownScalar(from, p.value.span) });
          continue;
        }
        const byType: PEntry[] = [];
        for (const x of p.value.items) {
          const type = get(x, 'type');
          const ids = get(x, 'identifiers');
          if (!isScalar(type) || type.unknown || !ids) {
            byType.push({ key: unknownScalar('type', x.span), value: unknownScalar('identifiers', x.span) });
            continue;
          }
          const existing = byType.findIndex((e) => e.key.value === type.value);
          const list = isSeq(ids) ? ids.items : [ids];
          if (existing === -1) byType.push({ key: type, value: { type: 'seq', span: ids.span, items: [...list], ...(ids.unknown ? { unknown: true } : {}) } });
          else {
            const prev = byType[existing].value as PSeq;
            byType[existing] = { key: byType[existing].key, value: { ...prev, items: [...prev.items, ...list] } };
          }
        }
        entries.push({ key: keyed(to, p), value: { type: 'map', span: p.value.span, entries: byType } });
      }
      for (const [from, to] of [['actions', 'Action'], ['notActions', 'NotAction'], ['resources', 'Resource'], ['notResources', 'NotResource']] as const) {
        const f = field(from);
        if (f) entries.push({ key: keyed(to, f), value: f.value });
      }
      const conds = field('conditions');
      if (conds) {
        if (!isSeq(conds.value) || conds.value.unknown) entries.push({ key: keyed('Condition', conds), value: unknownScalar('conditions', conds.value.span) });
        else {
          const ops: { key: PScalar; entries: PEntry[]; span: Span }[] = [];
          let bad = false;
          for (const c of conds.value.items) {
            const test = get(c, 'test');
            const variable = get(c, 'variable');
            const values = get(c, 'values');
            if (!isScalar(test) || test.unknown || !isScalar(variable) || !values) {
              bad = true;
              continue;
            }
            let op = ops.find((o) => o.key.value === test.value);
            if (!op) ops.push((op = { key: test, entries: [], span: c.span }));
            op.entries.push({ key: variable, value: values });
          }
          const value: PNode = bad
            ? unknownScalar('conditions', conds.value.span)
            : { type: 'map', span: conds.value.span, entries: ops.map((o) => ({ key: o.key, value: { type: 'map', span: o.span, entries: o.entries } as PMap })) };
          entries.push({ key: keyed('Condition', conds), value });
        }
      }
      return { type: 'map', span: s.span, entries };
    });
    return this.doc({ type: 'seq', span: stmts.span, items }, span);
  }

  /** `principal.withConditions({...})`: conditions merged per operator, as CDK's `PrincipalWithConditions` does. */
  private withConditions(s: Special & { kind: 'principal' }, extra: PNode, n: N): PNode {
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
      if (i === -1) entries.push({ key: this.synthetic('Condition', extra.span), value: merged });
      else entries[i] = { key: entries[i].key, value: merged };
      return { ...st, entries };
    });
    return this.special(n, { kind: 'principal', statements });
  }

  /** `new` of a principal or provider class: a special value; anything else is unknown. */
  private construct(n: N): PNode {
    const q = this.qname(n.callee);
    const span = this.spanOf(n);
    const args = (n.arguments as N[]).map((a) => (a.type === 'SpreadElement' ? this.unknown(a) : this.evaluate(a)));
    const k = (t: string) => this.synthetic(t, span);
    switch (q) {
      case 'cdk:iam.FederatedPrincipal': {
        const fed = args[0] ?? this.unknown(n);
        return this.special(n, { kind: 'principal', statements: [this.statement(span, 'Federated', fed, args[2] ?? k('sts:AssumeRole'), args[1])] });
      }
      case 'cdk:iam.WebIdentityPrincipal':
        return this.special(n, { kind: 'principal', statements: [this.statement(span, 'Federated', args[0] ?? this.unknown(n), k(WEB_IDENTITY), args[1])] });
      case 'cdk:iam.OpenIdConnectPrincipal': {
        const provider = args[0] ? this.specials.get(args[0]) : undefined;
        const at = (n.arguments as N[])[0] ? this.spanOf((n.arguments as N[])[0]) : span;
        const fed = provider?.kind === 'provider' ? respan(provider.arn, at) : unknownScalar('openIdConnectProviderArn', at);
        return this.special(n, { kind: 'principal', statements: [this.statement(span, 'Federated', fed, k(WEB_IDENTITY), args[1])] });
      }
      case 'cdk:iam.ServicePrincipal':
        return this.special(n, { kind: 'principal', statements: [this.statement(span, 'Service', args[0] ?? this.unknown(n), k('sts:AssumeRole'), undefined)] });
      case 'cdk:iam.ArnPrincipal':
        return this.special(n, { kind: 'principal', statements: [this.statement(span, 'AWS', args[0] ?? this.unknown(n), k('sts:AssumeRole'), undefined)] });
      case 'cdk:iam.CompositePrincipal': {
        const statements: PNode[] = [];
        for (const a of args) {
          const s = this.specials.get(a);
          if (s?.kind === 'principal') statements.push(...s.statements);
          else statements.push(unknownScalar('principal', a.span));
        }
        return this.special(n, { kind: 'principal', statements });
      }
      case 'cdk:iam.OpenIdConnectProvider':
      case 'cdk:eks.OpenIdConnectProvider':
      case 'pulumi:iam.OpenIdConnectProvider': {
        const props = q.startsWith('pulumi') ? args[1] : args[2];
        const url = get(props, 'url');
        const host = isScalar(url) && !url.unknown && typeof url.value === 'string' ? issuerHost(url.value) : undefined;
        const arn: PScalar = host
          ? { type: 'scalar', value: `arn:aws:iam::\${AWS::AccountId}:oidc-provider/${host}`, span, unknown: true }
          : unknownScalar('openIdConnectProviderArn', span);
        const issuer: PScalar = host && url ? { type: 'scalar', value: host, span: url.span } : unknownScalar('openIdConnectProviderIssuer', span);
        return this.special(n, { kind: 'provider', arn, issuer });
      }
    }
    return this.unknown(n);
  }
}

/** Calls `f` on every node; identifiers that are function parameters are marked `__param`. */
function visit(root: N, f: (n: N) => void): void {
  const stack: N[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'TSDeclareFunction') && Array.isArray(n.params)) {
      for (const p of n.params as N[]) markParams(p);
    }
    if (n.type === 'CatchClause' && n.param) markParams(n.param);
    f(n);
    for (const key of Object.keys(n)) {
      if (key === 'range' || key === 'loc' || key === 'parent') continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) if (v[i] && typeof v[i].type === 'string') stack.push(v[i]);
      } else if (v && typeof v === 'object' && typeof v.type === 'string') stack.push(v);
    }
  }
}

const MUTATORS = new Set(['push', 'unshift', 'splice', 'pop', 'shift', 'reverse', 'sort', 'fill', 'copyWithin', 'set', 'delete', 'clear', 'add']);

/** The identifier an expression such as `a.b[c].d` starts from. */
function rootName(n: N | undefined): string | undefined {
  let cur = n;
  while (cur && (cur.type === 'MemberExpression' || cur.type === 'TSNonNullExpression' || cur.type === 'TSAsExpression' || cur.type === 'ChainExpression')) cur = cur.object ?? cur.expression;
  return cur?.type === 'Identifier' ? cur.name : undefined;
}

/** The same value at another place (positions inside it are not carried over). */
function respan(s: PScalar, span: Span): PScalar {
  return { type: 'scalar', value: s.value, span, ...(s.unknown ? { unknown: true } : {}) };
}

/** Names bound by a declaration target (an identifier or a destructuring pattern). */
function bindingNames(p: N | null | undefined): string[] {
  if (!p) return [];
  switch (p.type) {
    case 'Identifier':
      return [p.name];
    case 'AssignmentPattern':
      return bindingNames(p.left);
    case 'RestElement':
      return bindingNames(p.argument);
    case 'ObjectPattern':
      return (p.properties as N[]).flatMap((q) => bindingNames(q.type === 'Property' ? q.value : q));
    case 'ArrayPattern':
      return (p.elements as (N | null)[]).flatMap((q) => bindingNames(q));
    default:
      return [];
  }
}

function markParams(p: N): void {
  if (!p) return;
  if (p.type === 'Identifier') (p as Record<string, unknown>).__param = true;
  else if (p.type === 'AssignmentPattern') markParams(p.left);
  else if (p.type === 'RestElement') markParams(p.argument);
  else if (p.type === 'TSParameterProperty') markParams(p.parameter);
  else if (p.type === 'ObjectPattern') for (const q of p.properties as N[]) markParams(q.type === 'Property' ? q.value : q);
  else if (p.type === 'ArrayPattern') for (const q of p.elements as (N | null)[]) if (q) markParams(q);
}

/** Roles, OIDC providers and Kubernetes documents of one TypeScript file. */
export function loadTsIac(text: string, file: string): TsIacResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const r = new Reader(body, file);
  try {
    r.read();
  } catch (e) {
    // Never throw past the loader: an unexpected shape is reported, the file's other results are kept.
    const where: Span = { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    r.problems.push({ message: `cannot read this TypeScript file: ${String((e as Error)?.message ?? e).split('\n')[0]}`, code: 'TS_READ', span: where });
  }
  return { resources: r.resources, k8sDocs: r.k8sDocs, problems: r.problems };
}
