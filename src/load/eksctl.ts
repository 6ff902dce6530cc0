/**
 * eksctl `ClusterConfig` files (`apiVersion: eksctl.io/v1alpha5`, `kind: ClusterConfig`): the IAM
 * roles, ServiceAccounts and OIDC provider that eksctl creates for IAM roles for service accounts.
 * What eksctl does, from its source (eksctl-io/eksctl):
 *
 * - `iam.serviceAccounts[]` (pkg/apis/eksctl.io/v1alpha5/iam.go `ClusterIAMServiceAccount`): for each
 *   entry eksctl deploys a CloudFormation stack `eksctl-<cluster>-addon-iamserviceaccount-<ns>-<name>`
 *   with one `AWS::IAM::Role` (logical id `Role1`, path `/`, named `roleName` when given, otherwise
 *   named by CloudFormation) whose trust policy is one `Allow` of `sts:AssumeRoleWithWebIdentity` to
 *   the cluster's OIDC provider with `StringEquals` `<issuer>:sub` = `system:serviceaccount:<ns>:<name>`
 *   and `<issuer>:aud` = `sts.amazonaws.com`; with `subjectPattern`, `StringLike` `<issuer>:sub` =
 *   `system:serviceaccount:<ns>:<subjectPattern>` instead (pkg/cfn/builder/iam.go
 *   `makeAssumeRolePolicyDocument`, pkg/iam/oidc/api.go, pkg/cfn/outputs/api.go).
 * - `attachRoleARN`: no role is created; that ARN is the annotation (pkg/cfn/manager/create_tasks.go
 *   `NewTasksToCreateIAMServiceAccounts`). Its trust policy is whatever the role already has.
 * - Unless `roleOnly: true`, eksctl creates the ServiceAccount `metadata.namespace`/`metadata.name`
 *   (namespace `default` when absent, pkg/apis/eksctl.io/v1alpha5/defaults.go) with the entry's
 *   labels plus `app.kubernetes.io/managed-by: eksctl` and its annotations plus
 *   `eks.amazonaws.com/role-arn: <role ARN>`, or merges those into an existing ServiceAccount
 *   (pkg/kubernetes/serviceaccount.go `MaybeCreateServiceAccountOrUpdateMetadata`, iam.go `SetAnnotations`).
 * - `iam.withOIDC: true` creates the cluster's IAM OIDC provider (client id `sts.amazonaws.com`);
 *   `iam.serviceAccounts` cannot be created without one (pkg/ctl/create/iamserviceaccount.go).
 *
 * The cluster's issuer, the account and CloudFormation-generated role names are not in the file:
 * the `Federated` principal, the condition-key prefix and those parts of ARNs are unknown pieces,
 * the claims (`:sub`, `:aud`) and the subjects are known, with their positions in the file. Values
 * with Go-template or envsubst placeholders (including an unquoted `{{ .X }}`, which YAML reads as a
 * map) are unknown. `attachPolicyARNs`, `wellKnownPolicies`, `attachPolicy` and `permissionsBoundary`
 * are the role's permissions, which no rule judges.
 *
 * Each kind of workload identity of the file is read by one function into `WorkloadIdentity` values
 * (the ServiceAccount and role eksctl makes), which `emit` turns into resources.
 *
 * EKS Pod Identity (`iam.podIdentityAssociations[]` and `addons[].podIdentityAssociations[]`,
 * pkg/apis/eksctl.io/v1alpha5/iam.go `PodIdentityAssociation`): each entry is an association of the
 * cluster `metadata.name` for `namespace`/`serviceAccountName` with `roleARN`, `targetRoleARN` and
 * `disableSessionTags` (pkg/actions/podidentityassociation/tasks.go
 * `createPodIdentityAssociationTask`). Without `roleARN` eksctl creates the role, named `roleName`
 * or by CloudFormation, trusting `pods.eks.amazonaws.com` with `sts:AssumeRole` and
 * `sts:TagSession` (pkg/cfn/builder/iam.go `NewIAMRoleResourceSetForPodIdentity`,
 * pkg/cfn/template/iam_helpers.go `MakeAssumeRolePolicyDocumentForPodIdentity`); with
 * `createServiceAccount: true` it creates the ServiceAccount, without annotations
 * (pkg/actions/podidentityassociation/creator.go). `useDefaultPodIdentityAssociations` and
 * `autoApplyPodIdentityAssociations` take associations from the EKS API, which the file does not list.
 */
