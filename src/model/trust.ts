/** Trust-policy semantics shared by every rule: which statements grant web identity, and whom they admit. */
import { evaluateConditions, evaluateOperator, likeMatch, type ContextValue } from '../iam/conditions.js';
import { parseOidcProviderArn } from '../iam/arn.js';
import { looksTemplated, unknownText, type Located, type Span } from './span.js';
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

export interface AdmitOptions {
  /**
   * Evaluate each clause on the claims against its own key, whatever its provider part: tells
   * "the subject is not listed" apart from "the key names another issuer" (another rule's finding).
   */
  readonly anyPrefix?: boolean;
}

/**
 * Does statement `s` admit a token with these claims? Only clauses on the claims listed in
 * `only` are evaluated (the others are assumed satisfied). A clause whose key names another
 * issuer than the provider is evaluated as IAM does: that key is absent from the request. A
 * clause that may or may not be the provider's (its provider part, or the principal, is not
 * static) is evaluated as the provider's when it is false for an absent key anyway (then a value
 * it rejects is rejected either way), and makes the answer unknown otherwise.
 * Returns undefined when a value is not static.
 */
export function statementAdmits(s: Statement, claims: Partial<Record<Claim, string>>, only: readonly Claim[], opts: AdmitOptions = {}): boolean | undefined {
  const providers = trustedProviders(s);
  if (!providers) return undefined;
  const relevant = s.conditions.filter((c) => c.claimUnknown || only.includes(c.claim.toLowerCase() as Claim));
  if (relevant.some((c) => c.unknown)) return providers.length === 0 ? false : undefined;
  let result: boolean | undefined = false;
  for (const p of providers) {
    const context: Record<string, ContextValue> = {};
    const clauses: Condition[] = [];
    let uncertain = false;
    for (const c of relevant) {
      const applies = opts.anyPrefix ? true : conditionApplies(c, p);
      if (applies === undefined && !isPlainPositive(c)) {
        uncertain = true;
        continue;
      }
      if (applies !== false) {
        const v = claims[c.claim.toLowerCase() as Claim];
        if (v !== undefined) context[c.key.value] = v;
      }
      clauses.push(c);
    }
    const r = evaluateClauses(clauses, context);
    if (r === true && !uncertain) return true;
    if (r !== false) result = undefined;
  }
  return result;
}

/** Does the role's trust policy let a token with these claims assume it? */
export function roleAdmits(role: Role, claims: Partial<Record<Claim, string>>, only: readonly Claim[], opts: AdmitOptions = {}): boolean | undefined {
  const grants = webIdentityStatements(role.trust);
  if (grants.length === 0) return role.trust ? false : undefined;
  let result: boolean | undefined = false;
  for (const s of grants) {
    const r = statementAdmits(s, claims, only, opts);
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
  const trusted = trustedProviders(s);
  if (!trusted || trusted.length === 0 || trusted.some((p) => p.host === undefined)) return [];
  const providers = trusted.map((p) => p.host!);
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

/** Placeholders in a string: `${...}` (one level of nested braces), `{{ ... }}`, `$(VAR)`. */
const PLACEHOLDER = /\$\{(?:[^{}]|\{[^{}]*\})*\}|\{\{.*?\}\}|\$\([A-Za-z_][A-Za-z0-9_]*\)/g;

/**
 * A condition key split at its last `:` outside placeholders into the provider part and the
 * claim. `claimUnknown`: the claim is not static (then nothing is known of the key);
 * `prefixUnknown`: the claim is static and the provider part is a placeholder.
 */
export function splitConditionKey(key: Located<string>): { prefix: string; claim: string; prefixUnknown: boolean; claimUnknown: boolean } {
  const text = key.value;
  const templated = !!key.unknown || looksTemplated(text);
  if (!templated) {
    const colon = text.lastIndexOf(':');
    return colon === -1
      ? { prefix: '', claim: text, prefixUnknown: false, claimUnknown: false }
      : { prefix: text.slice(0, colon), claim: text.slice(colon + 1), prefixUnknown: false, claimUnknown: false };
  }
  const inside: boolean[] = new Array(text.length).fill(false);
  for (const m of text.matchAll(PLACEHOLDER)) for (let i = m.index!; i < m.index! + m[0].length; i++) inside[i] = true;
  let colon = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ':' && !inside[i]) {
      colon = i;
      break;
    }
  }
  if (colon === -1) return { prefix: '', claim: text, prefixUnknown: false, claimUnknown: true };
  const prefix = text.slice(0, colon);
  const claim = text.slice(colon + 1);
  if (claim === '' || looksTemplated(claim) || !looksTemplated(prefix)) return { prefix, claim, prefixUnknown: false, claimUnknown: true };
  return { prefix, claim, prefixUnknown: true, claimUnknown: false };
}

