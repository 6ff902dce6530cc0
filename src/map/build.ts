/**
 * The access map of one lint run: the model in, rows out. Rows come from the credential sources
 * of every container (src/map/sources.ts, the SDK environment's chain); each row's links carry
 * their source locations, and a link's verdict comes from the findings that lie on those
 * locations (an error finding: not trusted, with its rule id), from values that are not static
 * (unknown), else trusted. The one judgement made here is the model's own: whether the named
 * role's trust policy admits the pod's ServiceAccount, or for EKS Pod Identity the association's
 * request (src/model/trust.ts), so that a row without a rule to say so is not shown as working.
 */
import { evaluateOperator, subjectScope } from '../iam/conditions.js';
import { roleNameFromArn } from '../iam/arn.js';
import type { Facts, Finding } from '../engine/types.js';
import { containersOf } from '../model/container.js';
import type { Index } from '../model/index.js';
import type { Role, Statement } from '../model/iam.js';
import type { AuthenticationConfig, Container, ServiceAccount, Workload } from '../model/k8s.js';
import {
  CONTAINER_AUTHORIZATION_TOKEN,
  CONTAINER_AUTHORIZATION_TOKEN_FILE,
  CONTAINER_CREDENTIALS_FULL_URI,
  CONTAINER_CREDENTIALS_RELATIVE_URI,
  POD_IDENTITY_AGENT_HOSTS,
  POD_IDENTITY_FULL_URI,
  POD_IDENTITY_SERVICE,
  type PodIdentityAssociation,
} from '../model/eks.js';
import { DEFAULT_ANNOTATION_PREFIX, sdkEnvironment, type ContainerCredentials } from '../model/sdk-environment.js';
import { compareSpans, isUnknown, type Located, type Span } from '../model/span.js';
import {
  claimConditions,
  isRoleTrustPolicy,
  isWebIdentityPolicy,
  podIdentityRequest,
  podIdentityStatementAdmits,
  podIdentityTrust,
  policyComplete,
  serviceAccountSubject,
  statementAdmits,
  trustedProviders,
  webIdentityStatements,
} from '../model/trust.js';
import { normPath } from '../model/container.js';
import { containerSources, roleDisplay, type AccessSource, type PodIdentitySource } from './sources.js';
import { ACCESS_PATHS, LINK_KINDS, type AccessMap, type AccessRow, type Link, type LinkKind, type MapLocation, type OrphanRole, type OrphanServiceAccount, type Verdict, type WideScope, type WideTrust } from './types.js';

export interface BuildInput {
  readonly index: Index;
  /** Every finding of the run (suppressed ones are ignored). */
  readonly findings: readonly Finding[];
  readonly facts?: Facts;
  /** Number of files read. */
  readonly files: number;
}

export interface BuildOptions {
  /** List roles and ServiceAccounts nobody uses. */
  readonly orphans?: boolean;
}

/** The pod identity webhook's token volume and mount path (`--token-mount-path` default). */
const WEBHOOK_VOLUME = 'aws-iam-token';
const WEBHOOK_MOUNT = '/var/run/secrets/eks.amazonaws.com/serviceaccount';

interface DraftSpan {
  readonly span: Span;
  readonly label: string;
  /**
   * The span is about the workload rather than this row (the pod's serviceAccountName): a finding
   * there belongs to the row only when it has no related location or one of them is on the row.
   */
  readonly weak?: boolean;
}

interface Draft {
  readonly kind: LinkKind;
  readonly spans: DraftSpan[];
  /** Inside `spans` but about other subjects (other `sub` values of an admitting condition). */
  readonly excluded: Span[];
  unknown?: string;
  broken?: string;
}

function draft(kind: LinkKind): Draft {
  return { kind, spans: [], excluded: [] };
}

function add(d: Draft, at: { readonly span: Span } | Span | undefined, label: string, weak = false): void {
  if (!at) return;
  const span = 'span' in at ? at.span : at;
  d.spans.push(weak ? { span, label, weak } : { span, label });
}

export function contains(outer: Span, inner: Span): boolean {
  if (outer.file !== inner.file) return false;
  const startOk = inner.line > outer.line || (inner.line === outer.line && inner.column >= outer.column);
  const endOk = inner.endLine < outer.endLine || (inner.endLine === outer.endLine && inner.endColumn <= outer.endColumn);
  return startOk && endOk;
}

/** What the role link found: the roles the name resolves to, and the statements that admit the ServiceAccount. */
interface Judged {
  readonly roles: readonly Role[];
  readonly statements: readonly Statement[];
}

function isBarePolicy(r: Role): boolean {
  return (!r.arn || !!r.arn.unknown) && (!r.name || !!r.name.unknown);
}

