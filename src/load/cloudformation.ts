/**
 * CloudFormation and SAM templates (YAML or JSON): `AWS::IAM::Role`, `AWS::IAM::OIDCProvider` and
 * `AWS::EKS::PodIdentityAssociation`.
 *
 * Intrinsic functions arrive either as YAML short tags (`!Sub`, `!Ref`, ...: the YAML loader keeps
 * the tag on the node) or as one-key maps (`{"Fn::Sub": ...}`, `{"Ref": ...}`). What can be known
 * statically is resolved: `Ref`/`Fn::Sub` of parameters with a literal `Default` (types `String`
 * and `Number`), `AWS::Partition` (taken as `aws`), resources of this template (`Ref` of a role
 * with a literal `RoleName`; `Ref`/`Fn::GetAtt ...Arn` of an OIDC provider: its issuer host is
 * known, its account is not), `Fn::Join` and `Fn::Select` of known values. Everything else
 * (other pseudo parameters such as `AWS::AccountId`, `Fn::If`, `Fn::ImportValue`, ...) is an
 * unknown value whose text is a `${...}` placeholder. A resolved string keeps the span of the
 * node it came from, and positions inside it map back to the template text.
 */
import { issuerHost } from '../iam/arn.js';
import { entry, get, isMap, isScalar, isSeq, str, type PMap, type PNode, type PScalar } from '../model/pnode.js';
import type { PodIdentityAssociation, RoleRef } from '../model/eks.js';
import type { L } from '../model/resource.js';
import { located, type Span } from '../model/span.js';
import { joinPieces, opaquePiece, scalarPiece, scalarPositions, scalarSlice, unknownScalar, type Piece } from '../eval/value.js';
import { makeProvider, makeRole, policyFromNode } from './iac.js';
import type { IamResource } from './iam.js';
import { loc } from './k8s.js';
import { makeAssociation } from './pod-identity.js';
import type { ParseProblem } from './yaml.js';

/** A template: `AWSTemplateFormatVersion`, or a `Resources` map with a `Type: AWS::...` resource. */
export function isCfnTemplate(doc: PNode): doc is PMap {
  if (!isMap(doc)) return false;
  if (entry(doc, 'AWSTemplateFormatVersion')) return true;
  const res = get(doc, 'Resources');
  return isMap(res) && res.entries.some((e) => /^AWS::/.test(str(get(e.value, 'Type')) ?? ''));
}

/** Cheap test on a JSON file's text before parsing it. */
export function mayHoldCfn(text: string): boolean {
  return /"AWSTemplateFormatVersion"|"AWS::IAM::|"AWS::EKS::PodIdentityAssociation"/.test(text);
}

const PARTITION = 'aws';
const MAX_DEPTH = 40;

interface Resource {
  readonly id: string;
  readonly type: string;
  readonly node: PMap;
  readonly props?: PNode;
  readonly idSpan: Span;
}

class Resolver {
  readonly params = new Map<string, PNode | undefined>();
  readonly resources = new Map<string, Resource>();

  constructor(doc: PMap) {
    const params = get(doc, 'Parameters');
    if (isMap(params)) {
      for (const e of params.entries) {
        const type = str(get(e.value, 'Type'));
        const def = get(e.value, 'Default');
        const known = (type === 'String' || type === 'Number') && isScalar(def) && def.value !== null && !def.tag;
        this.params.set(String(e.key.value), known ? def : undefined);
      }
    }
    const res = get(doc, 'Resources');
    if (isMap(res)) {
      for (const e of res.entries) {
        const type = str(get(e.value, 'Type'));
        if (!isMap(e.value) || type === undefined) continue;
        this.resources.set(String(e.key.value), { id: String(e.key.value), type, node: e.value, props: get(e.value, 'Properties'), idSpan: e.key.span });
      }
    }
  }

  /** The node with every intrinsic function it contains evaluated (or replaced by an unknown value). */
  resolve(n: PNode, depth = 0): PNode {
    if (depth > MAX_DEPTH) return unknownScalar('...', n.span);
    const fn = intrinsic(n);
    if (fn) return this.call(fn.name, fn.arg, n.span, depth + 1);
    switch (n.type) {
      case 'scalar':
        return n;
      case 'seq':
        return { ...n, items: n.items.map((i) => this.resolve(i, depth + 1)) };
      case 'map':
        return { ...n, entries: n.entries.map((e) => ({ key: e.key, value: this.resolve(e.value, depth + 1) })) };
    }
  }

