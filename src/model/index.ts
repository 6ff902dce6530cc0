/**
 * The cross-reference index, built once after every file has loaded and then read-only.
 * One named lookup per relation; a missing target gives undefined or an empty list.
 */
import { associationSubject, type PodIdentityAssociation, type RoleRef } from './eks.js';
import type { OidcProvider, Role } from './iam.js';
import type { AuthenticationConfig, CredentialsRequest, SecretLike, ServiceAccount, Workload } from './k8s.js';
import { expandKinds, type ResourceBase } from './resource.js';
import { parseSubject, webIdentityStatements } from './trust.js';
import { roleNameFromArn } from '../iam/arn.js';
import { looksTemplated, unknownText, type Located } from './span.js';

export type Resource = ServiceAccount | Workload | SecretLike | CredentialsRequest | AuthenticationConfig | Role | OidcProvider | PodIdentityAssociation;

const EMPTY: readonly never[] = Object.freeze([]);

/** A cached value with the index keys its computation read (`Index.cached`). */
class Recorded {
  constructor(
    readonly value: unknown,
    readonly keys: readonly string[],
  ) {}
}

/**
 * The keys a resource is indexed under, one per relation it answers (a key may repeat: a role that
 * lists one `sub` twice is listed twice). Every lookup of the index reads exactly one of these keys,
 * which is what makes a lookup's answer a function of the resources that carry its key: the
 * incremental run (src/incremental.ts) re-checks a file only when a changed file carries a key its
 * checks read.
 */
export function indexKeys(r: Resource): string[] {
  const keys = [`K ${r.kind}`, `${RESOURCE_KEY}${r.key}`];
  switch (r.kind) {
    case 'k8s:ServiceAccount':
      if (r.namespaceUnknown) keys.push('saU');
      else if (r.name) keys.push(`sa ${r.namespace}/${r.name.value}`, `saNs ${r.namespace}`);
      break;
    case 'k8s:Secret':
    case 'k8s:ConfigMap': {
      const secret = r.kind === 'k8s:Secret';
      if (r.name) keys.push(`${secret ? 'sec' : 'cm'} ${r.namespace}/${r.name.value}`);
      if (r.name && secret) keys.push(`secN ${r.name.value}`);
      if (!r.namespaceUnknown) keys.push(`${secret ? 'secNs' : 'cmNs'} ${r.namespace}`);
      break;
    }
    case 'k8s:CredentialsRequest': {
      const ns = r.secretRef?.namespace?.value;
      const name = r.secretRef?.name?.value;
      if (ns && name) keys.push(`cr ${ns}/${name}`);
      break;
    }
    case 'iam:Role': {
      if (r.arn && !r.arn.unknown) keys.push(`arn ${r.arn.value}`);
      const name = r.name && !r.name.unknown ? r.name.value : r.arn && !r.arn.unknown ? roleNameFromArn(r.arn.value) : undefined;
      if (name) keys.push(`rname ${name.toLowerCase()}`);
      for (const ref of r.refs ?? []) keys.push(`ref ${r.file}\0${ref}`);
      if (r.serviceAccount) keys.push(`rsa ${r.serviceAccount.namespace.value}/${r.serviceAccount.name.value}`, 'rsa*');
      for (const s of webIdentityStatements(r.trust)) {
        for (const c of s.conditions) {
          if (c.claim !== 'sub' || c.unknown) continue;
          for (const v of c.values) keys.push(`rsub ${v.value}`);
        }
      }
      break;
    }
    case 'iam:OIDCProvider':
      if (r.host) keys.push(`host ${r.host}`);
      break;
    case 'eks:PodIdentityAssociation': {
      const subject = associationSubject(r);
      if (subject) keys.push(`asa ${subject.namespace}/${subject.serviceAccount}`);
      if (r.roleArn && !r.roleArn.unknown) {
        keys.push(`aarn ${r.roleArn.value}`);
        const name = roleNameFromArn(r.roleArn.value);
        if (name) keys.push(`aname ${name.toLowerCase()}`);
      }
      break;
    }
    default:
      if (!('podSpec' in r)) break;
      keys.push(r.namespaceUnknown ? 'wU' : `wNs ${r.namespace}`);
      if (!r.namespaceUnknown && !r.podSpec.serviceAccountUnknown) keys.push(`wSa ${r.namespace}/${r.podSpec.effectiveServiceAccount}`);
  }
  return keys;
}