function statementLabel(s: Statement): string {
  return s.sid && !s.sid.unknown ? `trust statement "${s.sid.value}"` : `trust statement ${s.index}`;
}

function roleLink(index: Index, src: AccessSource, sub: string | undefined): { d: Draft; judged?: Judged } {
  const d = draft('role');
  add(d, src.roleAt, src.roleLabel ?? 'role');
  for (const s of src.profileAt?.settings ?? []) {
    const k = s.key.value.toLowerCase();
    if (k === 'source_profile' || k === 'credential_source') add(d, s.value, `profile ${k}`);
  }
  if (!src.roleAt) {
    d.unknown = 'the role is not named in the repository';
    return { d };
  }
  if (!src.role) {
    d.unknown = 'the role ARN is not static';
    return { d };
  }
  if (src.kind === 'profileAssumeRole') {
    d.unknown = `assumed with the credentials of another profile (${src.profile}): that trust is not judged`;
    return { d };
  }
  if (!sub) {
    d.unknown = 'the ServiceAccount is not static';
    return { d };
  }
  let roles: readonly Role[] = index.rolesByArnOrName(src.role);
  let bare = false;
  if (roles.length === 0) {
    roles = index.rolesListingSubject(sub).filter(isBarePolicy);
    bare = true;
  }
  if (roles.length === 0) {
    d.unknown = `role "${src.role}" is not in the repository`;
    return { d };
  }
  const statements: Statement[] = [];
  let admitted = false;
  let unknown: string | undefined;
  for (const r of roles) {
    if (!bare) add(d, r.arn ?? r.name ?? r.span, 'role');
    const trust = r.trust;
    if (!policyComplete(trust)) {
      add(d, trust ?? r.span, 'trust policy');
      unknown ??= `the trust policy of role "${roleDisplay(r)}" is not static`;
      continue;
    }
    const grants = webIdentityStatements(trust);
    if (grants.length === 0) {
      add(d, trust, bare ? 'trust policy that lists this ServiceAccount' : 'trust policy');
      continue;
    }
    const verdicts = grants.map((s) => statementAdmits(s, { sub }, ['sub']));
    const admitting = grants.filter((_, i) => verdicts[i] === true);
    if (admitting.length) {
      admitted = true;
      for (const s of admitting) {
        add(d, s, bare ? `${statementLabel(s)} (a trust policy without role ARN that lists this ServiceAccount)` : statementLabel(s));
        statements.push(s);
        // The principal is the provider link's.
        for (const f of s.federated) d.excluded.push(f.span);
        for (const c of s.conditions) {
          if (c.claim.toLowerCase() !== 'sub' || c.unknown) continue;
          for (const v of c.values) if (evaluateOperator(c.operator.value, [v.value], sub) !== true) d.excluded.push(v.span);
        }
      }
    } else {
      for (const s of grants) add(d, s, statementLabel(s));
      if (verdicts.some((v) => v === undefined)) unknown ??= `the trust policy of role "${roleDisplay(r)}" has values that are not static`;
    }
  }
  if (!admitted) {
    if (unknown) d.unknown = unknown;
    else d.broken = `the trust policy does not admit "${sub}"`;
  }
  return { d, judged: { roles, statements } };
}

