/** Builds typed Kubernetes/OpenShift resources from positioned documents. Never throws on odd shapes. */
import { parseIni, profileName } from './ini.js';
import { exact, intern, keyed, NO_KEYS, none } from '../model/compact.js';
import { entry, get, isMap, isScalar, isSeq, str, type PMap, type PNode, type PScalar } from '../model/pnode.js';
import { located, looksTemplated, type Span } from '../model/span.js';
import { POD_SPEC_OWNER_KINDS, type L } from '../model/resource.js';
import type { PodIdentityAssociation } from '../model/eks.js';
import { makeAssociation } from './pod-identity.js';
import { posFixed, posSlice, posSpan } from '../model/posmap.js';
import { positionsOf } from '../eval/value.js';
import type {
  Annotation, AuthenticationConfig, AwsProfile, Container, CredentialsRequest, DataEntry, EnvFrom, EnvVar, IniSetting, K8sResource,
  KeyToPath, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, ProjectedSource, SecretLike, SecurityContext, ServiceAccount, Volume, VolumeMount, Workload,
} from '../model/k8s.js';

/** Top-level kinds worth parsing. Anything else is skipped before the full parse. */
export const K8S_KINDS = new Set<string>([
  ...POD_SPEC_OWNER_KINDS, 'ServiceAccount', 'Secret', 'ConfigMap', 'CredentialsRequest', 'Authentication', 'List', 'Template',
  'PodIdentityAssociation',
]);

export interface K8sContext {
  /** Namespace for objects without `metadata.namespace` (kustomize `namespace:` or configuration). */
  defaultNamespace(file: string): string;
  /** What kustomize does to the objects of this file, when a loaded kustomization builds it (see kustomize.ts). */
  kustomize?(file: string): { readonly namespace?: string; readonly unknown: boolean } | undefined;
  /** The name as written in the manifest, when kustomize renamed the object to this `metadata.name`. */
  writtenName?(name: PNode): PNode | undefined;
}

type AnyK8s = ServiceAccount | Workload | SecretLike | CredentialsRequest | AuthenticationConfig | PodIdentityAssociation;

/** Returns the resources a document holds (several for `List` and OpenShift `Template`). */
export function buildK8s(doc: PNode, ctx: K8sContext, out: AnyK8s[], depth = 0): void {
  if (!isMap(doc) || depth > 4) return;
  const kind = str(get(doc, 'kind'));
  if (kind === undefined) return;
  if (kind === 'List' || kind === 'Template') {
    const items = get(doc, kind === 'List' ? 'items' : 'objects');
    if (isSeq(items)) for (const item of items.items) buildK8s(item, ctx, out, depth + 1);
    return;
  }
  const base = meta(doc, ctx);
  if (!base) return;
  if ((POD_SPEC_OWNER_KINDS as readonly string[]).includes(kind)) {
    const podSpec = podSpecOf(doc, kind);
    if (podSpec) out.push(Object.assign(base, { kind: K8S_KIND[kind] ?? `k8s:${kind}`, podSpec }) as Workload);
    return;
  }
  switch (kind) {
    case 'ServiceAccount': {
      const automount = automountOf(get(doc, 'automountServiceAccountToken'));
      out.push(Object.assign(base, { kind: 'k8s:ServiceAccount' as const }, automount ? { automountServiceAccountToken: automount } : {}));
      return;
    }
    case 'Secret':
    case 'ConfigMap':
      out.push(secretLike(doc, base, kind));
      return;
    case 'CredentialsRequest':
      if (String(str(get(doc, 'apiVersion')) ?? '').startsWith('cloudcredential.openshift.io/')) out.push(credentialsRequest(doc, base));
      return;
    case 'Authentication':
      if (String(str(get(doc, 'apiVersion')) ?? '').startsWith('config.openshift.io/')) {
        out.push(Object.assign(base, { kind: 'k8s:Authentication' as const, serviceAccountIssuer: loc(get(doc, 'spec', 'serviceAccountIssuer')) }));
      }
      return;
    case 'PodIdentityAssociation': {
      const a = podIdentityAssociationCr(doc, base);
      if (a) out.push(a);
      return;
    }
  }
}

