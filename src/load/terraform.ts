/**
 * Terraform's machine-readable output (`terraform show -json` of a plan or of the state):
 * `aws_iam_role`, `aws_iam_openid_connect_provider`, `aws_eks_pod_identity_association` and
 * `aws_iam_policy_document` data sources,
 * read from `planned_values.root_module` (a plan), `prior_state.values.root_module` (data sources
 * read while planning) and `values.root_module` (a state), recursively through `child_modules`.
 *
 * A plan leaves out attributes that are known only after apply (`after_unknown`), so a missing
 * `assume_role_policy`, `name` or `arn` is simply unknown. The policy is a JSON document in a
 * string; its positions come through the string's escape map (`parseJsonInString`).
 */
import { get, isMap, isScalar, isSeq, str, type PMap, type PNode } from '../model/pnode.js';
import type { RoleRef } from '../model/eks.js';
import { located } from '../model/span.js';
import { makeProvider, makeRole, policyFromNode } from './iac.js';
import type { IamResource } from './iam.js';
import { loc } from './k8s.js';
import { makeAssociation } from './pod-identity.js';
import type { ParseProblem } from './yaml.js';

/** Cheap test on a JSON file's text before parsing it. */
export function mayHoldTerraform(text: string): boolean {
  return /"format_version"/.test(text) && /"root_module"/.test(text);
}

export function isTerraformJson(doc: PNode): doc is PMap {
  if (!isMap(doc) || !isScalar(get(doc, 'format_version'))) return false;
  return [get(doc, 'planned_values', 'root_module'), get(doc, 'values', 'root_module'), get(doc, 'prior_state', 'values', 'root_module')].some(isMap);
}

interface TfResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly values: PMap;
  readonly node: PMap;
}

function collect(module: PNode | undefined, out: Map<string, TfResource>, depth = 0): void {
  if (!isMap(module) || depth > 50) return;
  const resources = get(module, 'resources');
  if (isSeq(resources)) {
    for (const r of resources.items) {
      const address = str(get(r, 'address'));
      const type = str(get(r, 'type'));
      const values = get(r, 'values');
      if (!isMap(r) || address === undefined || type === undefined || !isMap(values) || out.has(address)) continue;
      out.set(address, { address, mode: str(get(r, 'mode')) ?? 'managed', type, values, node: r });
    }
  }
  const children = get(module, 'child_modules');
  if (isSeq(children)) for (const c of children.items) collect(c, out, depth + 1);
}

function compact(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
}

export function buildTerraform(doc: PMap, out: IamResource[], problems: ParseProblem[]): void {
  const file = doc.span.file;
  const all = new Map<string, TfResource>();
  // Planned values first; data sources read while planning are in the prior state; a state file has `values`.
  collect(get(doc, 'planned_values', 'root_module'), all);
  collect(get(doc, 'prior_state', 'values', 'root_module'), all);
  collect(get(doc, 'values', 'root_module'), all);

  const rolePolicies = new Set<string>();
  for (const r of all.values()) {
    if (r.mode !== 'managed') continue;
    if (r.type === 'aws_iam_role') {
      const policy = get(r.values, 'assume_role_policy');
      const text = str(policy);
      if (text !== undefined) {
        const c = compact(text);
        if (c) rolePolicies.add(c);
      }
      out.push(
        makeRole({
          file,
          span: r.node.span,
          node: r.node,
          id: r.address,
          name: nonEmpty(get(r.values, 'name')),
          arn: nonEmpty(get(r.values, 'arn')),
          path: nonEmpty(get(r.values, 'path')),
          trust: policy && isScalar(policy) && typeof policy.value === 'string' ? policyFromNode(policy, problems, 'assume_role_policy') : undefined,
          source: 'terraform',
          refs: [r.address],
        }),
      );
    } else if (r.type === 'aws_eks_pod_identity_association') {
      out.push(tfAssociation(doc, r, all));
    } else if (r.type === 'aws_iam_openid_connect_provider') {
      const ids = get(r.values, 'client_id_list');
      out.push(
        makeProvider({
          file,
          span: r.node.span,
          node: r.node,
          id: r.address,
          url: nonEmpty(get(r.values, 'url')),
          arn: nonEmpty(get(r.values, 'arn')),
          clientIds: isSeq(ids) ? ids.items : [],
          clientIdsSpan: ids?.span,
        }),
      );
    }
  }
  // A policy document data source is a trust policy of its own only when no role of the plan embeds it.
  for (const r of all.values()) {
    if (r.mode !== 'data' || r.type !== 'aws_iam_policy_document') continue;
    const json = get(r.values, 'json');
    const text = str(json);
    if (!json || text === undefined) continue;
    const c = compact(text);
    if (c === undefined || rolePolicies.has(c) || !isTrustPolicyJs(JSON.parse(c))) continue;
    const trust = policyFromNode(json, problems, 'json');
    if (!trust) continue;
    out.push({ kind: 'iam:Role', key: `iam:Role@${file}#${r.address}`, file, span: r.node.span, node: r.node, label: `trust policy ${r.address}`, trust, source: 'terraform' });
  }
}