import { partitionOfRegion } from '../iam/arn.js';
import { joinPieces, opaquePiece, scalarPiece, unknownScalar, type Piece } from '../eval/value.js';
import { POD_IDENTITY_SERVICE, type PodIdentityAssociation, type RoleRef } from '../model/eks.js';
import type { OidcProvider, Role } from '../model/iam.js';
import type { ManagedRole, ServiceAccount, ServiceAccountManager } from '../model/k8s.js';
import { entry, get, isMap, isScalar, isSeq, type PEntry, type PMap, type PNode, type PScalar } from '../model/pnode.js';
import { looksTemplated, type Span } from '../model/span.js';
import { makeProvider, makeRole } from './iac.js';
import { parsePolicy } from './iam.js';
import { buildK8s, loc, type K8sContext } from './k8s.js';
import { makeAssociation } from './pod-identity.js';

/** The top-level `kind` of an eksctl configuration (worth parsing; see loader.ts `wantYamlChunk`). */
export const EKSCTL_KIND = 'ClusterConfig';

const EKSCTL_ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
const AUDIENCE = 'sts.amazonaws.com';
/** Logical id of the role in eksctl's iamserviceaccount stack (pkg/cfn/outputs/api.go `IAMServiceAccountRoleName`). */
const ROLE_LOGICAL_ID = 'Role1';

export function isEksctlConfig(doc: PNode): doc is PMap {
  if (!isMap(doc)) return false;
  const kind = get(doc, 'kind');
  const apiVersion = get(doc, 'apiVersion');
  return isScalar(kind) && kind.value === EKSCTL_KIND && isScalar(apiVersion) && typeof apiVersion.value === 'string' && apiVersion.value.startsWith('eksctl.io/');
}

/** What the file tells about the cluster. */
interface Cluster {
  readonly file: string;
  /** `metadata.name` when static. */
  readonly name?: string;
  /** The partition of a static `metadata.region`, and where the region is written. */
  readonly partition?: { readonly text: string; readonly span: Span };
  /** Used in placeholders: `cluster-13`, or `the cluster`. */
  readonly label: string;
}

/**
 * One ServiceAccount identity eksctl sets up: the role it creates (absent when it creates none) and
 * the ServiceAccount it creates or updates (absent with `roleOnly`).
 */
interface WorkloadIdentity {
  /** `iamserviceaccount/<ns>/<name>`: the role's id in keys and labels. */
  readonly id: string;
  /** The definition in the file (a list item) and its `metadata` key. */
  readonly node: PMap;
  readonly metadataKey: PScalar;
  readonly namespace: PScalar;
  readonly name: PScalar;
  readonly role?: { readonly name?: PScalar; readonly arn: PScalar; readonly statements: readonly PMap[] };
  readonly serviceAccount?: {
    /** The `eks.amazonaws.com/role-arn` annotation eksctl sets, and what it says; absent when eksctl sets none. */
    readonly roleArn?: PScalar;
    readonly managedRole?: ManagedRole;
    readonly labels: readonly PEntry[];
    readonly annotations: readonly PEntry[];
    readonly conditional: boolean;
  };
}

export type EksctlResource = Role | OidcProvider | ServiceAccount | PodIdentityAssociation;

/** Resources of one `ClusterConfig` document. Never throws on odd shapes. */
export function buildEksctl(doc: PMap, out: EksctlResource[]): void {
  const cluster = clusterOf(doc);
  const iam = get(doc, 'iam');
  const serviceAccounts = get(iam, 'serviceAccounts');
  // Every kind of workload identity of the file, as ServiceAccounts and roles eksctl makes.
  const identities = [...irsaServiceAccounts(cluster, serviceAccounts)];
  const provider = oidcProvider(cluster, iam, isSeq(serviceAccounts) && serviceAccounts.items.length > 0);
  if (provider) out.push(provider);
  for (const identity of identities) emit(cluster, identity, out);
  podIdentityAssociations(doc, cluster, get(iam, 'podIdentityAssociations'), 'iam', out);
  const addons = get(doc, 'addons');
  if (isSeq(addons)) {
    addons.items.forEach((addon, i) => {
      const name = staticText(get(addon, 'name')) ?? String(i);
      podIdentityAssociations(doc, cluster, get(addon, 'podIdentityAssociations'), `addon/${name}`, out);
    });
  }
}