/**
 * The Kubernetes custom resources that create EKS Pod Identity associations:
 * - the ACK EKS controller's `eks.services.k8s.aws/v1alpha1` `PodIdentityAssociation`: `spec.clusterName`
 *   (or `clusterRef`), `spec.namespace`, `spec.serviceAccount`, `spec.roleARN` (or `roleRef`),
 *   `spec.targetRoleARN`, `spec.disableSessionTags` (aws-controllers-k8s/eks-controller
 *   apis/v1alpha1/pod_identity_association.go);
 * - the Upbound (Crossplane) AWS provider's `eks.aws.upbound.io/v1beta1` (and the namespaced
 *   `eks.aws.m.upbound.io`) `PodIdentityAssociation`: the same fields under `spec.forProvider`,
 *   `roleArn`/`targetRoleArn`, with `...Ref`/`...Selector` references; `spec.initProvider` fills
 *   what `forProvider` leaves out (provider-upjet-aws apis/eks/v1beta1/zz_podidentityassociation_types.go).
 * A field given only through a reference or selector is unknown. The CR's own namespace is not the
 * association's: that is `spec.namespace` / `forProvider.namespace`.
 */
function podIdentityAssociationCr(doc: PMap, base: Base): PodIdentityAssociation | undefined {
  const apiVersion = String(str(get(doc, 'apiVersion')) ?? '');
  const group = apiVersion.split('/')[0];
  let source: 'ack' | 'crossplane';
  let field: (name: string) => PNode | undefined;
  let names: { role: string; target: string; refs: Record<string, string[]> };
  if (group === 'eks.services.k8s.aws') {
    source = 'ack';
    const spec = get(doc, 'spec');
    field = (name) => get(spec, name);
    names = { role: 'roleARN', target: 'targetRoleARN', refs: { clusterName: ['clusterRef'], roleARN: ['roleRef'] } };
  } else if (group === 'eks.aws.upbound.io' || group === 'eks.aws.m.upbound.io') {
    source = 'crossplane';
    const forProvider = get(doc, 'spec', 'forProvider');
    const init = get(doc, 'spec', 'initProvider');
    field = (name) => get(forProvider, name) ?? get(init, name);
    names = {
      role: 'roleArn',
      target: 'targetRoleArn',
      refs: { clusterName: ['clusterNameRef', 'clusterNameSelector'], roleArn: ['roleArnRef', 'roleArnSelector'], targetRoleArn: ['targetRoleArnRef', 'targetRoleArnSelector'] },
    };
  } else return undefined;
  /** A field, or an unknown value at the reference that fills it. */
  const value = (name: string): L<string> | undefined => {
    const v = loc(field(name));
    if (v) return v;
    for (const ref of names.refs[name] ?? []) {
      const r = field(ref);
      if (r) return located(`\${${ref}}`, r.span, true);
    }
    return undefined;
  };
  const name = base.name?.value ?? '<unnamed>';
  return makeAssociation({
    source,
    file: base.file,
    span: base.span,
    node: base.node,
    key: `eks:PodIdentityAssociation/${base.kindName.value}/${base.namespace}/${name}`,
    label: `PodIdentityAssociation ${name}`,
    anchor: base.kindName.span,
    clusterName: value('clusterName'),
    namespace: value('namespace'),
    serviceAccount: value('serviceAccount'),
    roleArn: value(names.role),
    targetRoleArn: value(names.target),
    disableSessionTags: locBool(field('disableSessionTags')),
  });
}

type Base = Omit<K8sResource, 'kind'>;

/** `k8s:<kind>` of each pod-template owner, one string for all its resources. */
const K8S_KIND: Readonly<Record<string, string>> = Object.fromEntries(POD_SPEC_OWNER_KINDS.map((k) => [k, `k8s:${k}`]));