/**
 * `aws_eks_pod_identity_association` (`cluster_name`, `namespace`, `service_account`, `role_arn`,
 * `target_role_arn`, `disable_session_tags`, `association_arn`: terraform-provider-aws
 * docs/r/eks_pod_identity_association). A plan leaves out the ARN of a role created in the same
 * plan; the configuration's `references` of `role_arn` then name that role, which is kept as a
 * reference when exactly one role of the plan has that address.
 */
function tfAssociation(doc: PMap, r: TfResource, all: ReadonlyMap<string, TfResource>): IamResource {
  const file = doc.span.file;
  const ref = (attr: string): RoleRef | undefined => {
    const refs = configurationReferences(doc, r.address, attr);
    if (!refs) return undefined;
    const module = modulePrefix(r.address);
    for (const { text, span } of refs) {
      const m = /^(aws_iam_role\.[A-Za-z0-9_-]+)(\[[^\]]*\])?(?:\.arn)?$/.exec(text);
      if (!m) continue;
      const base = module + m[1];
      const matches = [...all.values()].filter((x) => x.mode === 'managed' && x.type === 'aws_iam_role' && (x.address === base + (m[2] ?? '') || (m[2] === undefined && x.address.startsWith(`${base}[`))));
      if (matches.length === 1) return { file, id: matches[0].address, span };
    }
    return undefined;
  };
  const text = (attr: string) => loc(nonEmpty(get(r.values, attr)));
  const disable = get(r.values, 'disable_session_tags');
  const arn = text('association_arn');
  return makeAssociation({
    source: 'terraform',
    file,
    span: r.node.span,
    node: r.node,
    key: arn && !arn.unknown ? arn.value : `eks:PodIdentityAssociation@${file}#${r.address}`,
    label: `Pod Identity association ${r.address}`,
    anchor: get(r.node, 'address')?.span ?? r.node.span,
    clusterName: text('cluster_name'),
    namespace: text('namespace'),
    serviceAccount: text('service_account'),
    roleArn: text('role_arn'),
    roleRef: text('role_arn') ? undefined : ref('role_arn'),
    targetRoleArn: text('target_role_arn'),
    targetRoleRef: text('target_role_arn') ? undefined : ref('target_role_arn'),
    disableSessionTags: isScalar(disable) && typeof disable.value === 'boolean' ? located(disable.value, disable.span) : undefined,
    associationArn: arn,
  });
}

/** `module.a["x"].module.b.` for `module.a["x"].module.b.aws_x.y[0]`; '' for a root resource. */
function modulePrefix(address: string): string {
  const parts = address.match(/module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\./g);
  const all = parts ? parts.join('') : '';
  return address.startsWith(all) ? all : '';
}

/**
 * The `references` the plan's `configuration` records for an attribute of a resource (the
 * configuration of modules is under `module_calls.<name>.module`, addresses relative to it).
 */
function configurationReferences(doc: PMap, address: string, attr: string): { text: string; span: PNode['span'] }[] | undefined {
  let module = get(doc, 'configuration', 'root_module');
  const prefix = modulePrefix(address);
  for (const m of prefix.matchAll(/module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\./g)) module = get(module, 'module_calls', m[1], 'module');
  const local = address.slice(prefix.length).replace(/\[[^\]]*\]$/, '');
  const resources = get(module, 'resources');
  if (!isSeq(resources)) return undefined;
  for (const res of resources.items) {
    if (str(get(res, 'address')) !== local) continue;
    const refs = get(res, 'expressions', attr, 'references');
    if (!isSeq(refs)) return undefined;
    return refs.items.flatMap((i) => {
      const text = str(i);
      return text === undefined ? [] : [{ text, span: i.span }];
    });
  }
  return undefined;
}

function nonEmpty(n: PNode | undefined): PNode | undefined {
  return isScalar(n) && typeof n.value === 'string' && n.value !== '' ? n : undefined;
}

/** Some statement names a principal or an `sts:` action (the data source holds a trust policy, not a permission policy). */
function isTrustPolicyJs(doc: unknown): boolean {
  const st = (doc as { Statement?: unknown })?.Statement;
  const list = Array.isArray(st) ? st : st ? [st] : [];
  return list.some((s) => {
    if (!s || typeof s !== 'object') return false;
    const o = s as Record<string, unknown>;
    if ('Principal' in o || 'NotPrincipal' in o) return true;
    const a = o.Action;
    return (Array.isArray(a) ? a : [a]).some((x) => typeof x === 'string' && /^sts:/i.test(x));
  });
}