/**
 * `iam.podIdentityAssociations[]` or an addon's `podIdentityAssociations[]`: the associations, the
 * roles eksctl creates for entries without `roleARN`, and the ServiceAccounts of
 * `createServiceAccount: true`.
 */
function podIdentityAssociations(doc: PMap, cluster: Cluster, list: PNode | undefined, owner: string, out: EksctlResource[]): void {
  if (!isSeq(list)) return;
  const clusterName = scalarOrUnknown(get(doc, 'metadata', 'name'), 'metadata.name');
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const namespace = nonEmpty(scalarOrUnknown(get(item, 'namespace'), 'namespace'));
    const name = nonEmpty(scalarOrUnknown(get(item, 'serviceAccountName'), 'serviceAccountName'));
    const saKey = entry(item, 'serviceAccountName')?.key;
    if (!namespace || !name || !saKey) continue; // eksctl refuses entries without them
    const id = `${owner}/podidentityassociation/${textOf(namespace)}/${textOf(name)}`;
    const at = item.span;
    const roleArn = nonEmpty(scalarOrUnknown(get(item, 'roleARN'), 'roleARN'));
    let roleRef: RoleRef | undefined;
    if (!roleArn) {
      const roleName = nonEmpty(scalarOrUnknown(get(item, 'roleName'), 'roleName'));
      const statement = map(at, [
        { key: lit('Effect', at), value: lit('Allow', at) },
        { key: lit('Principal', at), value: map(at, [{ key: lit('Service', at), value: lit(POD_IDENTITY_SERVICE, at) }]) },
        { key: lit('Action', at), value: { type: 'seq', span: at, items: [lit('sts:AssumeRole', at), lit('sts:TagSession', at)] } },
      ]);
      const trust = map(at, [
        { key: lit('Version', at), value: lit('2012-10-17', at) },
        { key: lit('Statement', at), value: { type: 'seq', span: at, items: [statement] } },
      ]);
      const rolePart = roleName ? scalarPiece(roleName) : opaquePiece('${name generated by CloudFormation}', saKey.span, true);
      out.push(
        makeRole({
          file: cluster.file,
          span: at,
          node: item,
          id,
          ...(roleName ? { name: roleName } : {}),
          arn: joinPieces(arnPieces(cluster, at, rolePart), roleName?.span ?? saKey.span),
          path: lit('/', at),
          trust: parsePolicy(trust),
          source: 'eksctl',
          refs: [id],
        }),
      );
      roleRef = { file: cluster.file, id, span: saKey.span };
    }
    const target = nonEmpty(scalarOrUnknown(get(item, 'targetRoleARN'), 'targetRoleARN'));
    const disable = get(item, 'disableSessionTags');
    out.push(
      makeAssociation({
        source: 'eksctl',
        file: cluster.file,
        span: at,
        node: item,
        key: `eks:PodIdentityAssociation@${cluster.file}#${id}`,
        label: `Pod Identity association ${id}`,
        anchor: saKey.span,
        ...(clusterName ? { clusterName: loc(clusterName) } : {}),
        namespace: loc(namespace),
        serviceAccount: loc(name),
        ...(roleArn ? { roleArn: loc(roleArn) } : {}),
        ...(roleRef ? { roleRef } : {}),
        ...(target ? { targetRoleArn: loc(target) } : {}),
        ...(isScalar(disable) && disable.value !== null ? { disableSessionTags: { value: disable.value === true, span: disable.span, ...(typeof disable.value !== 'boolean' || disable.unknown ? { unknown: true } : {}) } } : {}),
      }),
    );
    const create = flag(get(item, 'createServiceAccount'));
    if (create === false) continue;
    const manifest = map(at, [
      { key: lit('apiVersion', saKey.span), value: lit('v1', saKey.span) },
      { key: lit('kind', saKey.span), value: lit('ServiceAccount', saKey.span) },
      { key: lit('metadata', saKey.span), value: map(at, [{ key: lit('name', name.span), value: name }, { key: lit('namespace', namespace.span), value: namespace }]) },
    ]);
    const built: ServiceAccount[] = [];
    buildK8s(manifest, NO_KUSTOMIZE, built as never[]);
    const managedBy: ServiceAccountManager = { tool: 'eksctl', span: at, nameSpan: name.span, conditional: create === 'unknown' };
    for (const r of built) out.push({ ...r, managedBy });
  }
}

