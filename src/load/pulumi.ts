/**
 * Pulumi programs (`@pulumi/aws`, `@pulumi/pulumi`), on the TypeScript evaluator:
 *
 * - `new aws.iam.Role(name, { name, path, assumeRolePolicy })`, the policy given as an object,
 *   `JSON.stringify(...)` / `pulumi.jsonStringify(...)`, a JSON string or template literal, or
 *   `aws.iam.getPolicyDocument(...)` / `getPolicyDocumentOutput(...)` (`.json`,
 *   `.then(d => d.json)`);
 * - `new aws.iam.OpenIdConnectProvider(name, { url, clientIdLists })`;
 * - `new aws.eks.PodIdentityAssociation(name, { clusterName, namespace, serviceAccount, roleArn,
 *   targetRoleArn, disableSessionTags })`, with `role.arn` of a role variable of the file as a
 *   reference to that role;
 * - `pulumi.interpolate\`...\`` is a template literal, `pulumi.output(x)` is `x`.
 *
 * Outputs of resources (`role.arn`, `cluster.core.oidcProvider.url`) are unknown.
 */
import type { EsNode, TsEvaluator, TsExtension } from '../eval/ts.js';
import { unknownScalar } from '../eval/value.js';
import { get, isMap, isScalar, isSeq, type PEntry, type PMap, type PNode, type PScalar, type PSeq } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import { oidcProviderValue, policyArgument, pushAssociation, pushProvider, pushRole, qualifiedName, type IamValue, type TsIacOutput, type TsRecogniser } from './ts-iam.js';

/** The library and module path of a Pulumi module specifier, or undefined. */
function pulumiModule(source: string): { lib: 'pulumi' | 'pulumi-core'; path: string[] } | undefined {
  if (source === '@pulumi/aws') return { lib: 'pulumi', path: [] };
  const m = /^@pulumi\/aws\/([a-z0-9]+)$/.exec(source);
  if (m) return { lib: 'pulumi', path: [m[1]] };
  if (source === '@pulumi/pulumi') return { lib: 'pulumi-core', path: [] };
  return undefined;
}

/** Does the file import a Pulumi module? */
export function importsPulumi(ev: TsEvaluator): boolean {
  return ev.importSources().some((s) => pulumiModule(s) !== undefined);
}

/** `pulumi:iam.Role` for `aws.iam.Role`, `iam.Role`, `Role`; `pulumi-core:interpolate` for `pulumi.interpolate`. */
function qname(ev: TsEvaluator, n: EsNode | undefined): string | undefined {
  const symbol = ev.imported(n);
  const mod = symbol && pulumiModule(symbol.source);
  return symbol && mod ? qualifiedName(mod.lib, mod.path, symbol) : undefined;
}

/** `interpolate`, `jsonStringify`, `output`, `getPolicyDocument` and OIDC providers as values. */
export const pulumiValues: TsExtension = {
  tagged(n, ev) {
    return qname(ev, n.tag) === 'pulumi-core:interpolate' ? ev.template(n.quasi) : undefined;
  },

  call(n, ev) {
    const q = qname(ev, n.callee);
    const a0 = ev.arg(n, 0);
    if (!q || !a0) return undefined;
    // pulumi.jsonStringify(object): the object is the document, as for JSON.stringify.
    if (q === 'pulumi-core:jsonStringify') return ev.documentOf(a0, n);
    if (q === 'pulumi-core:output') return ev.evaluate(a0);
    if (q === 'pulumi:iam.getPolicyDocument' || q === 'pulumi:iam.getPolicyDocumentOutput') {
      return ev.frameworkValue(n, { kind: 'policy', doc: policyDocumentArgs(ev.evaluate(a0), ev.nodeSpan(n)) } satisfies IamValue);
    }
    return undefined;
  },

  construct(n, ev) {
    if (qname(ev, n.callee) !== 'pulumi:iam.OpenIdConnectProvider') return undefined;
    const args = (n.arguments as EsNode[]).map((a) => (a.type === 'SpreadElement' ? ev.unknown(a) : ev.evaluate(a)));
    return oidcProviderValue(ev, n, args[1]);
  },
};

/** The Pulumi reader of one file, or undefined when the file imports no Pulumi module. */
export function pulumiRecogniser(ev: TsEvaluator, out: TsIacOutput): TsRecogniser | undefined {
  if (!importsPulumi(ev)) return undefined;
  return {
    expression(n, declaredAs) {
      if (n.type !== 'NewExpression') return;
      switch (qname(ev, n.callee)) {
        case 'pulumi:iam.Role': {
          const props = ev.props(ev.arg(n, 1));
          const trust = policyArgument(ev, get(props, 'assumeRolePolicy'));
          pushRole(ev, out, n, { declaredAs, props, nameKey: 'name', pathKey: 'path', trust, trustKey: 'assumeRolePolicy', source: 'pulumi', id: ev.knownText(ev.arg(n, 0), 'Role') });
          return;
        }
        case 'pulumi:eks.PodIdentityAssociation':
          pushAssociation(ev, out, n, { source: 'pulumi', id: ev.knownText(ev.arg(n, 0), 'PodIdentityAssociation'), propsNode: ev.arg(n, 1), props: ev.props(ev.arg(n, 1)), arnMembers: ['arn'] });
          return;
        case 'pulumi:iam.OpenIdConnectProvider':
          pushProvider(ev, out, n, { idArg: 0, propsArg: 1, clientIdsKey: 'clientIdLists' });
          return;
      }
    },
  };
}

/**
 * The arguments of `aws.iam.getPolicyDocument` (`statements[].{sid, effect, principals,
 * notPrincipals, actions, notActions, resources, notResources, conditions}`) as an IAM JSON
 * document: principals grouped by `type`, conditions by `test` (operator) then `variable` (key),
 * `Effect` defaulting to `Allow`. Anything not static makes its part unknown. `span` is the call's.
 */
export function policyDocumentArgs(args: PNode, span: Span): PNode {
  const synthetic = (value: string, at: Span): PScalar => ({ type: 'scalar', value, span: at });
  const document = (statements: PNode): PMap => ({
    type: 'map',
    span,
    entries: [
      { key: synthetic('Version', span), value: synthetic('2012-10-17', span) },
      { key: synthetic('Statement', span), value: statements },
    ],
  });
  const stmts = get(args, 'statements');
  if (!isMap(args) || args.unknown || !isSeq(stmts) || stmts.unknown) return document(unknownScalar('statements', stmts?.span ?? span));
  const items = stmts.items.map((s): PNode => {
    if (!isMap(s) || s.unknown) return unknownScalar('statement', s.span);
    const entries: PEntry[] = [];
    const keyed = (name: string, from: PEntry) => ({ ...from.key, value: name });
    const field = (k: string) => s.entries.find((e) => e.key.value === k);
    const sid = field('sid');
    if (sid) entries.push({ key: keyed('Sid', sid), value: sid.value });
    const effect = field('effect');
    entries.push(effect ? { key: keyed('Effect', effect), value: effect.value } : { key: synthetic('Effect', s.span), value: synthetic('Allow', s.span) });
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
  return document({ type: 'seq', span: stmts.span, items });
}