  private call(name: string, arg: PNode, span: Span, depth: number): PNode {
    switch (name) {
      case 'Ref':
        return isScalar(arg) && typeof arg.value === 'string' ? this.ref(arg.value.trim(), span, depth) : unknownScalar('Ref', span, '!Ref');
      case 'Fn::GetAtt': {
        let parts: string[] | undefined;
        if (isScalar(arg) && typeof arg.value === 'string') {
          const dot = arg.value.indexOf('.');
          if (dot > 0) parts = [arg.value.slice(0, dot), arg.value.slice(dot + 1)];
        } else if (isSeq(arg) && arg.items.length === 2) {
          const a = this.resolve(arg.items[0], depth);
          const b = this.resolve(arg.items[1], depth);
          if (isScalar(a) && isScalar(b) && !a.unknown && !b.unknown) parts = [String(a.value), String(b.value)];
        }
        return parts ? this.getAtt(parts[0], parts[1], span, depth) : unknownScalar('Fn::GetAtt', span, '!GetAtt');
      }
      case 'Fn::Sub':
        return this.sub(arg, span, depth);
      case 'Fn::Join':
        return this.join(arg, span, depth);
      case 'Fn::Select': {
        if (!isSeq(arg) || arg.items.length !== 2) break;
        const index = this.resolve(arg.items[0], depth);
        const list = this.resolve(arg.items[1], depth);
        const i = isScalar(index) && !index.unknown ? Number(index.value) : NaN;
        if (isSeq(list) && !list.unknown && Number.isInteger(i) && i >= 0 && i < list.items.length) return list.items[i];
        break;
      }
    }
    return unknownScalar(name, span, `!${name.replace(/^Fn::/, '')}`);
  }

  /** `Ref`: a parameter's default, a pseudo parameter, or a resource of this template. */
  ref(name: string, span: Span, depth: number): PScalar {
    if (name === 'AWS::Partition') return { type: 'scalar', value: PARTITION, span };
    if (this.params.has(name)) {
      const def = this.params.get(name);
      return def && isScalar(def) ? { type: 'scalar', value: String(def.value), span } : unknownScalar(name, span, '!Ref');
    }
    const r = this.resources.get(name);
    if (r?.type === 'AWS::IAM::OIDCProvider') return this.providerArn(r, span, depth) ?? unknownScalar(name, span, '!Ref');
    if (r?.type === 'AWS::IAM::Role') {
      const n = this.prop(r, 'RoleName', depth);
      if (isScalar(n) && !n.unknown && n.value !== null) return { type: 'scalar', value: String(n.value), span };
    }
    return unknownScalar(name, span, '!Ref');
  }

  getAtt(resource: string, attr: string, span: Span, depth: number): PScalar {
    const r = this.resources.get(resource);
    if (r?.type === 'AWS::IAM::OIDCProvider' && attr === 'Arn') return this.providerArn(r, span, depth) ?? unknownScalar(`${resource}.${attr}`, span, '!GetAtt');
    if (r?.type === 'AWS::IAM::Role' && attr === 'Arn') {
      const n = this.prop(r, 'RoleName', depth);
      const p = this.prop(r, 'Path', depth);
      if (isScalar(n) && !n.unknown && n.value !== null && (p === undefined || (isScalar(p) && !p.unknown))) {
        const path = p && isScalar(p) && p.value !== null ? String(p.value) : '/';
        return { type: 'scalar', value: `arn:${PARTITION}:iam::\${AWS::AccountId}:role${path}${String(n.value)}`, span, unknown: true, tag: '!GetAtt' };
      }
    }
    return unknownScalar(`${resource}.${attr}`, span, '!GetAtt');
  }

  /** An OIDC provider's ARN: the issuer host is known when its `Url` is; the account never is. */
  private providerArn(r: Resource, span: Span, depth: number): PScalar | undefined {
    const url = this.prop(r, 'Url', depth);
    if (!isScalar(url) || url.unknown || typeof url.value !== 'string') return undefined;
    return { type: 'scalar', value: `arn:${PARTITION}:iam::\${AWS::AccountId}:oidc-provider/${issuerHost(url.value)}`, span, unknown: true, tag: '!GetAtt' };
  }