function providerLink(index: Index, facts: Facts, judged: Judged | undefined): Draft {
  const d = draft('provider');
  if (!judged || judged.statements.length === 0) {
    d.unknown = judged ? 'no trust statement admits the ServiceAccount' : 'the trust policy is not known';
    return d;
  }
  const hosts = new Set<string>();
  let unknownHost = false;
  for (const s of judged.statements) {
    for (const p of trustedProviders(s) ?? []) {
      add(d, p.principal, 'Federated principal');
      if (p.host === undefined) unknownHost = true;
      else hosts.add(p.host);
    }
  }
  const missing: string[] = [];
  for (const host of [...hosts].sort()) {
    const known = index.providersFor(host);
    for (const p of known) add(d, p.url ?? p.span, 'OIDC provider');
    const fromFacts = (facts.oidcProviders ?? []).some((p) => (p.issuer && p.issuer.replace(/^https:\/\//, '').replace(/\/$/, '') === host) || (p.arn && p.arn.endsWith(`:oidc-provider/${host}`)));
    if (known.length === 0 && !fromFacts) missing.push(host);
  }
  for (const a of index.ofKind<AuthenticationConfig>('k8s:Authentication')) add(d, a.serviceAccountIssuer, 'cluster serviceAccountIssuer', true);
  if (unknownHost) d.unknown = 'the OIDC provider of the trust policy is not static';
  else if (missing.length) d.unknown = `OIDC provider "${missing[0]}" is not in the repository or the configuration`;
  return d;
}

/** Projected service account token sources that give container `c` the file `file`, with their mounts. */
function tokenMounts(w: Workload, c: Container, file: string): { source: Span; mount: Located<string> }[] {
  const out: { source: Span; mount: Located<string> }[] = [];
  const f = normPath(file);
  for (const m of c.volumeMounts) {
    if (isUnknown(m.mountPath) || isUnknown(m.name)) continue;
    const mp = normPath(m.mountPath.value);
    const v = w.podSpec.volumes.find((x) => x.name.value === m.name.value);
    if (!v || v.type !== 'projected') continue;
    for (const s of v.sources) {
      if (s.type !== 'serviceAccountToken') continue;
      const p = s.path && !isUnknown(s.path) ? normPath(s.path.value).replace(/^\/+/, '') : undefined;
      if (p === undefined) continue;
      const at = m.subPath ? (normPath(m.subPath.value).replace(/^\/+/, '') === p ? mp : undefined) : `${mp}/${p}`;
      if (at === f) out.push({ source: s.span, mount: m.mountPath });
    }
  }
  return out;
}

function tokenLink(w: Workload, c: Container, src: AccessSource, sa: ServiceAccount | undefined, prefix: string): Draft {
  const d = draft('token');
  if (src.path === 'webhook') {
    const audience = sa?.annotations.get(`${prefix}/audience`);
    const role = sa?.annotations.get(`${prefix}/role-arn`);
    add(d, audience?.value ?? role?.key, audience ? 'audience annotation' : 'token injected by the pod identity webhook');
    for (const v of w.podSpec.volumes) if (v.name.value === WEBHOOK_VOLUME) add(d, v.name, 'pod volume named like the webhook token volume');
    for (const m of c.volumeMounts) if (!isUnknown(m.mountPath) && normPath(m.mountPath.value) === WEBHOOK_MOUNT) add(d, m.mountPath, 'mount at the webhook token path');
    if (audience && isUnknown(audience.value)) d.unknown = 'the audience annotation is not static';
    return d;
  }
  const files: { at: Located<string>; label: string }[] = [];
  if (src.tokenFile) files.push({ at: src.tokenFile, label: src.tokenLabel ?? 'token file' });
  else if (src.ccoctl?.secret) {
    for (const profiles of src.ccoctl.secret.awsProfiles.values()) {
      for (const p of profiles) {
        for (const [k, s] of p.settings) if (k.toLowerCase() === 'web_identity_token_file') files.push({ at: s.value, label: 'Secret web_identity_token_file' });
      }
    }
  }
  if (files.length === 0) {
    d.unknown = 'the token file is not known';
    return d;
  }
  for (const f of files) {
    add(d, f.at, f.label);
    if (isUnknown(f.at)) {
      d.unknown = `${f.label} is not static`;
      continue;
    }
    for (const m of tokenMounts(w, c, f.at.value)) {
      add(d, m.mount, 'token mount');
      add(d, m.source, 'projected serviceAccountToken');
    }
  }
  return d;
}

function serviceAccountLink(index: Index, w: Workload): { d: Draft; sa?: ServiceAccount } {
  const d = draft('service-account');
  const spec = w.podSpec;
  add(d, spec.serviceAccountSpan, spec.serviceAccountName || spec.serviceAccount ? 'serviceAccountName' : 'pod spec (default ServiceAccount)', true);
  if (w.namespaceUnknown || spec.serviceAccountUnknown) {
    d.unknown = w.namespaceUnknown ? 'the namespace is not static' : 'the ServiceAccount name is not static';
    return { d };
  }
  const sa = index.serviceAccount(w.namespace, spec.effectiveServiceAccount);
  if (!sa) {
    d.unknown = `ServiceAccount "${w.namespace}/${spec.effectiveServiceAccount}" is not in the repository`;
    return { d };
  }
  add(d, sa.name ?? sa.metadataSpan, 'ServiceAccount');
  return { d, sa };
}

function secretLink(w: Workload, src: AccessSource): Draft {
  const d = draft('secret');
  const cc = src.ccoctl!;
  add(d, cc.ref, 'Secret reference');
  if (cc.secret) add(d, cc.secret.name ?? cc.secret.metadataSpan, 'Secret');
  for (const r of cc.requests) {
    add(d, r.secretRef?.span, 'CredentialsRequest secretRef');
    add(d, r.serviceAccountNames?.span, 'CredentialsRequest serviceAccountNames');
  }
  if (w.namespaceUnknown) d.unknown = 'the namespace is not static';
  else if (!cc.secret && !cc.requests.some((r) => r.stsIAMRoleARN)) d.unknown = `Secret "${w.namespace}/${cc.ref.value}" is not in the repository`;
  return d;
}

function profileLink(src: AccessSource): Draft {
  const d = draft('profile');
  const p = src.profileAt!;
  add(d, p.selected.at, p.selected.variable ?? 'profile');
  add(d, p.fileAt, 'shared file');
  for (const f of p.file ? [p.file] : []) {
    for (const s of f.sections) {
      if (s.profile && [...s.profile.settings.values()].some((x) => p.settings.includes(x))) add(d, s.profile.span, `profile section [${s.header}]`);
    }
  }
  return d;
}

function keysLink(src: AccessSource): Draft {
  const d = draft('keys');
  const k = src.keys;
  if (!k) {
    d.unknown = 'AWS_ACCESS_KEY_ID is not static';
    return d;
  }
  add(d, k.at, k.label);
  for (const m of k.more) add(d, m.at, m.label);
  return d;
}

// ---------------------------------------------------------------------------------------------
// EKS Pod Identity

/** Node labels that decide whether EKS Pod Identity is available to a pod (Linux EC2 nodes only). */
const PLACEMENT_KEYS: readonly string[] = ['kubernetes.io/os', 'beta.kubernetes.io/os', 'eks.amazonaws.com/compute-type'];

const CONTAINER_VARIABLES = [CONTAINER_CREDENTIALS_FULL_URI, CONTAINER_CREDENTIALS_RELATIVE_URI, CONTAINER_AUTHORIZATION_TOKEN_FILE, CONTAINER_AUTHORIZATION_TOKEN] as const;

/** The associations, their fields, and where the pod spec places the pods (podid/supported-compute reports there). */
function associationLink(w: Workload, p: PodIdentitySource): Draft {
  const d = draft('association');
  if (p.roles.length === 0) {
    d.unknown = `no EKS Pod Identity association for ServiceAccount "${w.namespace}/${w.podSpec.effectiveServiceAccount}" in the repository (the container sets the container credentials endpoint itself)`;
    return d;
  }
  for (const { association: a } of p.roles) {
    add(d, a.anchor, a.label);
    add(d, a.clusterName, 'association cluster');
    add(d, a.namespace, 'association namespace');
    add(d, a.serviceAccount, 'association serviceAccount');
    add(d, a.disableSessionTags, 'association disableSessionTags');
    add(d, a.associationArn, 'association ARN');
  }
  const spec = w.podSpec;
  for (const key of PLACEMENT_KEYS) add(d, spec.nodeSelector.get(key)?.value, `nodeSelector "${key}"`, true);
  for (const t of spec.requiredNodeAffinity?.terms ?? []) {
    for (const e of t.expressions) if (!isUnknown(e.key) && PLACEMENT_KEYS.includes(e.key.value)) add(d, e.span, `required node affinity on "${e.key.value}"`, true);
  }
  return d;
}

type TrustOutcome = { ok: true } | { ok: false; unknown?: string; broken?: string };

/** Does the role's trust policy let EKS Pod Identity assume it for this association? Its statements go on the link. */
function podIdentityTrustOf(d: Draft, a: PodIdentityAssociation, role: Role): TrustOutcome {
  const shown = roleDisplay(role);
  const trust = podIdentityTrust(role.trust);
  if (!trust) {
    add(d, role.trust ?? role.span, 'trust policy');
    return { ok: false, unknown: `the trust policy of role "${shown}" is not static` };
  }
  if (trust.assume.length === 0) {
    for (const s of trust.naming) add(d, s, statementLabel(s));
    if (trust.naming.length === 0) add(d, role.trust!.statementEntry?.key ?? role.trust!.span, 'trust policy');
    return { ok: false, broken: `the trust policy of role "${shown}" does not let ${POD_IDENTITY_SERVICE} call sts:AssumeRole` };
  }
  const req = podIdentityRequest(a, role);
  const verdicts = trust.assume.map((s) => (req ? podIdentityStatementAdmits(s, req) : undefined));
  const admitting = trust.assume.filter((_, i) => verdicts[i] === true);
  if (admitting.length === 0) {
    for (const s of trust.assume) add(d, s, statementLabel(s));
    if (verdicts.some((v) => v === undefined)) return { ok: false, unknown: req ? `the trust policy of role "${shown}" has conditions that are not static` : 'the association has values that are not static' };
    return { ok: false, broken: `the trust policy of role "${shown}" does not admit the association's request (${req!.namespace}/${req!.serviceAccount}${req!.sessionTags ? '' : ', without session tags'})` };
  }
  for (const s of admitting) add(d, s, statementLabel(s));
  if (req!.sessionTags && trust.tagSession.length === 0) return { ok: false, broken: `the trust policy of role "${shown}" lets ${POD_IDENTITY_SERVICE} call sts:AssumeRole but not sts:TagSession` };
  for (const s of trust.tagSession) if (!admitting.includes(s)) add(d, s, statementLabel(s));
  return { ok: true };
}

/** Where each association names its role, the roles, and their Pod Identity trust statements. */
function podIdentityRoleLink(p: PodIdentitySource): { d: Draft; roles: Role[] } {
  const d = draft('role');
  const roles: Role[] = [];
  let unknown: string | undefined;
  let broken: string | undefined;
  for (const r of p.roles) {
    const a = r.association;
    add(d, a.roleArn ?? a.roleRef?.span, a.roleArn ? 'association roleArn' : 'association role reference');
    if (!a.roleArn && !a.roleRef) {
      unknown ??= a.source === 'list' ? 'list-pod-identity-associations output does not name the role' : 'the association names no role';
      continue;
    }
    if (r.roles.length === 0) {
      unknown ??= r.name !== undefined ? `role "${r.name}" is not in the repository` : 'the role ARN is not static';
      continue;
    }
    // Several descriptions of one role: the association works when one of them admits it.
    const outcomes = r.roles.map((role) => {
      roles.push(role);
      add(d, role.arn ?? role.name ?? role.span, 'role');
      return podIdentityTrustOf(d, a, role);
    });
    if (outcomes.some((o) => o.ok)) continue;
    const failed = outcomes as { ok: false; unknown?: string; broken?: string }[];
    const u = failed.find((o) => o.unknown)?.unknown;
    if (u) unknown ??= u;
    else broken ??= failed[0].broken;
  }
  if (broken) d.broken = broken;
  else if (unknown) d.unknown = unknown;
  return { d, roles };
}

/** Cross-account role chaining: where the target role is named, and the target roles. */
function targetRoleLink(p: PodIdentitySource): { d: Draft; roles: Role[] } {
  const d = draft('target-role');
  const roles: Role[] = [];
  for (const t of p.targets) {
    const a = t.association;
    add(d, a.targetRoleArn ?? a.targetRoleRef?.span, a.targetRoleArn ? 'association targetRoleArn' : 'association target role reference');
    if (t.roles.length === 0) {
      d.unknown ??= t.name !== undefined ? `role "${t.name}" is not in the repository` : 'the target role ARN is not static';
      continue;
    }
    for (const role of t.roles) {
      roles.push(role);
      add(d, role.arn ?? role.name ?? role.span, 'target role');
    }
    const from = associationRoleText(t.association, p);
    d.unknown ??= `whether the trust policy of role "${roleDisplay(t.roles[0])}" lets ${from} call sts:AssumeRole and sts:TagSession is not judged`;
  }
  return { d, roles };
}

function associationRoleText(a: PodIdentityAssociation, p: PodIdentitySource): string {
  const r = p.roles.find((x) => x.association === a);
  return r?.name !== undefined ? `role "${r.name}"` : "the association's role";
}

/** The container credential variables the container sets itself; none when the pod identity webhook adds them all. */
function containerCredentialsLink(cc: ContainerCredentials): Draft | undefined {
  const own = [cc.fullUri, cc.relativeUri, cc.tokenFile, cc.token];
  if (cc.source === 'podIdentity' && own.every((p) => p.state === 'unset')) return undefined;
  const d = draft('token');
  own.forEach((p, i) => {
    const name = CONTAINER_VARIABLES[i];
    if (p.state === 'maybe') d.unknown ??= `${name} is not static`;
    if (p.state !== 'set') return;
    add(d, p.at, name);
    if (p.via !== 'value' && p.key) add(d, p.key, `${p.sourceKind} ${p.sourceName} key`);
  });
  const full = cc.fullUri;
  if (full.state === 'set') {
    if (!full.value || isUnknown(full.value)) d.unknown ??= `${CONTAINER_CREDENTIALS_FULL_URI} is not static`;
    else if (!isAgentEndpoint(full.value.value)) d.unknown ??= `${CONTAINER_CREDENTIALS_FULL_URI} is not the EKS Pod Identity Agent (${POD_IDENTITY_FULL_URI})`;
  } else if (cc.relativeUri.state === 'set') d.unknown ??= `${CONTAINER_CREDENTIALS_RELATIVE_URI} names an ECS credentials endpoint, not the EKS Pod Identity Agent`;
  return d;
}

function isAgentEndpoint(uri: string): boolean {
  try {
    return POD_IDENTITY_AGENT_HOSTS.includes(new URL(uri.trim()).hostname);
  } catch {
    return false;
  }
}

function podIdentityLinks(w: Workload, p: PodIdentitySource): { drafts: Draft[]; judged: Judged } {
  const drafts = [associationLink(w, p)];
  const roles: Role[] = [];
  if (p.roles.length > 0) {
    const r = podIdentityRoleLink(p);
    drafts.push(r.d);
    roles.push(...r.roles);
    if (p.targets.length > 0) {
      const t = targetRoleLink(p);
      drafts.push(t.d);
      roles.push(...t.roles);
    }
  }
  const token = containerCredentialsLink(p.credentials);
  if (token) drafts.push(token);
  return { drafts, judged: { roles: [...new Set(roles)], statements: [] } };
}

/** Turn drafts into links: findings on their spans decide the verdict. `findings` are grouped by the file of their location. */
function finish(drafts: readonly Draft[], findings: ReadonlyMap<string, readonly Finding[]>): Link[] {
  const strong = drafts.flatMap((d) => d.spans.filter((s) => !s.weak).map((s) => s.span));
  return drafts.map((d) => {
    const rules = new Set<string>();
    const notes = new Set<string>();
    const candidates = new Set(d.spans.flatMap((s) => findings.get(s.span.file) ?? []));
    for (const f of candidates) {
      const on = d.spans.find((s) => contains(s.span, f.location));
      if (!on || d.excluded.some((x) => contains(x, f.location))) continue;
      if (on.weak && f.related.length > 0 && !f.related.some((r) => strong.some((s) => contains(s, r.location)))) continue;
      (f.severity === 'error' ? rules : notes).add(f.ruleId);
    }
    const verdict: Verdict = rules.size || d.broken ? 'not-trusted' : d.unknown ? 'unknown' : 'trusted';
    const reason = rules.size ? undefined : (d.broken ?? d.unknown);
    const locations = dedupeLocations(d.spans.map((s) => ({ label: s.label, span: s.span })));
    return { kind: d.kind, verdict, rules: [...rules].sort(), notes: [...notes].filter((n) => !rules.has(n)).sort(), ...(reason ? { reason } : {}), locations };
  });
}

function dedupeLocations(list: MapLocation[]): MapLocation[] {
  const seen = new Set<string>();
  const out: MapLocation[] = [];
  for (const l of [...list].sort((a, b) => compareSpans(a.span, b.span) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))) {
    const k = `${l.span.file}:${l.span.line}:${l.span.column}:${l.span.endLine}:${l.span.endColumn}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(l);
  }
  return out;
}

const RANK: Readonly<Record<Verdict, number>> = { trusted: 0, unknown: 1, 'not-trusted': 2 };

export function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((a, b) => (RANK[b] > RANK[a] ? b : a), 'trusted');
}

function kindName(w: Workload): string {
  return w.kind.slice('k8s:'.length);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareRows(a: AccessRow, b: AccessRow): number {
  return (
    cmp(a.namespace, b.namespace) ||
    cmp(a.workload.kind, b.workload.kind) ||
    cmp(a.workload.name, b.workload.name) ||
    cmp(a.workload.file, b.workload.file) ||
    cmp(a.container, b.container) ||
    ACCESS_PATHS.indexOf(a.path) - ACCESS_PATHS.indexOf(b.path) ||
    cmp(a.role ?? '', b.role ?? '') ||
    cmp(a.profile ?? '', b.profile ?? '')
  );
}

export function rowIdentity(r: Pick<AccessRow, 'namespace' | 'workload' | 'container' | 'path' | 'role' | 'profile'>): string {
  return `${r.namespace}/${r.workload.kind}/${r.workload.name}/${r.container}|${r.path}|${r.role ?? '-'}${r.profile !== undefined ? `|profile=${r.profile}` : ''}`;
}

export function buildAccessMap(input: BuildInput, options: BuildOptions = {}): AccessMap {
  const { index } = input;
  const facts = input.facts ?? {};
  const prefix = facts.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX;
  const findings = new Map<string, Finding[]>();
  for (const f of input.findings) {
    if (f.suppressions?.length) continue;
    const list = findings.get(f.location.file);
    if (list) list.push(f);
    else findings.set(f.location.file, [f]);
  }
  const rows: (AccessRow & { roles: readonly Role[] })[] = [];
  for (const w of index.ofKind<Workload>('k8s:PodSpecOwner')) {
    for (const c of containersOf(w)) {
      const env = sdkEnvironment(index, w, c, { annotationPrefix: prefix });
      for (const src of containerSources(index, env)) {
        if (src.kind === 'envKeys' && !src.keys) continue; // a maybe-set key: it only shadows
        const drafts: Draft[] = [];
        let judged: Judged | undefined;
        const { d: saLink, sa } = serviceAccountLink(index, w);
        const sub = !w.namespaceUnknown && !w.podSpec.serviceAccountUnknown ? serviceAccountSubject(w.namespace, w.podSpec.effectiveServiceAccount) : undefined;
        if (src.path !== 'static-keys') drafts.push(saLink);
        if (src.path === 'ccoctl-secret') drafts.push(secretLink(w, src));
        if (src.profileAt && src.kind !== 'off-chain') drafts.push(profileLink(src));
        if (src.podIdentity) {
          const p = podIdentityLinks(w, src.podIdentity);
          judged = p.judged;
          drafts.push(...p.drafts);
        } else if (src.path === 'static-keys') drafts.push(keysLink(src));
        else {
          const r = roleLink(index, src, sub);
          judged = r.judged;
          drafts.push(r.d);
          if (src.kind === 'envWebIdentity' || src.kind === 'profileWebIdentity' || src.kind === 'off-chain') {
            drafts.push(tokenLink(w, c, src, sa, prefix));
            drafts.push(providerLink(index, facts, judged));
          }
        }
        drafts.sort((a, b) => LINK_KINDS.indexOf(a.kind) - LINK_KINDS.indexOf(b.kind));
        const links = finish(drafts, findings);
        const base = {
          namespace: w.namespace,
          workload: { kind: kindName(w), name: w.name?.value ?? '', file: w.file },
          container: c.name.value,
          path: src.path,
          ...(src.role !== undefined ? { role: src.role } : {}),
          ...(src.profile !== undefined ? { profile: src.profile } : {}),
        };
        rows.push({
          id: rowIdentity(base),
          ...base,
          init: c.init,
          ...(sub ? { serviceAccount: w.podSpec.effectiveServiceAccount } : {}),
          verdict: worst(links.map((l) => l.verdict)),
          chain: src.chain,
          links,
          roles: judged?.roles ?? [],
        });
      }
    }
  }
  rows.sort(compareRows);
  // Identities are unique: a workload defined twice (overlays) keeps its rows apart by file.
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  const seen = new Set<string>();
  const unique: (AccessRow & { roles: readonly Role[] })[] = [];
  for (const r of rows) {
    const id = (counts.get(r.id) ?? 0) > 1 ? `${r.id}@${r.workload.file}` : r.id;
    if (seen.has(id)) continue;
    seen.add(id);
    unique.push({ ...r, id });
  }
  const usedBy = new Map<Role, string[]>();
  for (const r of unique) for (const role of r.roles) usedBy.set(role, [...(usedBy.get(role) ?? []), r.id]);
  const wideTrust = wideTrustOf(index, usedBy);
  const out: AccessMap = {
    rows: unique.map(({ roles: _roles, ...r }) => r),
    wideTrust,
    ...(options.orphans ? { orphans: orphansOf(index, usedBy, prefix) } : {}),
    files: input.files,
  };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Trust policies that admit more than single ServiceAccounts

const SA_PREFIX = 'system:serviceaccount:';

function namespacePart(value: string): string {
  const rest = value.slice(SA_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? rest : rest.slice(0, colon);
}

function describeWide(scope: WideScope, value: string | undefined): { description: string; namespace?: string } {
  if (value === undefined) return { description: 'admits any ServiceAccount of the cluster (no "sub" condition)' };
  const ns = value.startsWith(SA_PREFIX) ? namespacePart(value) : undefined;
  switch (scope) {
    case 'namespace':
      return { description: `admits any ServiceAccount in namespace "${ns}"`, namespace: ns };
    case 'service-account-pattern':
      return { description: `admits every ServiceAccount matching "${value.slice(SA_PREFIX.length + ns!.length + 1)}" in namespace "${ns}"`, namespace: ns };
    case 'namespace-pattern':
      return { description: `admits ServiceAccounts in every namespace matching "${ns}"` };
    case 'cluster':
      return { description: `admits ServiceAccounts in every namespace of the cluster ("${value}")` };
  }
}

function wideTrustOf(index: Index, usedBy: ReadonlyMap<Role, string[]>): WideTrust[] {
  const out: WideTrust[] = [];
  for (const role of index.ofKind<Role>('iam:Role')) {
    if (!isRoleTrustPolicy(role)) continue;
    for (const s of webIdentityStatements(role.trust)) {
      if (s.node.unknown || !s.conditionsStatic) continue;
      const providers = trustedProviders(s) ?? [];
      const subs = new Set(providers.flatMap((p) => claimConditions(s, 'sub', p)).filter((c) => c.op.known && !c.op.negated && (c.op.family === 'string' || c.op.family === 'arn')));
      const base = { role: roleDisplay(role), statement: s.index, ...(s.sid && !s.sid.unknown ? { sid: s.sid.value } : {}), usedBy: [...(usedBy.get(role) ?? [])].sort() };
      if (subs.size === 0) {
        if (providers.length === 0 || s.conditions.some((c) => c.unknown)) continue;
        out.push({ ...base, scope: 'cluster', ...describeWide('cluster', undefined), location: providers[0].principal.span });
        continue;
      }
      const list = s.conditions.filter((c) => subs.has(c));
      const narrow = (c: (typeof list)[number]) => !c.unknown && c.values.every((v) => !isUnknown(v) && ['exact', 'service-account-pattern'].includes(subjectScope(c.op, v.value)));
      for (const c of list) {
        if (!c.op.like || c.claimUnknown || c.unknown) continue;
        // Another positive `sub` condition (ANDed with this one) that names narrower subjects decides.
        if (list.some((o) => o !== c && narrow(o))) continue;
        for (const v of c.values) {
          const scope = subjectScope(c.op, v.value);
          if (scope === 'exact' || scope === 'other') continue;
          out.push({ ...base, scope, pattern: v.value, operator: c.operator.value, ...describeWide(scope, v.value), location: v.span });
        }
      }
    }
  }
  return out.sort((a, b) => cmp(a.role, b.role) || compareSpans(a.location, b.location));
}

// ---------------------------------------------------------------------------------------------
// Orphans

function orphansOf(index: Index, usedBy: ReadonlyMap<Role, string[]>, prefix: string): { roles: OrphanRole[]; serviceAccounts: OrphanServiceAccount[] } {
  // Role-arn annotations that an EKS Pod Identity association of the same ServiceAccount overrides (a migration half done).
  const overridden = new Map<Role, string>();
  for (const sa of index.ofKind<ServiceAccount>('k8s:ServiceAccount')) {
    const a = sa.annotations.get(`${prefix}/role-arn`);
    if (!a || !sa.name || isUnknown(sa.name) || sa.namespaceUnknown || index.associationsFor(sa.namespace, sa.name.value).length === 0) continue;
    for (const r of index.rolesNamedBy(a.value)) if (!overridden.has(r)) overridden.set(r, `${sa.namespace}/${sa.name.value}`);
  }
  const roles: OrphanRole[] = [];
  for (const role of index.ofKind<Role>('iam:Role')) {
    if (usedBy.has(role) || !isRoleTrustPolicy(role) || !isWebIdentityPolicy(role.trust)) continue;
    const subjects = new Set<string>();
    for (const s of webIdentityStatements(role.trust)) {
      for (const c of s.conditions) {
        if (c.claim.toLowerCase() !== 'sub' || c.unknown || !c.op.known || c.op.negated) continue;
        for (const v of c.values) if (subjectScope(c.op, v.value) === 'exact') subjects.add(v.value);
      }
    }
    const listed = [...subjects].sort();
    const runs = listed.some((sub) => {
      const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub);
      return !!m && index.workloadsUsing(m[1], m[2]).length > 0;
    });
    roles.push({
      role: roleDisplay(role),
      location: (role.arn ?? role.name)?.span ?? role.trust?.span ?? role.span,
      subjects: listed,
      reason: overridden.has(role)
        ? `the role-arn annotation of ServiceAccount "${overridden.get(role)}" names it, but that ServiceAccount's EKS Pod Identity association takes precedence`
        : runs
          ? 'no workload of the repository names this role, though workloads run as ServiceAccounts it admits'
          : 'no workload of the repository names this role',
    });
  }
  const serviceAccounts: OrphanServiceAccount[] = [];
  for (const sa of index.ofKind<ServiceAccount>('k8s:ServiceAccount')) {
    const a = sa.annotations.get(`${prefix}/role-arn`);
    if (!a || isUnknown(a.value) || a.value.value.trim() === '' || !sa.name || isUnknown(sa.name) || sa.namespaceUnknown) continue;
    if (index.workloadsUsing(sa.namespace, sa.name.value).length > 0) continue;
    serviceAccounts.push({ namespace: sa.namespace, name: sa.name.value, role: a.value.value.trim(), location: a.value.span, reason: 'no workload of the repository runs as this ServiceAccount' });
  }
  roles.sort((a, b) => cmp(a.role, b.role) || compareSpans(a.location, b.location));
  serviceAccounts.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
  return { roles, serviceAccounts };
}

/** The role name of an ARN (for short labels), else the text as it is. */
export function shortRole(role: string): string {
  return roleNameFromArn(role) ?? role;
}