/** The prefix of the key a resource carries for its own key (`indexKeys`). */
export const RESOURCE_KEY = '# ';

/** Reports each key a lookup reads (see `Index.observe`). */
export type KeyObserver = (key: string) => void;

/** A list in load order, regrouped by `group` in the order each group first appears (as a map of lists keyed by it would list them). */
function groupedInOrder<T>(list: readonly T[], group: (t: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const t of list) {
    const g = group(t);
    const l = groups.get(g);
    if (l) l.push(t);
    else groups.set(g, [t]);
  }
  return [...groups.values()].flat();
}

/** Where `Index.cached` keeps values: a `Map`, or an object with the same three methods. */
export interface MemoTable<K> {
  get(key: K): unknown;
  has(key: K): boolean;
  set(key: K, value: unknown): unknown;
}

export class Index {
  /**
   * Every relation: for each of `indexKeys`, the resources that carry the key, in load order; a
   * key that one resource carries (most keys: names, ARNs) holds that resource, not a list of one.
   */
  private readonly table = new Map<string, Resource | Resource[]>();
  private readonly memos = new Map<string, unknown>();
  /** `ofKind` by its arguments: the keys it reads, and its answer. */
  private readonly kindLists = new Map<string, { readonly keys: readonly string[]; readonly list: readonly Resource[] }>();
  private observer?: KeyObserver;

  constructor(readonly resources: readonly Resource[]) {
    const table = this.table;
    for (const r of resources) {
      for (const k of indexKeys(r)) {
        const held = table.get(k);
        if (held === undefined) table.set(k, r);
        else if (Array.isArray(held)) held.push(r);
        else table.set(k, [held, r]);
      }
    }
  }

  /** Report every key that lookups read to `observer` (undefined: stop); returns the previous observer. */
  observe(observer: KeyObserver | undefined): KeyObserver | undefined {
    const before = this.observer;
    this.observer = observer;
    return before;
  }

  /**
   * `make()` with the keys its lookups read, which are reported to the current observer as well:
   * for values derived from the index and kept across subjects (`memo`, the SDK's view of a
   * container), so that each later use can report them again (`replay`).
   */
  recording<T>(make: () => T): { readonly value: T; readonly keys: readonly string[] } {
    const outer = this.observer;
    // Nobody is observing: a run that does not track keys (the engine observes every check or none).
    if (!outer) return { value: make(), keys: EMPTY };
    const keys = new Set<string>();
    this.observer = (k) => {
      keys.add(k);
      outer?.(k);
    };
    try {
      return { value: make(), keys: [...keys] };
    } finally {
      this.observer = outer;
    }
  }

  /** Report keys read earlier (by `recording`) to the current observer. */
  replay(keys: readonly string[]): void {
    const o = this.observer;
    if (o) for (const k of keys) o(k);
  }

  private read(key: string): readonly Resource[] {
    this.observer?.(key);
    return this.listed(key);
  }

  private listed(key: string): readonly Resource[] {
    const held = this.table.get(key);
    return held === undefined ? EMPTY : Array.isArray(held) ? held : [held];
  }

  private readAs<T extends Resource>(key: string): readonly T[] {
    return this.read(key) as readonly T[];
  }

  /** Resources of the given kinds or groups, in load order (files sorted, documents in order). */
  ofKind<T extends ResourceBase = Resource>(...kinds: string[]): readonly T[] {
    const key = kinds.join('\0');
    let entry = this.kindLists.get(key);
    if (!entry) {
      const keys = expandKinds(kinds).map((k) => `K ${k}`);
      this.kindLists.set(key, (entry = { keys, list: keys.flatMap((k) => this.listed(k)) }));
    }
    if (this.observer) for (const k of entry.keys) this.observer(k);
    return entry.list as unknown as T[];
  }

  /**
   * A value computed once per index (the index and its resources are read-only): for derived
   * tables that several subjects of a rule read, such as "the ServiceAccount annotations that name
   * each role". `key` names the table and everything it depends on (a fact, say). Each use reports
   * the keys its computation read.
   */
  memo<T>(key: string, make: () => T): T {
    return this.cached(this.memos, key, make);
  }