/** A provider a web-identity statement trusts: its issuer host/path, or none when that is not static (a reference, a parameter). */
export interface TrustedProvider {
  readonly host?: string;
  readonly principal: Located<string>;
}

/**
 * The OIDC providers of a statement's `Federated` principals, known or not; undefined when an
 * `oidc-provider` ARN has a malformed provider part (iam/well-formed-federated-principal). A
 * principal that is not static at all (`${module.eks.oidc_provider_arn}`) is a provider whose
 * host is unknown; a static principal that is no `oidc-provider` ARN (SAML, Cognito) is none.
 */
export function trustedProviders(s: Statement): TrustedProvider[] | undefined {
  const out: TrustedProvider[] = [];
  for (const f of s.federated) {
    if (unknownText(f)) {
      const host = staticProviderOf(f);
      if (host !== undefined || !/:(saml-provider)\//.test(f.value)) out.push({ ...(host !== undefined ? { host } : {}), principal: f });
      continue;
    }
    const p = providerOfFederated(f.value);
    if (p === undefined) continue;
    if (p === '' || parseOidcProviderArn(f.value).problems.some((x) => x.code === 'provider')) return undefined;
    out.push({ host: p, principal: f });
  }
  return out;
}

/**
 * Does condition `c` constrain tokens of provider `p` (is its key `<p's host>:<claim>`)? Undefined
 * when that cannot be told: the key's provider part or the provider's host is not static.
 */
export function conditionApplies(c: Condition, p: TrustedProvider): boolean | undefined {
  if (c.unknown && !c.prefixUnknown && unknownText(c.key)) return undefined;
  if (c.prefixUnknown || p.host === undefined) return undefined;
  return c.keyPrefix.toLowerCase() === p.host.toLowerCase();
}

/** A clause that is false for a request without its key: it restricts whatever provider it names. */
export function isPlainPositive(c: Condition): boolean {
  return c.op.known && !c.op.negated && !c.op.ifExists && c.op.family !== 'null' && c.op.qualifier !== 'ForAllValues';
}

/**
 * Conditions of `s` on `claim` (case-insensitive) that constrain tokens of provider `p`: keys of
 * its host, keys whose provider part is not static, and, when the host is not static, keys of any
 * issuer (one of them is its own).
 */
export function claimConditions(s: Statement, claim: string, p: TrustedProvider): Condition[] {
  const want = claim.toLowerCase();
  return s.conditions.filter((c) => !(c.unknown && !c.prefixUnknown && unknownText(c.key)) && c.claim.toLowerCase() === want && conditionApplies(c, p) !== false);
}

/** Where to point at a whole trust policy: the key holding it in the role (`AssumeRolePolicyDocument`), else its `Statement` key. */
export function documentKey(role: Role, trust: PolicyDocument): Span {
  const n = role.node;
  if (n.type === 'map') for (const e of n.entries) if (e.value === trust.node) return e.key.span;
  return trust.statementEntry?.key.span ?? trust.span;
}

/** The policy's statements are all known: not computed as a whole, and no statement hidden by an intrinsic. */
export function policyComplete(doc: PolicyDocument | undefined): doc is PolicyDocument {
  return !!doc && !doc.node.unknown && !doc.statementEntry?.value.unknown;
}