function clusterOf(doc: PMap): Cluster {
  const name = staticText(get(doc, 'metadata', 'name'));
  const region = scalarOrUnknown(get(doc, 'metadata', 'region'), 'region');
  const regionText = staticText(region);
  const partition = regionText !== undefined ? partitionOfRegion(regionText) : undefined;
  return {
    file: doc.span.file,
    ...(name !== undefined ? { name } : {}),
    ...(partition && region ? { partition: { text: partition, span: region.span } } : {}),
    label: name?.replace(/[${}]/g, '') || 'the cluster',
  };
}

/**
 * The cluster's IAM OIDC provider: eksctl creates it with `iam.withOIDC: true`, and
 * `iam.serviceAccounts` require one. Its issuer (and so its ARN) is not in the file.
 */
function oidcProvider(cluster: Cluster, iam: PNode | undefined, hasServiceAccounts: boolean): OidcProvider | undefined {
  const withOidc = entry(iam, 'withOIDC');
  const enabled = withOidc !== undefined && isScalar(withOidc.value) && withOidc.value.value === true;
  const key = enabled ? withOidc.key : hasServiceAccounts ? entry(iam, 'serviceAccounts')?.key : undefined;
  if (!iam || !key) return undefined;
  const at = key.span;
  return makeProvider({
    file: cluster.file,
    span: at,
    node: iam,
    id: `${cluster.name ?? 'cluster'}/oidc-provider`,
    url: unknownScalar(`OIDC issuer URL of ${cluster.label}`, at),
    arn: unknownScalar(`OIDC provider ARN of ${cluster.label}`, at),
    clientIds: enabled ? [lit(AUDIENCE, at)] : [unknownScalar('clientIds', at)],
    clientIdsSpan: at,
  });
}

