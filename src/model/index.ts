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

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export class Index {
  private readonly byKind = new Map<string, Resource[]>();
  private readonly byKey = new Map<string, Resource[]>();
  private readonly serviceAccounts = new Map<string, ServiceAccount>();
  private readonly saNamespaces = new Map<string, ServiceAccount[]>();
  private readonly secrets = new Map<string, SecretLike[]>();
  private readonly configMaps = new Map<string, SecretLike[]>();
  private readonly rolesByArn = new Map<string, Role[]>();
  private readonly rolesByName = new Map<string, Role[]>();
  private readonly rolesBySubject = new Map<string, Role[]>();
  private readonly workloadsBySa = new Map<string, Workload[]>();
  private readonly crsBySecret = new Map<string, CredentialsRequest[]>();
  private readonly providersByHost = new Map<string, OidcProvider[]>();
  private readonly rolesByRefKey = new Map<string, Role[]>();
  private readonly associationsBySa = new Map<string, PodIdentityAssociation[]>();
  private readonly associationsByRoleArn = new Map<string, PodIdentityAssociation[]>();
  private readonly associationsByRoleName = new Map<string, PodIdentityAssociation[]>();
  private readonly rolesByServiceAccount = new Map<string, Role[]>();
  private readonly saByName = new Map<string, ServiceAccount[]>();
  private readonly saUnknownNamespace: ServiceAccount[] = [];
  private readonly secretsByNamespace = new Map<string, SecretLike[]>();
  private readonly configMapsByNamespace = new Map<string, SecretLike[]>();
  private readonly workloadsByNamespace = new Map<string, Workload[]>();
  private readonly workloadsUnknownNamespace: Workload[] = [];
  private readonly memos = new Map<string, unknown>();
  private readonly kindLists = new Map<string, readonly Resource[]>();

  constructor(readonly resources: readonly Resource[]) {
    for (const r of resources) {
      push(this.byKind, r.kind, r);
      push(this.byKey, r.key, r);
      switch (r.kind) {
        case 'k8s:ServiceAccount':
          if (r.namespaceUnknown) this.saUnknownNamespace.push(r);
          else if (r.name) {
            const k = `${r.namespace}/${r.name.value}`;
            if (!this.serviceAccounts.has(k)) this.serviceAccounts.set(k, r);
            push(this.saByName, k, r);
            push(this.saNamespaces, r.namespace, r);
          }
          break;
        case 'k8s:Secret':
        case 'k8s:ConfigMap':
          if (r.name) push(r.kind === 'k8s:Secret' ? this.secrets : this.configMaps, `${r.namespace}/${r.name.value}`, r);
          if (!r.namespaceUnknown) push(r.kind === 'k8s:Secret' ? this.secretsByNamespace : this.configMapsByNamespace, r.namespace, r);
          break;
        case 'k8s:CredentialsRequest': {
          const ns = r.secretRef?.namespace?.value;
          const name = r.secretRef?.name?.value;
          if (ns && name) push(this.crsBySecret, `${ns}/${name}`, r);
          break;
        }
        case 'iam:Role': {
          if (r.arn && !r.arn.unknown) push(this.rolesByArn, r.arn.value, r);
          const name = r.name && !r.name.unknown ? r.name.value : r.arn && !r.arn.unknown ? roleNameFromArn(r.arn.value) : undefined;
          if (name) push(this.rolesByName, name.toLowerCase(), r);
          for (const ref of r.refs ?? []) push(this.rolesByRefKey, `${r.file}\0${ref}`, r);
          if (r.serviceAccount) push(this.rolesByServiceAccount, `${r.serviceAccount.namespace.value}/${r.serviceAccount.name.value}`, r);
          for (const s of webIdentityStatements(r.trust)) {
            for (const c of s.conditions) {
              if (c.claim !== 'sub' || c.unknown) continue;
              for (const v of c.values) push(this.rolesBySubject, v.value, r);
            }
          }
          break;
        }
        case 'iam:OIDCProvider':
          if (r.host) push(this.providersByHost, r.host, r);
          break;
        case 'eks:PodIdentityAssociation': {
          const subject = associationSubject(r);
          if (subject) push(this.associationsBySa, `${subject.namespace}/${subject.serviceAccount}`, r);
          if (r.roleArn && !r.roleArn.unknown) {
            push(this.associationsByRoleArn, r.roleArn.value, r);
            const name = roleNameFromArn(r.roleArn.value);
            if (name) push(this.associationsByRoleName, name.toLowerCase(), r);
          }
          break;
        }
        default:
          if (!('podSpec' in r)) break;
          if (r.namespaceUnknown) this.workloadsUnknownNamespace.push(r);
          else push(this.workloadsByNamespace, r.namespace, r);
          if (!r.namespaceUnknown && !r.podSpec.serviceAccountUnknown) {
            push(this.workloadsBySa, `${r.namespace}/${r.podSpec.effectiveServiceAccount}`, r);
          }
      }
    }
  }

  /** Resources of the given kinds or groups, in load order (files sorted, documents in order). */
  ofKind<T extends ResourceBase = Resource>(...kinds: string[]): readonly T[] {
    const key = kinds.join('\0');
    let list = this.kindLists.get(key);
    if (!list) this.kindLists.set(key, (list = expandKinds(kinds).flatMap((k) => this.byKind.get(k) ?? [])));
    return list as unknown as T[];
  }

  /**
   * A value computed once per index (the index and its resources are read-only): for derived
   * tables that several subjects of a rule read, such as "the ServiceAccount annotations that name
   * each role". `key` names the table and everything it depends on (a fact, say).
   */
  memo<T>(key: string, make: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const v = make();
    this.memos.set(key, v);
    return v;
  }

  /** Every ServiceAccount with this namespace and name (several files may define one). */
  serviceAccountsNamed(namespace: string, name: string): readonly ServiceAccount[] {
    return this.saByName.get(`${namespace}/${name}`) ?? [];
  }

  /** ServiceAccounts whose namespace is not static (a template, a kustomize build that cannot be told). */
  get serviceAccountsInUnknownNamespace(): readonly ServiceAccount[] {
    return this.saUnknownNamespace;
  }

  /** Secrets of a namespace. */
  secretsIn(namespace: string): readonly SecretLike[] {
    return this.secretsByNamespace.get(namespace) ?? [];
  }

  /** ConfigMaps of a namespace. */
  configMapsIn(namespace: string): readonly SecretLike[] {
    return this.configMapsByNamespace.get(namespace) ?? [];
  }

  /** Workloads of a namespace. */
  workloadsIn(namespace: string): readonly Workload[] {
    return this.workloadsByNamespace.get(namespace) ?? [];
  }

  /** Workloads whose namespace is not static. */
  get workloadsInUnknownNamespace(): readonly Workload[] {
    return this.workloadsUnknownNamespace;
  }

  serviceAccount(namespace: string, name: string): ServiceAccount | undefined {
    return this.serviceAccounts.get(`${namespace}/${name}`);
  }

  /** ServiceAccounts the repository defines in a namespace. */
  serviceAccountsIn(namespace: string): readonly ServiceAccount[] {
    return this.saNamespaces.get(namespace) ?? [];
  }

  secret(namespace: string, name: string): SecretLike | undefined {
    return this.secrets.get(`${namespace}/${name}`)?.[0];
  }

  /** Every Secret with this name, in any namespace. */
  secretsNamed(name: string): SecretLike[] {
    const out: SecretLike[] = [];
    for (const [k, v] of this.secrets) if (k.slice(k.indexOf('/') + 1) === name) out.push(...v);
    return out;
  }

  configMap(namespace: string, name: string): SecretLike | undefined {
    return this.configMaps.get(`${namespace}/${name}`)?.[0];
  }

  /** Roles with this ARN; when none is known by ARN, roles with the same role name (from files that give only a name). */
  rolesByArnOrName(arn: string): Role[] {
    const exact = this.rolesByArn.get(arn);
    if (exact) return exact;
    const name = roleNameFromArn(arn);
    if (!name) return [];
    return (this.rolesByName.get(name.toLowerCase()) ?? []).filter((r) => !r.arn || r.arn.unknown);
  }

  /** Roles of the same file that a reference names (a CloudFormation logical id, a Terraform address, a CDK/Pulumi variable). */
  rolesByRef(ref: RoleRef): readonly Role[] {
    return this.rolesByRefKey.get(`${ref.file}\0${ref.id}`) ?? [];
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
    return (this.rolesByName.get(name.toLowerCase()) ?? []).filter((r) => !r.arn || r.arn.unknown);
  }

  /** EKS Pod Identity associations for this ServiceAccount (in any cluster), in load order. */
  associationsFor(namespace: string, serviceAccount: string): readonly PodIdentityAssociation[] {
    return this.associationsBySa.get(`${namespace}/${serviceAccount}`) ?? [];
  }

  /**
   * Associations whose role is this role: by its ARN, by its name when the association's ARN has
   * one (files that give only a name), or by a reference to it from the same file.
   */
  associationsForRole(role: Role): PodIdentityAssociation[] {
    const out = new Set<PodIdentityAssociation>();
    if (role.arn && !role.arn.unknown) for (const a of this.associationsByRoleArn.get(role.arn.value) ?? []) out.add(a);
    if (!role.arn || role.arn.unknown) {
      const name = role.name && !role.name.unknown ? role.name.value : undefined;
      if (name) for (const a of this.associationsByRoleName.get(name.toLowerCase()) ?? []) out.add(a);
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
    if (v.target) return (this.byKey.get(v.target) ?? []).filter((r): r is Role => r.kind === 'iam:Role');
    if (unknownText(v) || v.value.trim() === '') return [];
    return this.rolesByArnOrName(v.value.trim());
  }

  /** Roles whose trust policy lists this exact `sub` value. */
  rolesListingSubject(subject: string): readonly Role[] {
    return this.rolesBySubject.get(subject) ?? [];
  }

  /** Roles a tool made for this ServiceAccount (eksctl `iam.serviceAccounts`), keyed by namespace and name as written. */
  rolesMadeFor(namespace: string, name: string): readonly Role[] {
    return this.rolesByServiceAccount.get(`${namespace}/${name}`) ?? [];
  }

  /** Roles made for a ServiceAccount, in load order. */
  get rolesMadeForServiceAccounts(): readonly Role[] {
    return [...this.rolesByServiceAccount.values()].flat();
  }

  /** Workloads that run as this ServiceAccount. */
  workloadsUsing(namespace: string, serviceAccount: string): readonly Workload[] {
    return this.workloadsBySa.get(`${namespace}/${serviceAccount}`) ?? [];
  }

  credentialsRequestsFor(secretNamespace: string, secretName: string): readonly CredentialsRequest[] {
    return this.crsBySecret.get(`${secretNamespace}/${secretName}`) ?? [];
  }

  providersFor(host: string): readonly OidcProvider[] {
    return this.providersByHost.get(host) ?? [];
  }

  get providers(): readonly OidcProvider[] {
    return this.ofKind<OidcProvider>('iam:OIDCProvider');
  }

  subjectOf(sub: string) {
    return parseSubject(sub);
  }
}