  /**
   * `make()` once per key of `table`; each use reports the keys its computation read. A value
   * computed while nobody observes (a run that does not track keys) is kept as it is, without
   * its (empty) list of keys: caches of rules hold hundreds of thousands of them on big repositories.
   */
  cached<K, T>(table: MemoTable<K>, key: K, make: () => T): T {
    const hit = table.get(key);
    if (hit !== undefined || table.has(key)) {
      if (hit instanceof Recorded) {
        this.replay(hit.keys);
        return hit.value as T;
      }
      return hit as T;
    }
    const r = this.recording(make);
    table.set(key, r.keys.length > 0 || r.value instanceof Recorded ? new Recorded(r.value, r.keys) : r.value);
    return r.value;
  }

  /** Every ServiceAccount with this namespace and name (several files may define one). */
  serviceAccountsNamed(namespace: string, name: string): readonly ServiceAccount[] {
    return this.readAs<ServiceAccount>(`sa ${namespace}/${name}`);
  }

  /** ServiceAccounts whose namespace is not static (a template, a kustomize build that cannot be told). */
  get serviceAccountsInUnknownNamespace(): readonly ServiceAccount[] {
    return this.readAs<ServiceAccount>('saU');
  }

  /** Secrets of a namespace. */
  secretsIn(namespace: string): readonly SecretLike[] {
    return this.readAs<SecretLike>(`secNs ${namespace}`);
  }

  /** ConfigMaps of a namespace. */
  configMapsIn(namespace: string): readonly SecretLike[] {
    return this.readAs<SecretLike>(`cmNs ${namespace}`);
  }

  /** Workloads of a namespace. */
  workloadsIn(namespace: string): readonly Workload[] {
    return this.readAs<Workload>(`wNs ${namespace}`);
  }

  /** Workloads whose namespace is not static. */
  get workloadsInUnknownNamespace(): readonly Workload[] {
    return this.readAs<Workload>('wU');
  }

  serviceAccount(namespace: string, name: string): ServiceAccount | undefined {
    return this.serviceAccountsNamed(namespace, name)[0];
  }

  /** ServiceAccounts the repository defines in a namespace. */
  serviceAccountsIn(namespace: string): readonly ServiceAccount[] {
    return this.readAs<ServiceAccount>(`saNs ${namespace}`);
  }

  secret(namespace: string, name: string): SecretLike | undefined {
    return this.readAs<SecretLike>(`sec ${namespace}/${name}`)[0];
  }

  /** Every Secret with this name, in any namespace (grouped by namespace, in the order each first appears). */
  secretsNamed(name: string): SecretLike[] {
    return groupedInOrder(this.readAs<SecretLike>(`secN ${name}`), (s) => s.namespace);
  }

  configMap(namespace: string, name: string): SecretLike | undefined {
    return this.readAs<SecretLike>(`cm ${namespace}/${name}`)[0];
  }

  /** Roles with this ARN; when none is known by ARN, roles with the same role name (from files that give only a name). */
  rolesByArnOrName(arn: string): Role[] {
    const exact = this.readAs<Role>(`arn ${arn}`);
    if (exact.length > 0) return exact as Role[];
    const name = roleNameFromArn(arn);
    if (!name) return [];
    return this.readAs<Role>(`rname ${name.toLowerCase()}`).filter((r) => !r.arn || r.arn.unknown);
  }

  /** Roles of the same file that a reference names (a CloudFormation logical id, a Terraform address, a CDK/Pulumi variable). */
  rolesByRef(ref: RoleRef): readonly Role[] {
    return this.readAs<Role>(`ref ${ref.file}\0${ref.id}`);
  }