  prop(r: Resource, name: string, depth: number): PNode | undefined {
    const n = get(r.props, name);
    return n === undefined ? undefined : this.resolve(n, depth + 1);
  }

  /** `Fn::Sub` in both forms: `"text"` and `["text", {Var: value}]`. */
  private sub(arg: PNode, span: Span, depth: number): PNode {
    let template: PNode | undefined = arg;
    const vars = new Map<string, PNode>();
    if (isSeq(arg)) {
      template = arg.items[0];
      const m = arg.items[1];
      if (isMap(m)) for (const e of m.entries) vars.set(String(e.key.value), this.resolve(e.value, depth));
      else if (m !== undefined) return unknownScalar('Fn::Sub', span, '!Sub');
    }
    if (!isScalar(template) || typeof template.value !== 'string') return unknownScalar('Fn::Sub', span, '!Sub');
    const text = template.value;
    const at = scalarPositions(template);
    const pieces: Piece[] = [];
    let lit = 0;
    const literal = (from: number, to: number) => {
      if (to > from) pieces.push(scalarSlice(template, from, to));
    };
    for (let i = text.indexOf('${'); i !== -1; i = text.indexOf('${', i)) {
      if (text[i + 2] === '!') {
        // `${!Literal}` is the text `${Literal}`.
        literal(lit, i + 2);
        lit = i + 3;
        i += 3;
        continue;
      }
      const close = text.indexOf('}', i + 2);
      if (close === -1) break;
      literal(lit, i);
      const name = text.slice(i + 2, close).trim();
      const whole = at(i, close + 1);
      const v = vars.has(name) ? vars.get(name)! : this.variable(name, whole, depth);
      if (isScalar(v) && v.value !== null && typeof v.value !== 'object') {
        pieces.push(opaquePiece(v.unknown ? (String(v.value).includes('${') ? String(v.value) : `\${${name}}`) : String(v.value), whole, v.unknown));
      } else pieces.push(opaquePiece(`\${${name}}`, whole, true));
      lit = close + 1;
      i = close + 1;
    }
    literal(lit, text.length);
    const out = joinPieces(pieces, template.span);
    return out.unknown ? { ...out, tag: '!Sub' } : out;
  }

  /** A `${Name}` or `${Resource.Attribute}` inside `Fn::Sub`. */
  private variable(name: string, span: Span, depth: number): PScalar {
    if (this.params.has(name) || name.startsWith('AWS::') || !name.includes('.')) return this.ref(name, span, depth);
    const dot = name.indexOf('.');
    return this.getAtt(name.slice(0, dot), name.slice(dot + 1), span, depth);
  }

  private join(arg: PNode, span: Span, depth: number): PNode {
    if (!isSeq(arg) || arg.items.length !== 2) return unknownScalar('Fn::Join', span, '!Join');
    const delim = this.resolve(arg.items[0], depth);
    const list = this.resolve(arg.items[1], depth);
    if (!isScalar(delim) || delim.unknown || !isSeq(list) || list.unknown) return unknownScalar('Fn::Join', span, '!Join');
    const pieces: Piece[] = [];
    list.items.forEach((item, k) => {
      if (k > 0) pieces.push(opaquePiece(String(delim.value ?? ''), delim.span));
      if (isScalar(item) && item.value !== null) {
        const text = String(item.value);
        pieces.push(item.unknown ? opaquePiece(text.includes('${') ? text : `\${${text}}`, item.span, true) : scalarPiece(item));
      } else pieces.push(opaquePiece('${Fn::Join}', item.span, true));
    });
    const out = joinPieces(pieces, span);
    return out.unknown ? { ...out, tag: '!Join' } : out;
  }
}

/** The intrinsic function a node stands for: a short tag, or a one-key `Ref` / `Fn::*` map. */
function intrinsic(n: PNode): { name: string; arg: PNode } | undefined {
  if (n.tag && n.tag.startsWith('!')) {
    const t = n.tag.slice(1);
    const name = t === 'Ref' ? 'Ref' : t === 'Condition' ? 'Condition' : `Fn::${t}`;
    const { tag: _tag, unknown: _unknown, ...rest } = n as PNode & { tag?: string; unknown?: boolean };
    return { name, arg: rest as PNode };
  }
  if (isMap(n) && n.entries.length === 1) {
    const k = n.entries[0].key.value;
    if (typeof k === 'string' && (k === 'Ref' || k.startsWith('Fn::'))) return { name: k, arg: n.entries[0].value };
  }
  return undefined;
}

