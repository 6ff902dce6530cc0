/** Typed views of the Kubernetes/OpenShift objects the rules read. Every field a rule may point at is Located. */
import type { PNode } from './pnode.js';
import type { L, ResourceBase } from './resource.js';
import type { POD_SPEC_OWNER_KINDS } from './resource.js';
import type { Span } from './span.js';
import type { PosMap } from './posmap.js';

export interface Annotation {
  readonly key: L<string>;
  /** The value as a string (numbers and booleans stringified; '' for a collection). */
  readonly value: L<string>;
  /**
   * What the value was written as: annotation and label values must be strings, and an unquoted
   * `3600` or `true` in YAML is a number or a boolean (the API server rejects it).
   */
  readonly written: 'string' | 'number' | 'boolean' | 'null' | 'collection';
  /** The value carries an explicit YAML tag (`!!str 3600`). */
  readonly tagged: boolean;
}

export interface K8sResource extends ResourceBase {
  readonly apiVersion?: string;
  readonly kindName: L<string>;
  readonly name?: L<string>;
  /** The name as written in the manifest, when kustomize renames the object (`namePrefix`, `nameSuffix`); `name` is the name it builds. */
  readonly writtenName?: L<string>;
  /** Effective namespace (explicit, from kustomize, from configuration, or `default`). */
  readonly namespace: string;
  /** The namespace is a template or otherwise not static: cross-references through it are skipped. */
  readonly namespaceUnknown: boolean;
  readonly namespaceNode?: L<string>;
  readonly metadataSpan: Span;
  readonly annotations: ReadonlyMap<string, Annotation>;
  readonly labels: ReadonlyMap<string, Annotation>;
}

export interface ServiceAccount extends K8sResource {
  readonly kind: 'k8s:ServiceAccount';
  /** `automountServiceAccountToken`: false when written `false` (or `"false"`), true for any other value. */
  readonly automountServiceAccountToken?: L<boolean>;
  /** Set when a tool creates this ServiceAccount from its own configuration rather than from a manifest. */
  readonly managedBy?: ServiceAccountManager;
}

/**
 * The tool that creates a ServiceAccount, and the role it puts in the `eks.amazonaws.com/role-arn`
 * annotation. eksctl (`iam.serviceAccounts[]` of a `ClusterConfig`) creates the ServiceAccount, or
 * merges its labels and that annotation into an existing one.
 */
export interface ServiceAccountManager {
  readonly tool: 'eksctl';
  /** The tool's definition of the ServiceAccount (eksctl: its `iam.serviceAccounts[]` entry). */
  readonly span: Span;
  /** Where the definition names the ServiceAccount (eksctl: `metadata.name`). */
  readonly nameSpan: Span;
  /** The role the tool annotates the ServiceAccount with (none: it sets no role annotation). */
  readonly role?: ManagedRole;
  /** Whether the tool creates the ServiceAccount at all depends on a value the file does not state (a templated `roleOnly`). */
  readonly conditional: boolean;
}

/**
 * The role of a managed ServiceAccount: a role ARN given in the configuration (eksctl
 * `attachRoleARN`), the name of the role the tool creates in the cluster's account (eksctl
 * `roleName`), or a role whose name CloudFormation generates from the stack name and the logical
 * id (`Role1` for eksctl).
 */
export type ManagedRole =
  | { readonly kind: 'arn'; readonly arn: L<string> }
  | { readonly kind: 'name'; readonly name: L<string> }
  | { readonly kind: 'generated'; readonly logicalId: string; readonly stack?: string; readonly at: Span };

export interface EnvVar {
  readonly name: L<string>;
  readonly value?: L<string>;
  readonly valueFrom?: {
    readonly source: 'secretKeyRef' | 'configMapKeyRef' | 'fieldRef' | 'resourceFieldRef' | 'other';
    readonly name?: L<string>;
    readonly key?: L<string>;
    /** `optional: true` on a `secretKeyRef`/`configMapKeyRef`: a missing Secret or key leaves the variable unset. */
    readonly optional: boolean;
  };
  readonly span: Span;
}

export interface EnvFrom {
  readonly source: 'secretRef' | 'configMapRef';
  readonly name?: L<string>;
  readonly prefix?: string;
  readonly span: Span;
}

export interface VolumeMount {
  readonly name: L<string>;
  readonly mountPath: L<string>;
  readonly subPath?: L<string>;
  readonly readOnly?: L<boolean>;
  readonly span: Span;
}

export interface KeyToPath {
  readonly key: string;
  readonly path: string;
}

export interface ProjectedSource {
  readonly type: 'serviceAccountToken' | 'secret' | 'configMap' | 'downwardAPI' | 'clusterTrustBundle' | 'other';
  readonly span: Span;
  readonly audience?: L<string>;
  readonly expirationSeconds?: L<number>;
  readonly path?: L<string>;
  /** Secret/ConfigMap name for those source types. */
  readonly name?: L<string>;
  readonly items: readonly KeyToPath[];
}

export interface Volume {
  readonly name: L<string>;
  /** The volume source key: `projected`, `secret`, `configMap`, `emptyDir`, `hostPath`, ... */
  readonly type: string;
  readonly typeSpan: Span;
  readonly span: Span;
  readonly secretName?: L<string>;
  readonly configMapName?: L<string>;
  readonly items: readonly KeyToPath[];
  readonly sources: readonly ProjectedSource[];
}

export interface SecurityContext {
  readonly readOnlyRootFilesystem?: L<boolean>;
  readonly runAsUser?: L<number>;
  readonly runAsNonRoot?: L<boolean>;
  readonly span?: Span;
}