  /** The roles an association's role (or, with `target`, its target role) is, by ARN, by name, or by reference. */
  associationRoles(a: PodIdentityAssociation, which: 'role' | 'target' = 'role'): readonly Role[] {
    const arn = which === 'role' ? a.roleArn : a.targetRoleArn;
    const ref = which === 'role' ? a.roleRef : a.targetRoleRef;
    // A reference the loader resolved (Terraform HCL `aws_iam_role.app.arn`), or a static ARN.
    if (arn && (arn.target || (!arn.unknown && arn.value.trim() !== ''))) return this.rolesNamedBy(arn);
    if (ref) {
      const byRef = this.rolesByRef(ref);
      if (byRef.length > 0) return byRef;
    }
    // An ARN assembled from an unknown account and a known name (`!GetAtt Role.Arn` of a role with a
    // RoleName, `arn:aws:iam::${AWS::AccountId}:role/name`): the roles of that name whose ARN is not known either.
    const name = arn ? roleNameFromArn(arn.value) : undefined;
    if (!name || looksTemplated(name)) return [];
    return this.readAs<Role>(`rname ${name.toLowerCase()}`).filter((r) => !r.arn || r.arn.unknown);
  }

  /** EKS Pod Identity associations for this ServiceAccount (in any cluster), in load order. */
  associationsFor(namespace: string, serviceAccount: string): readonly PodIdentityAssociation[] {
    return this.readAs<PodIdentityAssociation>(`asa ${namespace}/${serviceAccount}`);
  }

  /**
   * Associations whose role is this role: by its ARN, by its name when the association's ARN has
   * one (files that give only a name), or by a reference to it from the same file.
   */
  associationsForRole(role: Role): PodIdentityAssociation[] {
    const out = new Set<PodIdentityAssociation>();
    if (role.arn && !role.arn.unknown) for (const a of this.readAs<PodIdentityAssociation>(`aarn ${role.arn.value}`)) out.add(a);
    if (!role.arn || role.arn.unknown) {
      const name = role.name && !role.name.unknown ? role.name.value : undefined;
      if (name) for (const a of this.readAs<PodIdentityAssociation>(`aname ${name.toLowerCase()}`)) out.add(a);
    }
    for (const a of this.ofKind<PodIdentityAssociation>('eks:PodIdentityAssociation')) {
      if (a.roleArn?.target === role.key) out.add(a);
      else if (role.refs && a.roleRef && a.roleRef.file === role.file && role.refs.includes(a.roleRef.id)) out.add(a);
    }
    return [...out];
  }

  /**
   * The roles a role-ARN value names: the resource it refers to when the loader resolved a
   * reference (`target`, e.g. Terraform `aws_iam_role.app.arn`, whose account is unknown), else
   * `rolesByArnOrName` of a static value. Empty for a value that is not static and names no resource.
   */
  rolesNamedBy(v: Located<string>): Role[] {
    if (v.target) return this.read(`${RESOURCE_KEY}${v.target}`).filter((r): r is Role => r.kind === 'iam:Role');
    if (unknownText(v) || v.value.trim() === '') return [];
    return this.rolesByArnOrName(v.value.trim());
  }

  /** Roles whose trust policy lists this exact `sub` value. */
  rolesListingSubject(subject: string): readonly Role[] {
    return this.readAs<Role>(`rsub ${subject}`);
  }

  /** Roles a tool made for this ServiceAccount (eksctl `iam.serviceAccounts`), keyed by namespace and name as written. */
  rolesMadeFor(namespace: string, name: string): readonly Role[] {
    return this.readAs<Role>(`rsa ${namespace}/${name}`);
  }

  /** Roles made for a ServiceAccount, grouped by ServiceAccount in the order each first appears. */
  get rolesMadeForServiceAccounts(): readonly Role[] {
    return groupedInOrder(this.readAs<Role>('rsa*'), (r) => `${r.serviceAccount!.namespace.value}/${r.serviceAccount!.name.value}`);
  }

  /** Workloads that run as this ServiceAccount. */
  workloadsUsing(namespace: string, serviceAccount: string): readonly Workload[] {
    return this.readAs<Workload>(`wSa ${namespace}/${serviceAccount}`);
  }

  credentialsRequestsFor(secretNamespace: string, secretName: string): readonly CredentialsRequest[] {
    return this.readAs<CredentialsRequest>(`cr ${secretNamespace}/${secretName}`);
  }

  providersFor(host: string): readonly OidcProvider[] {
    return this.readAs<OidcProvider>(`host ${host}`);
  }

  get providers(): readonly OidcProvider[] {
    return this.ofKind<OidcProvider>('iam:OIDCProvider');
  }

  subjectOf(sub: string) {
    return parseSubject(sub);
  }
}