/** Roles and OIDC providers of a template. */
export function buildCloudFormation(doc: PMap, out: IamResource[], problems: ParseProblem[]): void {
  const r = new Resolver(doc);
  const file = doc.span.file;
  for (const res of r.resources.values()) {
    if (res.type === 'AWS::IAM::Role') {
      const trustNode = r.prop(res, 'AssumeRolePolicyDocument', 0);
      out.push(
        makeRole({
          file,
          span: res.node.span,
          node: res.node,
          id: res.id,
          name: r.prop(res, 'RoleName', 0),
          path: r.prop(res, 'Path', 0),
          trust: trustNode ? policyFromNode(trustNode, problems, 'AssumeRolePolicyDocument') : undefined,
          source: 'cloudformation',
          refs: [res.id],
        }),
      );
    } else if (res.type === 'AWS::IAM::OIDCProvider') {
      const ids = r.prop(res, 'ClientIdList', 0);
      out.push(
        makeProvider({
          file,
          span: res.node.span,
          node: res.node,
          id: res.id,
          url: r.prop(res, 'Url', 0),
          arn: r.getAtt(res.id, 'Arn', res.idSpan, 0),
          clientIds: isSeq(ids) && !ids.unknown ? ids.items : ids ? [ids] : [],
          clientIdsSpan: ids?.span,
        }),
      );
    } else if (res.type === 'AWS::EKS::PodIdentityAssociation') {
      out.push(cfnAssociation(r, res));
    }
  }
}

/**
 * `AWS::EKS::PodIdentityAssociation` (`ClusterName`, `Namespace`, `ServiceAccount`, `RoleArn`,
 * `TargetRoleArn`, `DisableSessionTags`: CloudFormation template reference). A role ARN written as
 * `!GetAtt <Role>.Arn` of a role of the template is also kept as a reference to that role, whose
 * ARN the template cannot know.
 */
function cfnAssociation(r: Resolver, res: Resource): PodIdentityAssociation {
  const file = res.node.span.file;
  const roleRef = (name: string): RoleRef | undefined => {
    const raw = get(res.props, name);
    const fn = raw ? intrinsic(raw) : undefined;
    if (!raw || !fn || fn.name !== 'Fn::GetAtt') return undefined;
    let target: string | undefined;
    if (isScalar(fn.arg) && typeof fn.arg.value === 'string' && fn.arg.value.endsWith('.Arn')) target = fn.arg.value.slice(0, -'.Arn'.length);
    else if (isSeq(fn.arg) && fn.arg.items.length === 2 && str(fn.arg.items[1]) === 'Arn') target = str(fn.arg.items[0]);
    return target !== undefined && r.resources.get(target)?.type === 'AWS::IAM::Role' ? { file, id: target, span: raw.span } : undefined;
  };
  const text = (name: string) => loc(r.prop(res, name, 0));
  const disable = r.prop(res, 'DisableSessionTags', 0);
  return makeAssociation({
    source: 'cloudformation',
    file,
    span: res.node.span,
    node: res.node,
    key: `eks:PodIdentityAssociation@${file}#${res.id}`,
    label: `Pod Identity association ${res.id}`,
    anchor: res.idSpan,
    clusterName: text('ClusterName'),
    namespace: text('Namespace'),
    serviceAccount: text('ServiceAccount'),
    roleArn: text('RoleArn'),
    roleRef: roleRef('RoleArn'),
    targetRoleArn: text('TargetRoleArn'),
    targetRoleRef: roleRef('TargetRoleArn'),
    disableSessionTags: boolOf(disable),
  });
}

/** A boolean property: `true`/`false`, also written as a string; anything else is unknown. */
function boolOf(n: PNode | undefined): L<boolean> | undefined {
  if (!isScalar(n) || n.value === null) return undefined;
  if (n.unknown) return located(false, n.span, true);
  if (typeof n.value === 'boolean') return located(n.value, n.span);
  const t = String(n.value).toLowerCase();
  return t === 'true' || t === 'false' ? located(t === 'true', n.span) : located(false, n.span, true);
}
