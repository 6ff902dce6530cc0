/**
 * The access map of one lint run: the model in, rows out. Rows come from the credential sources
 * of every container (src/map/sources.ts); each row's links carry their source locations, and a
 * link's verdict comes from the findings that lie on those locations (an error finding: not
 * trusted, with its rule id), from values that are not static (unknown), else trusted. The one
 * judgement made here is the model's own: whether the named role's trust policy admits the
 * pod's ServiceAccount (src/model/trust.ts), so that a row without a rule to say so is not shown
 * as working.
 */
import { evaluateOperator, subjectScope } from '../iam/conditions.js';
import { roleNameFromArn } from '../iam/arn.js';
import type { Facts, Finding } from '../engine/types.js';
import { containersOf } from '../model/container.js';
import type { Index } from '../model/index.js';
import type { Role, Statement } from '../model/iam.js';
import type { AuthenticationConfig, Container, ServiceAccount, Workload } from '../model/k8s.js';
import { DEFAULT_ANNOTATION_PREFIX, sdkEnvironment } from '../model/sdk-environment.js';
import { compareSpans, isUnknown, type Located, type Span } from '../model/span.js';
import { claimConditions, isRoleTrustPolicy, isWebIdentityPolicy, policyComplete, serviceAccountSubject, statementAdmits, trustedProviders, webIdentityStatements } from '../model/trust.js';
import { normPath } from '../model/container.js';
import { chainStates, containerSources, DEFAULT_PROVIDERS, type CredentialSource, type SourceProvider } from './sources.js';
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
  /** Credential sources beyond the built-in ones (see `SourceProvider`); default: the EKS Pod Identity provider. */
  readonly providers?: readonly SourceProvider[];
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

/** A role as shown: its ARN, else its name, else what the loader calls it (a Terraform address, `trust policy in <file>`) and its file. */
export function roleDisplay(r: Role): string {
  if (r.arn && !isUnknown(r.arn)) return r.arn.value;
  if (r.name && !isUnknown(r.name)) return r.name.value;
  const label = r.label.replace(/^role /, '');
  return label.includes(r.file) ? label : `${label} in ${r.file}`;
}

function statementLabel(s: Statement): string {
  return s.sid && !s.sid.unknown ? `trust statement "${s.sid.value}"` : `trust statement ${s.index}`;
}

function roleLink(index: Index, src: CredentialSource, sub: string | undefined): { d: Draft; judged?: Judged } {
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
  if (src.cls === 'profile-assume-role') {
    d.unknown = `assumed with the credentials of another profile (${src.profile}): that trust is not judged`;
    return { d };
  }
  if (src.path === 'pod-identity') {
    d.unknown = src.association?.reason ?? 'EKS Pod Identity trust policies are not judged';
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

function tokenLink(w: Workload, c: Container, src: CredentialSource, sa: ServiceAccount | undefined, prefix: string): Draft {
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

function secretLink(w: Workload, src: CredentialSource): Draft {
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

function profileLink(src: CredentialSource): Draft {
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

function keysLink(src: CredentialSource): Draft {
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

function associationLink(src: CredentialSource): Draft {
  const d = draft('association');
  for (const l of src.association?.locations ?? []) add(d, l.at as Located<unknown>, l.label);
  return d;
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
  const providers = options.providers ?? DEFAULT_PROVIDERS;
  const rows: (AccessRow & { roles: readonly Role[] })[] = [];
  for (const w of index.ofKind<Workload>('k8s:PodSpecOwner')) {
    for (const c of containersOf(w)) {
      const env = sdkEnvironment(index, w, c, { annotationPrefix: prefix });
      const sources = containerSources(index, env, providers);
      const chains = chainStates(sources, env);
      sources.forEach((src, i) => {
        if (src.cls === 'env-keys' && !src.keys) return; // a maybe-set key: it only shadows
        const drafts: Draft[] = [];
        let judged: Judged | undefined;
        const { d: saLink, sa } = serviceAccountLink(index, w);
        const sub = !w.namespaceUnknown && !w.podSpec.serviceAccountUnknown ? serviceAccountSubject(w.namespace, w.podSpec.effectiveServiceAccount) : undefined;
        if (src.path !== 'static-keys') drafts.push(saLink);
        if (src.path === 'ccoctl-secret') drafts.push(secretLink(w, src));
        if (src.profileAt && src.cls !== 'off-chain') drafts.push(profileLink(src));
        if (src.path === 'pod-identity') drafts.push(associationLink(src));
        if (src.path === 'static-keys') drafts.push(keysLink(src));
        else {
          const r = roleLink(index, src, sub);
          judged = r.judged;
          drafts.push(r.d);
          if (src.cls === 'env-web-identity' || src.cls === 'profile-web-identity' || src.cls === 'off-chain') {
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
          chain: chains[i],
          links,
          roles: judged?.roles ?? [],
        });
      });
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
      reason: runs ? 'no workload of the repository names this role, though workloads run as ServiceAccounts it admits' : 'no workload of the repository names this role',
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
