/** IAM roles, trust policies and OIDC providers, from whatever file format they were read. */
import type { OperatorInfo } from '../iam/conditions.js';
import type { PEntry, PMap, PNode } from './pnode.js';
import type { L, ResourceBase } from './resource.js';
import type { Span } from './span.js';

export interface Condition {
  readonly operator: L<string>;
  readonly op: OperatorInfo;
  readonly key: L<string>;
  /**
   * Text before the last `:` of the key (the provider host/path), and after it (the claim). The
   * colon is the last one outside placeholders, so `${replace(var.url, "https://", "")}:sub` has
   * the claim `sub`.
   */
  readonly keyPrefix: string;
  readonly claim: string;
  /**
   * The provider part of the key is not static but the claim is (`${OidcProvider}:sub`, a
   * Terraform `"${replace(module.eks.cluster_oidc_issuer_url, "https://", "")}:sub"`, a CDK
   * token): the condition is still a `sub`/`aud` condition, of the statement's own provider.
   */
  readonly prefixUnknown: boolean;
  /** The claim part of the key is not static: nothing is known of the key. */
  readonly claimUnknown: boolean;
  readonly values: readonly L<string>[];
  readonly valuesSpan: Span;
  /** The claim or some value is not static (intrinsic, template): evaluation is unknown. */
  readonly unknown: boolean;
}

/** One operator entry of a `Condition` block, as written (also when its value is not a map). */
export interface OperatorBlock {
  readonly operator: L<string>;
  readonly op: OperatorInfo;
  /** The operator's value is a static map of keys. */
  readonly isMap: boolean;
  /** The keys under it, in order (none when the value is not a map). */
  readonly keys: readonly L<string>[];
}

export interface Statement {
  readonly index: number;
  readonly node: PMap;
  readonly span: Span;
  readonly sid?: L<string>;
  readonly effect?: L<string>;
  readonly principal?: PEntry;
  readonly notPrincipal?: PEntry;
  /** `Principal: "*"` or `{"AWS": "*"}`. */
  readonly principalWildcard?: L<string>;
  readonly federated: readonly L<string>[];
  /** `Principal.Service` values (`pods.eks.amazonaws.com` for EKS Pod Identity). */
  readonly services: readonly L<string>[];
  readonly actions: readonly L<string>[];
  readonly actionEntry?: PEntry;
  readonly notActionEntry?: PEntry;
  readonly resource?: PEntry;
  readonly conditionEntry?: PEntry;
  readonly conditions: readonly Condition[];
  /** Every operator entry of the `Condition` block, in order. */
  readonly operators: readonly OperatorBlock[];
  /**
   * The `Condition` block is absent, or a map of operator maps none of which is computed (a CDK
   * `CfnJson`, a CloudFormation `Fn::If`, a Terraform dynamic block): the parsed `conditions` are all
   * the statement has.
   */
  readonly conditionsStatic: boolean;
}

export interface PolicyDocument {
  readonly node: PNode;
  readonly span: Span;
  readonly version?: L<string>;
  readonly statementEntry?: PEntry;
  readonly statements: readonly Statement[];
  /**
   * Length of the policy JSON without whitespace, as IAM's trust-policy size quota counts it; a
   * value that is not static counts as the shortest it could be (`exact` false: a lower bound).
   */
  readonly compactSize: { readonly size: number; readonly exact: boolean };
}

export interface Role extends ResourceBase {
  readonly kind: 'iam:Role';
  readonly name?: L<string>;
  readonly arn?: L<string>;
  readonly path?: L<string>;
  readonly trust?: PolicyDocument;
  /** How the role was read: `policy`, `get-role`, `ccoctl`, `cloudformation`, `terraform`, `cdk`, `pulumi`, `eksctl`. */
  readonly source: string;
  /**
   * Names by which other resources of the same file refer to the role: its CloudFormation logical
   * id, Terraform address, or the CDK/Pulumi variable it is assigned to.
   */
  readonly refs?: readonly string[];
  /** The ServiceAccount a tool made this role for (eksctl `iam.serviceAccounts`). */
  readonly serviceAccount?: RoleServiceAccount;
}

export interface RoleServiceAccount {
  readonly namespace: L<string>;
  readonly name: L<string>;
  /** The tool creates the ServiceAccount too; false when another tool is declared to (eksctl `roleOnly`). */
  readonly createdWithRole: boolean;
}

export interface OidcProvider extends ResourceBase {
  readonly kind: 'iam:OIDCProvider';
  readonly arn?: L<string>;
  readonly url?: L<string>;
  /** Issuer host/path without scheme: the condition-key prefix. */
  readonly host?: string;
  readonly clientIds: readonly L<string>[];
  readonly clientIdsSpan?: Span;
}