/** `iam.serviceAccounts[]`. Entries without a name are skipped (eksctl refuses them). */
function irsaServiceAccounts(cluster: Cluster, list: PNode | undefined): WorkloadIdentity[] {
  if (!isSeq(list)) return [];
  const out: WorkloadIdentity[] = [];
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const metaEntry = entry(item, 'metadata');
    const meta = metaEntry?.value;
    const name = nonEmpty(scalarOrUnknown(get(meta, 'name'), 'name'));
    if (!metaEntry || !name) continue;
    const metadataKey = metaEntry.key;
    const namespace = nonEmpty(scalarOrUnknown(get(meta, 'namespace'), 'namespace')) ?? lit('default', metadataKey.span);
    const at = item.span;
    const attachRoleArn = nonEmpty(scalarOrUnknown(get(item, 'attachRoleARN'), 'attachRoleARN'));
    const roleName = nonEmpty(scalarOrUnknown(get(item, 'roleName'), 'roleName'));
    const subjectPattern = nonEmpty(scalarOrUnknown(get(item, 'subjectPattern'), 'subjectPattern'));
    const roleOnly = flag(get(item, 'roleOnly'));
    const id = `iamserviceaccount/${textOf(namespace)}/${textOf(name)}`;

    let role: WorkloadIdentity['role'];
    let managedRole: ManagedRole;
    let roleArn: PScalar;
    if (attachRoleArn) {
      roleArn = attachRoleArn;
      managedRole = { kind: 'arn', arn: loc(attachRoleArn)! };
    } else {
      const rolePart = roleName ? scalarPiece(roleName) : opaquePiece('${name generated by CloudFormation}', metadataKey.span, true);
      roleArn = joinPieces(arnPieces(cluster, at, rolePart), roleName?.span ?? metadataKey.span);
      const stack = stackName(cluster, namespace, name);
      managedRole = roleName
        ? { kind: 'name', name: loc(roleName)! }
        : { kind: 'generated', logicalId: ROLE_LOGICAL_ID, ...(stack ? { stack } : {}), at: metadataKey.span };
      const subjectValue = subjectPattern ?? name;
      const subject = joinPieces(
        [opaquePiece('system:serviceaccount:', at), scalarPiece(namespace), opaquePiece(':', at), scalarPiece(subjectValue)],
        subjectValue.span,
      );
      const conditions: PEntry[] = subjectPattern
        ? [
            { key: lit('StringLike', at), value: map(at, [{ key: conditionKey(cluster, 'sub', at), value: subject }]) },
            { key: lit('StringEquals', at), value: map(at, [{ key: conditionKey(cluster, 'aud', at), value: lit(AUDIENCE, at) }]) },
          ]
        : [
            {
              key: lit('StringEquals', at),
              value: map(at, [
                { key: conditionKey(cluster, 'sub', at), value: subject },
                { key: conditionKey(cluster, 'aud', at), value: lit(AUDIENCE, at) },
              ]),
            },
          ];
      role = { ...(roleName ? { name: roleName } : {}), arn: roleArn, statements: [webIdentityStatement(cluster, at, conditions)] };
    }

    const serviceAccount: WorkloadIdentity['serviceAccount'] =
      roleOnly === true
        ? undefined
        : {
            roleArn,
            managedRole,
            labels: mapEntries(get(meta, 'labels')),
            annotations: mapEntries(get(meta, 'annotations')),
            conditional: roleOnly === 'unknown',
          };
    out.push({ id, node: item, metadataKey, namespace, name, ...(role ? { role } : {}), ...(serviceAccount ? { serviceAccount } : {}) });
  }
  return out;
}

/** The resources of one identity: its role and its ServiceAccount. */
function emit(cluster: Cluster, identity: WorkloadIdentity, out: EksctlResource[]): void {
  const at = identity.node.span;
  if (identity.role) {
    const doc = map(at, [
      { key: lit('Version', at), value: lit('2012-10-17', at) },
      { key: lit('Statement', at), value: { type: 'seq', span: at, items: identity.role.statements } },
    ]);
    out.push(
      makeRole({
        file: cluster.file,
        span: at,
        node: identity.node,
        id: identity.id,
        ...(identity.role.name ? { name: identity.role.name } : {}),
        arn: identity.role.arn,
        path: lit('/', at),
        trust: parsePolicy(doc),
        source: 'eksctl',
        serviceAccount: { namespace: loc(identity.namespace)!, name: loc(identity.name)!, createdWithRole: identity.serviceAccount !== undefined },
      }),
    );
  }
  const sa = identity.serviceAccount;
  if (!sa) return;
  const k = identity.metadataKey.span;
  const labels: PEntry[] = [...sa.labels.filter((e) => e.key.value !== MANAGED_BY_LABEL), { key: lit(MANAGED_BY_LABEL, k), value: lit('eksctl', k) }];
  // eksctl sets the role annotation last, over any written one.
  const annotations: PEntry[] = sa.roleArn
    ? [...sa.annotations.filter((e) => e.key.value !== EKSCTL_ROLE_ARN_ANNOTATION), { key: lit(EKSCTL_ROLE_ARN_ANNOTATION, sa.roleArn.span), value: sa.roleArn }]
    : [...sa.annotations];
  const manifest = map(at, [
    { key: lit('apiVersion', k), value: lit('v1', k) },
    { key: lit('kind', k), value: lit('ServiceAccount', k) },
    {
      key: identity.metadataKey,
      value: map(at, [
        { key: lit('name', identity.name.span), value: identity.name },
        { key: lit('namespace', identity.namespace.span), value: identity.namespace },
        { key: lit('labels', k), value: map(k, labels) },
        { key: lit('annotations', k), value: map(k, annotations) },
      ]),
    },
  ]);
  const built: ServiceAccount[] = [];
  buildK8s(manifest, NO_KUSTOMIZE, built as never[]);
  const managedBy: ServiceAccountManager = {
    tool: 'eksctl',
    span: at,
    nameSpan: identity.name.span,
    ...(sa.managedRole ? { role: sa.managedRole } : {}),
    conditional: sa.conditional,
  };
  for (const r of built) out.push({ ...r, managedBy });
}