export interface Container {
  readonly name: L<string>;
  readonly init: boolean;
  readonly image?: L<string>;
  readonly command: readonly L<string>[];
  readonly args: readonly L<string>[];
  readonly env: readonly EnvVar[];
  readonly envFrom: readonly EnvFrom[];
  readonly volumeMounts: readonly VolumeMount[];
  readonly securityContext: SecurityContext;
  readonly span: Span;
}

/** A term of required node affinity: all its `matchExpressions` must hold (its `matchFields` are not read). */
export interface NodeSelectorTerm {
  readonly span: Span;
  readonly expressions: readonly NodeSelectorRequirement[];
  /** The term also has `matchFields`. */
  readonly matchFields: boolean;
}

export interface NodeSelectorRequirement {
  readonly key: L<string>;
  readonly operator: L<string>;
  readonly values: readonly L<string>[];
  readonly span: Span;
}

export interface PodSpec {
  readonly span: Span;
  readonly serviceAccountName?: L<string>;
  readonly serviceAccount?: L<string>;
  /** `serviceAccountName || serviceAccount || "default"`, as the API server resolves it. */
  readonly effectiveServiceAccount: string;
  readonly serviceAccountUnknown: boolean;
  /** Where to point a finding about the service account: the field, or the pod spec key. */
  readonly serviceAccountSpan: Span;
  readonly containers: readonly Container[];
  readonly initContainers: readonly Container[];
  readonly volumes: readonly Volume[];
  readonly securityContext: SecurityContext & { readonly fsGroup?: L<number> };
  readonly nodeSelector: ReadonlyMap<string, Annotation>;
  /**
   * `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`: the
   * pod runs only on a node that matches one of the terms. Undefined when there is none;
   * `unknown` when it is not static.
   */
  readonly requiredNodeAffinity?: { readonly terms: readonly NodeSelectorTerm[]; readonly unknown: boolean };
  /** Annotations and labels of the pod (the template's metadata for controllers). */
  readonly podAnnotations: ReadonlyMap<string, Annotation>;
  readonly podLabels: ReadonlyMap<string, Annotation>;
  readonly podMetadataSpan: Span;
  /** `automountServiceAccountToken` of the pod: false when written `false` (or `"false"`), true for any other value. */
  readonly automountServiceAccountToken?: L<boolean>;
}

export type WorkloadKind = `k8s:${(typeof POD_SPEC_OWNER_KINDS)[number]}`;

export interface Workload extends K8sResource {
  /** `k8s:Pod`, `k8s:Deployment`, ... */
  readonly kind: WorkloadKind;
  readonly podSpec: PodSpec;
}

export interface DataEntry {
  readonly key: L<string>;
  /** Decoded text (base64 decoded for `data`); undefined when it could not be decoded. */
  readonly text?: string;
  readonly valueSpan: Span;
  /** Maps offsets of `text` to source spans (whole value span when unknown). */
  /** Where each character of `text` comes from (the whole value's span for decoded `data`). */
  readonly positions: PosMap;
  readonly fromStringData: boolean;
  readonly unknown: boolean;
  /**
   * The text read as an AWS shared config/credentials file: its sections in order, with names,
   * spans and settings (empty when the text is not known or holds no section). Parsed on the first
   * call, then the same objects every time.
   */
  iniSections(): readonly AwsProfile[];
}

export interface IniSetting {
  readonly key: L<string>;
  readonly value: L<string>;
}

/** A `[section]` of AWS shared config/credentials text. */
export interface AwsProfile {
  /** Profile name (`default`, or `foo` for `[profile foo]`/`[foo]`); the header for sections that define no profile. */
  readonly name: string;
  /** The header as written between the brackets, trimmed: `default`, `profile foo`, `foo`, `sso-session x`. */
  readonly header: string;
  /** The header names a profile (it is not an `sso-session` or `services` section, nor `[profile]` without a name). */
  readonly isProfile: boolean;
  /** The header line. */
  readonly span: Span;
  readonly settings: ReadonlyMap<string, IniSetting>;
}

export interface SecretLike extends K8sResource {
  readonly kind: 'k8s:Secret' | 'k8s:ConfigMap';
  readonly entries: ReadonlyMap<string, DataEntry>;
  /**
   * AWS shared config/credentials profiles of the entries recognised as such text, by their key
   * name (`credentials`, `config`, `aws-config`, ...) or by their content (a section header and
   * `role_arn`, `aws_access_key_id` or `web_identity_token_file`): the entry's `iniSections()`.
   */
  readonly awsProfiles: ReadonlyMap<string, readonly AwsProfile[]>;
}

export interface CredentialsRequest extends K8sResource {
  readonly kind: 'k8s:CredentialsRequest';
  readonly specSpan: Span;
  readonly secretRef?: { readonly name?: L<string>; readonly namespace?: L<string>; readonly span: Span };
  readonly serviceAccountNames?: {
    readonly items: readonly L<string>[];
    readonly span: Span;
    readonly keySpan: Span;
    /** Written as `[]`, `null`, `''` or nothing (a templated or mistyped scalar is not empty). */
    readonly empty: boolean;
  };
  readonly providerKind?: L<string>;
  readonly isAws: boolean;
  readonly providerSpec?: PNode;
  readonly stsIAMRoleARN?: L<string>;
  readonly cloudTokenPath?: L<string>;
}

export interface AuthenticationConfig extends K8sResource {
  readonly kind: 'k8s:Authentication';
  readonly serviceAccountIssuer?: L<string>;
}