function meta(doc: PMap, ctx: K8sContext): Base | undefined {
  const kindNode = get(doc, 'kind');
  const kindName = loc(kindNode);
  if (!kindName) return undefined;
  const m = get(doc, 'metadata');
  const nameNode = get(m, 'name');
  const written = loc(nameNode);
  const renamedFrom = nameNode && ctx.writtenName ? loc(ctx.writtenName(nameNode)) : undefined;
  const nsNode = loc(get(m, 'namespace'));
  let namespace = nsNode?.value ?? ctx.defaultNamespace(doc.span.file);
  let namespaceUnknown = nsNode ? !!nsNode.unknown : looksTemplated(namespace);
  // kustomize: its namespace replaces the written one (a different written one is left unknown
  // rather than silently moved). Names come renamed by kustomize.ts.
  const kz = ctx.kustomize?.(doc.span.file);
  if (kz && (kz.namespace !== undefined || kz.unknown)) {
    if (kz.unknown || (nsNode && nsNode.value !== kz.namespace)) namespaceUnknown = true;
    else {
      namespace = kz.namespace!;
      namespaceUnknown = looksTemplated(namespace);
    }
  }
  const name = written;
  const nm = name?.value ?? '<unnamed>';
  return {
    // Joined, not concatenated: kept for the whole run, and a flat string is smaller.
    key: ['k8s:', kindName.value, '/', namespace, '/', nm].join(''),
    file: doc.span.file,
    span: doc.span,
    label: [kindName.value, ' ', namespace, '/', nm].join(''),
    apiVersion: internOptional(str(get(doc, 'apiVersion'))),
    kindName,
    name,
    ...(renamedFrom ? { writtenName: renamedFrom } : {}),
    namespace,
    namespaceUnknown,
    namespaceNode: nsNode,
    metadataSpan: (isMap(m) ? entry(doc, 'metadata')?.key.span : undefined) ?? kindName.span,
    annotations: stringMap(get(m, 'annotations')),
    labels: stringMap(get(m, 'labels')),
  };
}

/** A scalar as a located string (numbers/booleans stringified). */
export function loc(n: PNode | undefined): L<string> | undefined {
  if (!isScalar(n) || n.value === null) return undefined;
  const l = located(String(n.value), n.span, n.unknown, typeof n.value === 'string' ? n.inner : undefined);
  return n.target ? { ...l, target: n.target } : l;
}

function locNum(n: PNode | undefined): L<number> | undefined {
  if (!isScalar(n) || n.value === null) return undefined;
  const v = typeof n.value === 'number' ? n.value : Number(n.value);
  if (n.unknown || Number.isNaN(v)) return located(NaN, n.span, true);
  return located(v, n.span);
}

function locBool(n: PNode | undefined): L<boolean> | undefined {
  if (!isScalar(n) || n.value === null) return undefined;
  if (typeof n.value === 'boolean') return located(n.value, n.span);
  if (n.value === 'true' || n.value === 'false') return located(n.value === 'true', n.span);
  return located(false, n.span, true);
}

const internOptional = (s: string | undefined): string | undefined => (s === undefined ? s : intern(s));

function stringMap(n: PNode | undefined): ReadonlyMap<string, Annotation> {
  if (!isMap(n) || n.entries.length === 0) return NO_KEYS;
  const out: Annotation[] = [];
  for (const e of n.entries) {
    const key = loc(e.key);
    if (!key) continue;
    const value = loc(e.value) ?? located('', e.value.span);
    const v = e.value;
    const written: Annotation['written'] = !isScalar(v) ? 'collection' : v.value === null ? 'null' : typeof v.value === 'boolean' ? 'boolean' : typeof v.value === 'number' ? 'number' : 'string';
    out.push({ key, value, written, tagged: isScalar(v) && !!v.tag });
  }
  return keyed(out);
}

function podSpecOf(doc: PMap, kind: string): PodSpec | undefined {
  let template: PNode | undefined;
  if (kind === 'Pod') return podSpec(get(doc, 'spec'), get(doc, 'metadata'), entry(doc, 'spec')?.key.span);
  if (kind === 'CronJob') template = get(doc, 'spec', 'jobTemplate', 'spec', 'template');
  else template = get(doc, 'spec', 'template');
  return podSpec(get(template, 'spec'), get(template, 'metadata'), isMap(template) ? entry(template, 'spec')?.key.span : undefined);
}