/** eksctl always writes the namespace; kustomize never builds its ServiceAccounts. */
const NO_KUSTOMIZE: K8sContext = { defaultNamespace: () => 'default' };

function webIdentityStatement(cluster: Cluster, at: Span, conditions: PEntry[]): PMap {
  return map(at, [
    { key: lit('Effect', at), value: lit('Allow', at) },
    { key: lit('Principal', at), value: map(at, [{ key: lit('Federated', at), value: unknownScalar(`OIDC provider ARN of ${cluster.label}`, at) }]) },
    { key: lit('Action', at), value: { type: 'seq', span: at, items: [lit(WEB_IDENTITY, at)] } },
    { key: lit('Condition', at), value: map(at, conditions) },
  ]);
}

/** The CloudFormation stack of an iamserviceaccount (pkg/cfn/manager/iam.go `makeIAMServiceAccountStackName`). */
function stackName(cluster: Cluster, namespace: PScalar, name: PScalar): string | undefined {
  const ns = staticText(namespace);
  const n = staticText(name);
  return cluster.name !== undefined && ns !== undefined && n !== undefined ? `eksctl-${cluster.name}-addon-iamserviceaccount-${ns}-${n}` : undefined;
}

/** `<issuer>:<claim>`: the issuer is not in the file, the claim is. */
function conditionKey(cluster: Cluster, claim: 'sub' | 'aud', at: Span): PScalar {
  return joinPieces([opaquePiece(`\${OIDC issuer of ${cluster.label}}`, at, true), opaquePiece(`:${claim}`, at)], at);
}

/** `arn:<partition>:iam::<account>:role/<name>` of a role in the cluster's account. */
function arnPieces(cluster: Cluster, at: Span, name: Piece): Piece[] {
  return [
    opaquePiece('arn:', at),
    cluster.partition ? opaquePiece(cluster.partition.text, cluster.partition.span) : opaquePiece('${AWS::Partition}', at, true),
    opaquePiece(':iam::', at),
    opaquePiece('${AWS::AccountId}', at, true),
    opaquePiece(':role/', at),
    name,
  ];
}

function lit(value: string, span: Span): PScalar {
  return { type: 'scalar', value, span };
}

function map(span: Span, entries: PEntry[]): PMap {
  return { type: 'map', span, entries };
}

function mapEntries(n: PNode | undefined): PEntry[] {
  return isMap(n) ? [...n.entries] : [];
}

/**
 * A scalar field: the scalar itself; an unknown scalar for a map or list where eksctl expects a
 * string (an unquoted `{{ .Values.x }}` is a map to YAML); undefined when absent or null.
 */
function scalarOrUnknown(n: PNode | undefined, what: string): PScalar | undefined {
  if (n === undefined) return undefined;
  if (isScalar(n)) return n.value === null ? undefined : n;
  return unknownScalar(what, n.span);
}

function nonEmpty(s: PScalar | undefined): PScalar | undefined {
  return s && String(s.value) !== '' ? s : undefined;
}

function staticText(n: PNode | undefined): string | undefined {
  return isScalar(n) && !n.unknown && typeof n.value === 'string' && n.value !== '' && !looksTemplated(n.value) ? n.value : undefined;
}

function textOf(s: PScalar): string {
  return String(s.value);
}

/** `roleOnly`: a boolean; anything else (a template, a quoted string) is not known. */
function flag(n: PNode | undefined): boolean | 'unknown' {
  if (n === undefined || (isScalar(n) && n.value === null)) return false;
  if (isScalar(n) && typeof n.value === 'boolean' && !n.unknown) return n.value;
  return 'unknown';
}
