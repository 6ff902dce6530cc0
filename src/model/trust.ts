/** Trust-policy semantics shared by every rule: which statements grant web identity, and whom they admit. */
import { evaluateConditions, evaluateOperator, likeMatch, type ContextValue } from '../iam/conditions.js';
import { parseOidcProviderArn } from '../iam/arn.js';
import { unknownText } from './span.js';
import type { Condition, PolicyDocument, Role, Statement } from './iam.js';

export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

/** Host/path of an `oidc-provider/...` ARN (the condition-key prefix), or undefined. */
export function providerOfFederated(arn: string): string | undefined {
  const i = arn.indexOf(':oidc-provider/');
  return i === -1 ? undefined : arn.slice(i + ':oidc-provider/'.length);
}

export function grantsAction(s: Statement, action: string): boolean {
  return s.actions.some((a) => !a.unknown && likeMatch(a.value, action, true));
}

/** An Allow statement that lets an OIDC provider call AssumeRoleWithWebIdentity. */
export function isWebIdentityGrant(s: Statement): boolean {
  return s.effect?.value === 'Allow' && s.federated.some((f) => f.unknown || providerOfFederated(f.value) !== undefined) && grantsAction(s, WEB_IDENTITY_ACTION);
}

export function webIdentityStatements(doc: PolicyDocument | undefined): Statement[] {
  return doc ? doc.statements.filter(isWebIdentityGrant) : [];
}

/** Is this policy about OIDC web identity at all (so IRSA rules apply to it)? */
export function isWebIdentityPolicy(doc: PolicyDocument | undefined): boolean {
  if (!doc) return false;
  return doc.statements.some((s) => grantsAction(s, WEB_IDENTITY_ACTION) || s.federated.some((f) => f.value.includes(':oidc-provider/')));
}

export type Claim = 'sub' | 'aud';

/** IAM's verdict on these condition clauses for a request with this context (undefined: not decidable). */
export function evaluateClauses(clauses: readonly Condition[], context: Readonly<Record<string, ContextValue>>): boolean | undefined {
  return evaluateConditions(
    clauses.map((c) => ({ operator: c.operator.value, key: c.key.value, values: c.values.map((v) => v.value) })),
    context,
  );
}

/**
 * Does statement `s` admit a token with these claims? Only clauses on the claims listed in
 * `only` are evaluated (the others are assumed satisfied). A clause whose key prefix is not the
 * statement's provider is evaluated as IAM does: that key is absent from the request.
 * Returns undefined when a value is not static.
 */
export function statementAdmits(s: Statement, claims: Partial<Record<Claim, string>>, only: readonly Claim[]): boolean | undefined {
  const providers = s.federated.map((f) => providerOfFederated(f.value)).filter((p): p is string => p !== undefined);
  if (s.federated.some((f) => f.unknown)) return undefined;
  let result: boolean | undefined = false;
  for (const provider of providers) {
    const context: Record<string, ContextValue> = {};
    for (const c of only) if (claims[c] !== undefined) context[`${provider}:${c}`] = claims[c];
    const clauses = s.conditions.filter((c) => only.includes(c.claim.toLowerCase() as Claim));
    if (clauses.some((c) => c.unknown)) {
      result = undefined;
      continue;
    }
    const r = evaluateClauses(clauses, context);
    if (r === true) return true;
    if (r === undefined) result = undefined;
  }
  return result;
}

/** Does the role's trust policy let a token with these claims assume it? */
export function roleAdmits(role: Role, claims: Partial<Record<Claim, string>>, only: readonly Claim[]): boolean | undefined {
  const grants = webIdentityStatements(role.trust);
  if (grants.length === 0) return role.trust ? false : undefined;
  let result: boolean | undefined = false;
  for (const s of grants) {
    const r = statementAdmits(s, claims, only);
    if (r === true) return true;
    if (r === undefined) result = undefined;
  }
  return result;
}

export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Parse `system:serviceaccount:<ns>:<name>`. */
export function parseSubject(sub: string): { namespace: string; name: string } | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub);
  return m ? { namespace: m[1], name: m[2] } : undefined;
}

/**
 * The provider (issuer host/path) of a `Principal.Federated` value when that part is static, even if
 * the rest is not: `arn:aws:iam::${AWS::AccountId}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`
 * (CloudFormation, CDK) gives `oidc.eks.us-east-1.amazonaws.com/id/ABC`. Undefined for anything
 * else (not an `oidc-provider` ARN, a templated or empty provider part).
 */
export function staticProviderOf(federated: { readonly value: string; readonly unknown?: boolean }): string | undefined {
  const v = federated.value;
  if (typeof v !== 'string') return undefined;
  const p = providerOfFederated(v);
  if (p === undefined || p === '' || /[${}*?\s]/.test(p) || p.includes('//')) return undefined;
  return p;
}

/** Claims IAM exposes as `<issuer>:<claim>` condition keys for an OIDC provider. */
export const OIDC_CLAIMS: ReadonlySet<string> = new Set(['sub', 'aud', 'amr', 'azp']);

/**
 * The OIDC providers (issuer host and path) a statement trusts, or undefined when one of its
 * `oidc-provider` ARNs has a malformed provider part (empty, `https://`, a wildcard, a trailing
 * `/`): iam/well-formed-federated-principal reports that, and condition keys cannot be judged against it.
 */
export function statementProviders(s: Statement): string[] | undefined {
  const out: string[] = [];
  for (const f of s.federated) {
    const p = providerOfFederated(f.value);
    if (p === undefined) continue;
    if (p === '' || parseOidcProviderArn(f.value).problems.some((x) => x.code === 'provider')) return undefined;
    out.push(p);
  }
  return out;
}

/**
 * Is this role's document a role trust policy? Role descriptions and IaC roles always are; a bare
 * policy file is one only when all its actions are `sts:` actions (a bucket or key policy with a
 * principal is a resource policy, with rules of its own).
 */
export function isRoleTrustPolicy(role: Role): boolean {
  const trust = role.trust;
  if (!trust || trust.node.unknown) return false;
  if (role.source !== 'policy') return true;
  const actions = trust.statements.flatMap((s) => s.actions);
  return actions.length > 0 && actions.every((a) => !a.unknown && /^sts:/i.test(a.value));
}

/**
 * Conditions of an `Allow` statement for OIDC providers whose key is `<issuer>:<claim>` with an
 * issuer (a prefix with `.` or `/`) that is none of the statement's providers, together with what
 * the clause evaluates to when its key is absent from the request (`false`: the statement never
 * matches; `true`: the clause always passes). Key names compare case-insensitively, as in IAM.
 */
export function foreignKeyConditions(s: Statement): { condition: Condition; providers: string[]; whenAbsent: boolean }[] {
  if (s.effect?.value !== 'Allow' || s.effect.unknown) return [];
  if (s.federated.some(unknownText)) return [];
  const providers = statementProviders(s);
  if (!providers || providers.length === 0) return [];
  const known = new Set(providers.map((p) => p.toLowerCase()));
  const out: { condition: Condition; providers: string[]; whenAbsent: boolean }[] = [];
  for (const c of s.conditions) {
    if (unknownText(c.key) || !OIDC_CLAIMS.has(c.claim.toLowerCase())) continue;
    if (!/[./]/.test(c.keyPrefix) || known.has(c.keyPrefix.toLowerCase())) continue;
    if (!c.op.known || (c.op.family === 'null' && c.unknown)) continue;
    const whenAbsent = evaluateOperator(c.operator.value, c.values.map((v) => v.value), undefined);
    if (whenAbsent !== undefined) out.push({ condition: c, providers, whenAbsent });
  }
  return out;
}
