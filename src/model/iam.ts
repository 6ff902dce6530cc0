/** IAM roles, trust policies and OIDC providers, from whatever file format they were read. */
import type { OperatorInfo } from '../iam/conditions.js';
import type { PEntry, PMap, PNode } from './pnode.js';
import type { L, ResourceBase } from './resource.js';
import type { Span } from './span.js';

export interface Condition {
  readonly operator: L<string>;
  readonly op: OperatorInfo;
  readonly key: L<string>;
  /** Text before the last `:` of the key (the provider host/path), and after it (the claim). */
  readonly keyPrefix: string;
  readonly claim: string;
  readonly values: readonly L<string>[];
  readonly valuesSpan: Span;
  /** Some value is not static (intrinsic, template): evaluation is unknown. */
  readonly unknown: boolean;
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
  readonly actions: readonly L<string>[];
  readonly actionEntry?: PEntry;
  readonly resource?: PEntry;
  readonly conditionEntry?: PEntry;
  readonly conditions: readonly Condition[];
}

export interface PolicyDocument {
  readonly node: PNode;
  readonly span: Span;
  readonly version?: L<string>;
  readonly statementEntry?: PEntry;
  readonly statements: readonly Statement[];
  /** Length of the policy JSON without whitespace (IAM's trust-policy size quota counts this). */
  readonly compactSize: number;
}

export interface Role extends ResourceBase {
  readonly kind: 'iam:Role';
  readonly name?: L<string>;
  readonly arn?: L<string>;
  readonly path?: L<string>;
  readonly trust?: PolicyDocument;
  /** How the role was read: `policy`, `get-role`, `ccoctl`, `cloudformation`, `terraform`, `cdk`, `pulumi`, `eksctl`. */
  readonly source: string;
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