function podSpec(spec: PNode | undefined, metadata: PNode | undefined, specKeySpan: Span | undefined): PodSpec | undefined {
  if (!isMap(spec)) return undefined;
  const serviceAccountName = loc(get(spec, 'serviceAccountName'));
  const serviceAccount = loc(get(spec, 'serviceAccount'));
  const effective = serviceAccountName?.value || serviceAccount?.value || 'default';
  const saField = serviceAccountName?.value ? serviceAccountName : serviceAccount?.value ? serviceAccount : undefined;
  const sc = get(spec, 'securityContext');
  return {
    span: spec.span,
    serviceAccountName,
    serviceAccount,
    effectiveServiceAccount: effective,
    serviceAccountUnknown: !!saField?.unknown,
    serviceAccountSpan: saField?.span ?? specKeySpan ?? spec.span,
    containers: containers(get(spec, 'containers'), false),
    initContainers: containers(get(spec, 'initContainers'), true),
    volumes: volumes(get(spec, 'volumes')),
    securityContext: { ...securityContext(sc), fsGroup: locNum(get(sc, 'fsGroup')) },
    nodeSelector: stringMap(get(spec, 'nodeSelector')),
    ...requiredNodeAffinity(get(spec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution')),
    podAnnotations: stringMap(get(metadata, 'annotations')),
    podLabels: stringMap(get(metadata, 'labels')),
    podMetadataSpan: metadata?.span ?? spec.span,
    automountServiceAccountToken: automountOf(get(spec, 'automountServiceAccountToken')),
  };
}

function requiredNodeAffinity(n: PNode | undefined): Pick<PodSpec, 'requiredNodeAffinity'> {
  if (n === undefined) return {};
  const terms = get(n, 'nodeSelectorTerms');
  if (n.unknown || !isMap(n) || !isSeq(terms) || terms.unknown) return { requiredNodeAffinity: { terms: [], unknown: true } };
  let unknown = false;
  const out: NodeSelectorTerm[] = [];
  for (const t of terms.items) {
    const exprs = get(t, 'matchExpressions');
    if (!isMap(t) || t.unknown || (exprs !== undefined && (!isSeq(exprs) || exprs.unknown))) {
      unknown = true;
      continue;
    }
    const expressions: NodeSelectorRequirement[] = [];
    for (const e of isSeq(exprs) ? exprs.items : []) {
      const key = loc(get(e, 'key'));
      const operator = loc(get(e, 'operator'));
      const values = get(e, 'values');
      if (!key || !operator || (values !== undefined && !isSeq(values))) {
        unknown = true;
        continue;
      }
      expressions.push({ key, operator, values: strings(values), span: e.span });
    }
    out.push({ span: t.span, expressions: exact(expressions), matchFields: get(t, 'matchFields') !== undefined });
  }
  return { requiredNodeAffinity: { terms: exact(out), unknown } };
}

/** `automountServiceAccountToken` as the API server reads it: only `false` turns the token off. */
function automountOf(n: PNode | undefined): L<boolean> | undefined {
  if (!isScalar(n) || n.value === null) return undefined;
  return located(!(n.value === false || n.value === 'false'), n.span, n.unknown);
}

function securityContext(n: PNode | undefined): SecurityContext {
  if (!isMap(n)) return {};
  return {
    readOnlyRootFilesystem: locBool(get(n, 'readOnlyRootFilesystem')),
    runAsUser: locNum(get(n, 'runAsUser')),
    runAsNonRoot: locBool(get(n, 'runAsNonRoot')),
    span: n.span,
  };
}

function strings(n: PNode | undefined): L<string>[] {
  if (!isSeq(n)) return none();
  return exact(n.items.map(loc).filter((x): x is L<string> => x !== undefined));
}

function containers(n: PNode | undefined, init: boolean): Container[] {
  if (!isSeq(n)) return none();
  const out: Container[] = [];
  for (const c of n.items) {
    if (!isMap(c)) continue;
    const name = loc(get(c, 'name')) ?? located('', c.span);
    out.push({
      name,
      init,
      image: loc(get(c, 'image')),
      command: strings(get(c, 'command')),
      args: strings(get(c, 'args')),
      env: envVars(get(c, 'env')),
      envFrom: envFrom(get(c, 'envFrom')),
      volumeMounts: mounts(get(c, 'volumeMounts')),
      securityContext: securityContext(get(c, 'securityContext')),
      span: c.span,
    });
  }
  return exact(out);
}

function envVars(n: PNode | undefined): EnvVar[] {
  if (!isSeq(n)) return none();
  const out: EnvVar[] = [];
  for (const e of n.items) {
    const name = loc(get(e, 'name'));
    if (!name || !isMap(e)) continue;
    const vf = get(e, 'valueFrom');
    let valueFrom: EnvVar['valueFrom'];
    if (isMap(vf) && vf.entries.length > 0) {
      const k = String(vf.entries[0].key.value);
      const ref = vf.entries[0].value;
      const source = (['secretKeyRef', 'configMapKeyRef', 'fieldRef', 'resourceFieldRef'].includes(k) ? k : 'other') as NonNullable<EnvVar['valueFrom']>['source'];
      const optional = get(ref, 'optional');
      valueFrom = { source, name: loc(get(ref, 'name')), key: loc(get(ref, 'key')), optional: isScalar(optional) && (optional.value === true || optional.value === 'true') };
    }
    out.push({ name, value: loc(get(e, 'value')), valueFrom, span: e.span });
  }
  return exact(out);
}

function envFrom(n: PNode | undefined): EnvFrom[] {
  if (!isSeq(n)) return none();
  const out: EnvFrom[] = [];
  for (const e of n.items) {
    if (!isMap(e)) continue;
    const prefix = str(get(e, 'prefix'));
    for (const source of ['secretRef', 'configMapRef'] as const) {
      const ref = get(e, source);
      if (ref) out.push({ source, name: loc(get(ref, 'name')), prefix, span: e.span });
    }
  }
  return exact(out);
}

function mounts(n: PNode | undefined): VolumeMount[] {
  if (!isSeq(n)) return none();
  const out: VolumeMount[] = [];
  for (const m of n.items) {
    const name = loc(get(m, 'name'));
    const mountPath = loc(get(m, 'mountPath'));
    if (!name || !mountPath) continue;
    out.push({ name, mountPath, subPath: loc(get(m, 'subPath')), readOnly: locBool(get(m, 'readOnly')), span: m.span });
  }
  return exact(out);
}

function keyToPaths(n: PNode | undefined): KeyToPath[] {
  if (!isSeq(n)) return none();
  const out: KeyToPath[] = [];
  for (const i of n.items) {
    const key = str(get(i, 'key'));
    const path = str(get(i, 'path'));
    if (key !== undefined && path !== undefined) out.push({ key, path });
  }
  return exact(out);
}

const VOLUME_META_KEYS = new Set(['name']);

function volumes(n: PNode | undefined): Volume[] {
  if (!isSeq(n)) return none();
  const out: Volume[] = [];
  for (const v of n.items) {
    if (!isMap(v)) continue;
    const name = loc(get(v, 'name'));
    if (!name) continue;
    const src = v.entries.find((e) => !VOLUME_META_KEYS.has(String(e.key.value)));
    const type = src ? intern(String(src.key.value)) : 'emptyDir';
    const body = src?.value;
    out.push({
      name,
      type,
      typeSpan: src?.key.span ?? name.span,
      span: v.span,
      secretName: type === 'secret' ? loc(get(body, 'secretName')) : undefined,
      configMapName: type === 'configMap' ? loc(get(body, 'name')) : undefined,
      items: type === 'secret' || type === 'configMap' ? keyToPaths(get(body, 'items')) : none(),
      sources: type === 'projected' ? projectedSources(get(body, 'sources')) : none(),
    });
  }
  return exact(out);
}

function projectedSources(n: PNode | undefined): ProjectedSource[] {
  if (!isSeq(n)) return none();
  const out: ProjectedSource[] = [];
  for (const s of n.items) {
    if (!isMap(s) || s.entries.length === 0) continue;
    const k = String(s.entries[0].key.value);
    const body = s.entries[0].value;
    const type = (['serviceAccountToken', 'secret', 'configMap', 'downwardAPI', 'clusterTrustBundle'].includes(k) ? k : 'other') as ProjectedSource['type'];
    out.push({
      type,
      span: s.span,
      audience: loc(get(body, 'audience')),
      expirationSeconds: locNum(get(body, 'expirationSeconds')),
      path: loc(get(body, 'path')),
      name: type === 'secret' || type === 'configMap' ? loc(get(body, 'name')) : undefined,
      items: keyToPaths(get(body, 'items')),
    });
  }
  return exact(out);
}

/** Keys whose text is an AWS shared config/credentials file. */
const AWS_INI_KEYS = /^(credentials|config|aws[-_]?config|aws[-_]?credentials)$/i;

function secretLike(doc: PMap, base: Base, kind: 'Secret' | 'ConfigMap'): SecretLike {
  const list: DataEntry[] = [];
  const add = (n: PNode | undefined, encoded: boolean, fromStringData: boolean) => {
    if (!isMap(n)) return;
    for (const e of n.entries) {
      const key = loc(e.key);
      if (!key) continue;
      list.push(dataEntry(key, e.value, encoded, fromStringData));
    }
  };
  if (kind === 'Secret') {
    add(get(doc, 'data'), true, false);
    add(get(doc, 'stringData'), false, true); // stringData wins, as the API server merges it
  } else {
    add(get(doc, 'binaryData'), true, false);
    add(get(doc, 'data'), false, true);
  }
  const entries = keyed(list);
  const awsProfiles = new Map<string, readonly AwsProfile[]>();
  for (const [k, d] of entries) {
    if (d.text === undefined || !(AWS_INI_KEYS.test(k) || /^\s*\[[^\]]+\]/m.test(d.text) && /\b(role_arn|aws_access_key_id|web_identity_token_file)\b/.test(d.text))) continue;
    const profiles = d.iniSections();
    if (profiles.length > 0) awsProfiles.set(k, profiles);
  }
  return Object.assign(base, { kind: kind === 'Secret' ? ('k8s:Secret' as const) : ('k8s:ConfigMap' as const), entries, awsProfiles: awsProfiles.size > 0 ? awsProfiles : NO_KEYS });
}

function dataEntry(key: L<string>, value: PNode, encoded: boolean, fromStringData: boolean): DataEntry {
  const valueSpan = value.span;
  if (!isScalar(value) || value.value === null) return withIni({ key, valueSpan, positions: posFixed(valueSpan, 0), fromStringData, unknown: false });
  const raw = String(value.value);
  const unknown = !!value.unknown;
  if (!encoded) {
    const sc = value as PScalar;
    return withIni({ key, text: raw, valueSpan, positions: positionsOf(sc), fromStringData, unknown });
  }
  const compact = raw.replace(/\s+/g, '');
  const text = /^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 === 0 ? Buffer.from(compact, 'base64').toString('utf8') : undefined;
  return withIni({ key, text, valueSpan, positions: posFixed(valueSpan, text?.length ?? 0), fromStringData, unknown });
}

/** The sections of the entries whose INI reading was asked for. */
const iniReadings = new WeakMap<DataEntry, readonly AwsProfile[]>();

/** `DataEntry.iniSections`: one function for every entry (a closure per entry would cost about 100 bytes each). */
function iniSections(this: DataEntry): readonly AwsProfile[] {
  let sections = iniReadings.get(this);
  if (!sections) iniReadings.set(this, (sections = profilesOf(this)));
  return sections;
}

/** The entry with its INI reading: parsed once, when first asked for (most data is never read as INI). */
function withIni(d: Omit<DataEntry, 'iniSections'>): DataEntry {
  // Added to the object, not spread into a copy: a copy made by spread at a site that sees many
  // shapes gets a hidden class of its own, kept as long as the model.
  return Object.assign(d, { iniSections });
}

function profilesOf(d: Omit<DataEntry, 'iniSections'>): AwsProfile[] {
  const text = d.text ?? '';
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const at = (line: number, a: number, b: number) => posSpan(d.positions, lineStarts[line] + a, lineStarts[line] + b);
  const { sections } = parseIni(text);
  return sections.map((s) => {
    const settings = new Map<string, IniSetting>();
    for (const e of s.entries) {
      settings.set(e.key, {
        key: located(e.key, at(e.line, e.keyStart, e.keyEnd), d.unknown),
        value: located(e.value, at(e.line, e.valueStart, e.valueEnd), d.unknown || looksTemplated(e.value), posSlice(d.positions, lineStarts[e.line] + e.valueStart, lineStarts[e.line] + e.valueEnd)),
      });
    }
    const len = (text.slice(lineStarts[s.line]).split('\n')[0] ?? '').length;
    const name = profileName(s.name);
    return { name: name ?? s.name, header: s.name, isProfile: name !== undefined, span: at(s.line, 0, len), settings };
  });
}

function credentialsRequest(doc: PMap, base: Base): CredentialsRequest {
  const spec = get(doc, 'spec');
  const specSpan = entry(doc, 'spec')?.key.span ?? base.metadataSpan;
  const sr = get(spec, 'secretRef');
  const san = entry(spec, 'serviceAccountNames');
  const ps = get(spec, 'providerSpec');
  const providerKind = loc(get(ps, 'kind'));
  return Object.assign(base, {
    kind: 'k8s:CredentialsRequest' as const,
    specSpan,
    secretRef: isMap(sr) ? { name: loc(get(sr, 'name')), namespace: loc(get(sr, 'namespace')), span: entry(spec, 'secretRef')!.key.span } : undefined,
    serviceAccountNames: san
      ? {
          items: strings(san.value),
          span: san.value.span,
          keySpan: san.key.span,
          empty: (isSeq(san.value) && san.value.items.length === 0) || (isScalar(san.value) && (san.value.value === null || san.value.value === '')),
        }
      : undefined,
    providerKind,
    isAws: providerKind?.value === 'AWSProviderSpec',
    providerSpec: ps,
    stsIAMRoleARN: loc(get(ps, 'stsIAMRoleARN')),
    cloudTokenPath: loc(get(spec, 'cloudTokenPath')),
  });
}
