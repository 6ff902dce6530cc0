/**
 * The access map: which workload container can obtain which AWS role, by which path, and whether
 * each link on the way holds. Built from the model and the findings of one lint run
 * (src/map/build.ts); formatted by src/map/format/; compared between revisions by src/map/diff.ts.
 * The JSON formatter writes these types as they are (schemas/access-map.schema.json).
 */
import type { Span } from '../model/span.js';

/**
 * How a container gets credentials, in the order rows are sorted:
 * - `webhook`: its ServiceAccount's role-arn annotation makes the pod identity webhook inject
 *   `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE`;
 * - `ccoctl-secret`: it mounts the credentials Secret of an OpenShift CredentialsRequest (ccoctl
 *   or CCO in STS mode: a profile with `role_arn` and `web_identity_token_file`);
 * - `projected-token-manual`: it sets `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` itself;
 * - `pod-identity`: container credentials: an EKS Pod Identity association for its ServiceAccount
 *   (one row per role the pods get), or a container credentials endpoint the container sets itself;
 * - `static-keys`: `AWS_ACCESS_KEY_ID` in its environment or in the profile it selects;
 * - `profile`: the profile it selects has `role_arn` (web identity, or assumed from another profile).
 */
export const ACCESS_PATHS = ['webhook', 'ccoctl-secret', 'projected-token-manual', 'pod-identity', 'static-keys', 'profile'] as const;
export type AccessPath = (typeof ACCESS_PATHS)[number];

/**
 * The links of a row, in the order they are shown:
 * - `service-account`: the pod's ServiceAccount (whose token is presented);
 * - `secret`: the CredentialsRequest's credentials Secret the pod mounts (`ccoctl-secret`);
 * - `profile`: the selected profile in the shared config/credentials files;
 * - `association`: the EKS Pod Identity associations (`pod-identity`), and where the pod spec
 *   places the pods (Pod Identity works on Linux EC2 nodes only);
 * - `keys`: the static access key (`static-keys`);
 * - `role`: where the role is named, and the role's trust policy admitting the ServiceAccount (for
 *   `pod-identity`: admitting the association's request);
 * - `target-role`: the target role of an association (cross-account role chaining), which the
 *   pods get;
 * - `token`: the token file or audience the container presents (for `pod-identity`: the container
 *   credential variables the container sets itself);
 * - `provider`: the OIDC provider the trust policy names, and the cluster's issuer.
 */
export const LINK_KINDS = ['service-account', 'secret', 'profile', 'association', 'keys', 'role', 'target-role', 'token', 'provider'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/**
 * `trusted`: no error is reported on the link and its values are static; `not-trusted`: an error
 * finding lies on it (its rule ids say why) or the trust policy does not admit the ServiceAccount;
 * `unknown`: a value on it is not static or not in the repository.
 */
export type Verdict = 'trusted' | 'not-trusted' | 'unknown';
export const VERDICTS: readonly Verdict[] = ['trusted', 'not-trusted', 'unknown'];

export interface MapLocation {
  readonly label: string;
  readonly span: Span;
}

export interface Link {
  readonly kind: LinkKind;
  readonly verdict: Verdict;
  /** Rules with an error finding on the link (sorted, unique): why it is not trusted. */
  readonly rules: readonly string[];
  /** Rules with a warning or note on the link (sorted, unique): they do not change the verdict. */
  readonly notes: readonly string[];
  /** Why the link is unknown, or not trusted without a rule. */
  readonly reason?: string;
  /** Where the link is written, in source order. */
  readonly locations: readonly MapLocation[];
}

/**
 * Does an SDK's default credential chain use this source (`used`), an earlier one or none of it
 * (`shadowed`: `shadowedBy` says what wins, or why the SDK passes over it), or is that not known?
 */
export type ChainState = 'used' | 'shadowed' | 'unknown';

/**
 * The source's place in the default credential chains of botocore (boto3, the AWS CLI) and
 * aws-sdk-js-v3, which order shared-file profiles and web identity from the environment
 * differently: the SDK environment's `chain` (`CHAIN_ORDER` in src/model/sdk-environment.ts).
 */
export interface Chain {
  readonly botocore: ChainState;
  readonly jsv3: ChainState;
  /** What wins instead (or why the SDK passes over the source), for a shadowed source. */
  readonly shadowedBy?: { readonly botocore?: string; readonly jsv3?: string };
  /** Why the state is unknown. */
  readonly reason?: string;
}

export interface WorkloadRef {
  /** `Deployment`, `Pod`, ... */
  readonly kind: string;
  readonly name: string;
  readonly file: string;
}

export interface AccessRow {
  /** Stable identity: namespace, workload kind and name, container, path, role (and profile). */
  readonly id: string;
  readonly namespace: string;
  readonly workload: WorkloadRef;
  readonly container: string;
  readonly init: boolean;
  /** The pod's ServiceAccount; absent when not static. */
  readonly serviceAccount?: string;
  /**
   * The role ARN (or name) as the workload names it (for `pod-identity`: the association's target
   * role when it has one, else its role); absent when unknown (not static, static keys).
   */
  readonly role?: string;
  readonly path: AccessPath;
  /** The shared-file profile the source comes from. */
  readonly profile?: string;
  /** The worst verdict of the links. */
  readonly verdict: Verdict;
  readonly chain: Chain;
  readonly links: readonly Link[];
}

export type WideScope = 'cluster' | 'namespace' | 'namespace-pattern' | 'service-account-pattern';

/** A trust statement that admits more subjects than single ServiceAccounts. */
export interface WideTrust {
  /** The role's ARN, else its name, else the trust policy's file. */
  readonly role: string;
  readonly statement: number;
  readonly sid?: string;
  readonly scope: WideScope;
  /** The `sub` pattern; absent for a statement without a `sub` condition. */
  readonly pattern?: string;
  readonly operator?: string;
  /** The namespace, for `namespace` and `service-account-pattern`. */
  readonly namespace?: string;
  /** "admits any ServiceAccount in namespace "payments"". */
  readonly description: string;
  readonly location: Span;
  /** Ids of the rows whose role this is. */
  readonly usedBy: readonly string[];
}

export interface OrphanRole {
  readonly role: string;
  readonly location: Span;
  /** Exact `sub` subjects its trust policy lists. */
  readonly subjects: readonly string[];
  readonly reason: string;
}

export interface OrphanServiceAccount {
  readonly namespace: string;
  readonly name: string;
  readonly role: string;
  readonly location: Span;
  readonly reason: string;
}

export interface Orphans {
  readonly roles: readonly OrphanRole[];
  readonly serviceAccounts: readonly OrphanServiceAccount[];
}

export interface AccessMap {
  readonly rows: readonly AccessRow[];
  readonly wideTrust: readonly WideTrust[];
  /** Present when asked for (`--orphans`). */
  readonly orphans?: Orphans;
  /** Files read. */
  readonly files: number;
}
