/** Trust-policy semantics shared by every rule: which statements grant web identity, and whom they admit. */
import { evaluateConditions, evaluateOperator, likeMatch, type ContextValue } from '../iam/conditions.js';
import { parseOidcProviderArn, parseRoleArn } from '../iam/arn.js';
import { looksTemplated, unknownText, type Located, type Span } from './span.js';
import type { Condition, PolicyDocument, Role, Statement } from './iam.js';
import { associationCluster, associationSubject, POD_IDENTITY_SERVICE, sessionTagsDisabled, SESSION_TAGS, type PodIdentityAssociation, type SessionTag } from './eks.js';

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

const webIdentityOf = new WeakMap<PolicyDocument, readonly Statement[]>();
const NO_STATEMENTS: readonly Statement[] = Object.freeze([]);

/** The document's web identity grants (computed once per document: most rules ask for them). */
export function webIdentityStatements(doc: PolicyDocument | undefined): readonly Statement[] {
  if (!doc) return NO_STATEMENTS;
  let list = webIdentityOf.get(doc);
  if (!list) webIdentityOf.set(doc, (list = Object.freeze(doc.statements.filter(isWebIdentityGrant))));
  return list;
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
  if (n?.type === 'map') for (const e of n.entries) if (e.value === trust.node) return e.key.span;
  return trust.statementEntry?.key.span ?? trust.span;
}

/** The policy's statements are all known: not computed as a whole, and no statement hidden by an intrinsic. */
export function policyComplete(doc: PolicyDocument | undefined): doc is PolicyDocument {
  return !!doc && !doc.node.unknown && !doc.statementEntry?.value.unknown;
}

// ---------------------------------------------------------------------------------------------
// EKS Pod Identity (EKS user guide `pod-id-role`, `pod-id-abac`; IAM `id_session-tags`)

export const ASSUME_ROLE_ACTION = 'sts:AssumeRole';
export const TAG_SESSION_ACTION = 'sts:TagSession';

/** Does statement `s` name `pods.eks.amazonaws.com` in `Principal.Service` (static values only)? */
export function namesPodIdentityService(s: Statement): boolean {
  return s.services.some((v) => !unknownText(v) && v.value === POD_IDENTITY_SERVICE);
}

/** An `Allow` statement that lets EKS Pod Identity (`pods.eks.amazonaws.com`) call `sts:AssumeRole`. */
export function isPodIdentityGrant(s: Statement): boolean {
  return s.effect?.value === 'Allow' && !s.effect.unknown && namesPodIdentityService(s) && grantsAction(s, ASSUME_ROLE_ACTION);
}

/** The statements of a policy that are Pod Identity grants (see `isPodIdentityGrant`). */
export function podIdentityStatements(doc: PolicyDocument | undefined): Statement[] {
  return doc ? doc.statements.filter(isPodIdentityGrant) : [];
}

/** What a trust policy grants EKS Pod Identity. */
export interface PodIdentityTrust {
  /** `Allow` statements that let `pods.eks.amazonaws.com` call `sts:AssumeRole`. */
  readonly assume: readonly Statement[];
  /** `Allow` statements that let it call `sts:TagSession`. */
  readonly tagSession: readonly Statement[];
  /** `Allow` statements that name the service at all, whatever their actions. */
  readonly naming: readonly Statement[];
  /** Web-identity grants (IRSA) of the same policy. */
  readonly webIdentity: readonly Statement[];
}

/**
 * What the role's trust policy grants `pods.eks.amazonaws.com`; undefined when that cannot be told:
 * the policy or one of its statements is not static, or an `Allow` statement has a principal or
 * action that is not static, a `NotPrincipal`, a `NotAction`, or the wildcard principal.
 */
export function podIdentityTrust(doc: PolicyDocument | undefined): PodIdentityTrust | undefined {
  if (!policyComplete(doc)) return undefined;
  for (const s of doc.statements) {
    if (!s.effect || s.effect.unknown) return undefined;
    if (s.effect.value !== 'Allow') continue;
    if (s.notPrincipal || s.notActionEntry || s.principalWildcard) return undefined;
    if (!s.principal || s.principal.value.unknown || s.actionEntry?.value.unknown || s.actions.some((a) => a.unknown)) return undefined;
    if (s.services.some(unknownText)) return undefined;
    // A principal type that is not static could be `Service`; values of other types (a Federated
    // provider ARN whose account is unknown) cannot name the service.
    if (s.principal.value.type === 'map' && s.principal.value.entries.some((e) => e.key.unknown || (e.key.value === 'Service' && e.value.unknown))) return undefined;
  }
  const naming = doc.statements.filter((s) => s.effect?.value === 'Allow' && namesPodIdentityService(s));
  return {
    assume: naming.filter((s) => grantsAction(s, ASSUME_ROLE_ACTION)),
    tagSession: naming.filter((s) => grantsAction(s, TAG_SESSION_ACTION)),
    naming,
    webIdentity: webIdentityStatements(doc),
  };
}

/** What EKS Pod Identity puts in the request context when it assumes an association's role. */
export interface PodIdentityRequest {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Unknown values are left out (their conditions are not judged). */
  readonly clusterName?: string;
  readonly clusterArn?: string;
  /** The cluster's account (the role's own: EKS associates only roles of the cluster's account). */
  readonly account?: string;
  /** False when the association disables session tags: then no `aws:RequestTag/*` key is in the request. */
  readonly sessionTags: boolean;
}

/** The account of the association's cluster: from its ARN, else the role's (EKS associates only roles of the cluster's account). */
export function clusterAccount(a: PodIdentityAssociation, role: Role | undefined): string | undefined {
  const fromArn = associationCluster(a).account;
  if (fromArn) return fromArn;
  for (const arn of [a.roleArn, role?.arn]) {
    if (!arn || unknownText(arn)) continue;
    const account = parseRoleArn(arn.value.trim()).account;
    if (account && /^\d{12}$/.test(account)) return account;
  }
  return undefined;
}

/** The request EKS Pod Identity makes to STS for this association and role; undefined when its namespace or ServiceAccount is not static, or whether session tags are disabled is not known. */
export function podIdentityRequest(a: PodIdentityAssociation, role: Role | undefined): PodIdentityRequest | undefined {
  const subject = associationSubject(a);
  const disabled = sessionTagsDisabled(a);
  if (!subject || disabled === undefined) return undefined;
  const cluster = associationCluster(a);
  const account = clusterAccount(a, role);
  return {
    namespace: subject.namespace,
    serviceAccount: subject.serviceAccount,
    ...(cluster.name !== undefined ? { clusterName: cluster.name } : {}),
    ...(cluster.arn !== undefined ? { clusterArn: cluster.arn } : {}),
    ...(account !== undefined ? { account } : {}),
    sessionTags: !disabled,
  };
}

const REQUEST_TAG = 'aws:requesttag/';

/**
 * The context keys whose value this request fixes (lower-cased), with their values: the session
 * tags whose values are known (`kubernetes-pod-name` and `kubernetes-pod-uid` never are), every
 * `aws:RequestTag/*` key as absent when session tags are disabled, and `aws:SourceAccount`.
 */
function podIdentityContext(req: PodIdentityRequest): (key: string) => { known: boolean; value?: ContextValue } {
  const tags: Partial<Record<SessionTag, string>> = {
    'kubernetes-namespace': req.namespace,
    'kubernetes-service-account': req.serviceAccount,
    ...(req.clusterName !== undefined ? { 'eks-cluster-name': req.clusterName } : {}),
    ...(req.clusterArn !== undefined ? { 'eks-cluster-arn': req.clusterArn } : {}),
  };
  return (raw) => {
    const key = raw.toLowerCase();
    if (key.startsWith(REQUEST_TAG)) {
      if (!req.sessionTags) return { known: true, value: undefined };
      const tag = key.slice(REQUEST_TAG.length) as SessionTag;
      // Tag keys are case-insensitive in IAM ("New session tags override ... regardless of case").
      const value = Object.hasOwn(tags, tag) ? tags[tag] : undefined;
      if (value !== undefined) return { known: true, value };
      // A tag EKS always sets (pod name and uid) or one it never sets.
      return (SESSION_TAGS as readonly string[]).includes(tag) ? { known: false } : { known: true, value: undefined };
    }
    if (key === 'aws:sourceaccount' && req.account !== undefined) return { known: true, value: req.account };
    return { known: false };
  };
}

/** The clauses of a statement that this request decides, or undefined when a clause that may be one of them is not static. */
export function podIdentityClauses(s: Statement, req: PodIdentityRequest): { condition: Condition; value: ContextValue }[] | undefined {
  if (!s.conditionsStatic) return undefined;
  const lookup = podIdentityContext(req);
  const out: { condition: Condition; value: ContextValue }[] = [];
  for (const c of s.conditions) {
    if (unknownText(c.key)) return undefined;
    const k = lookup(c.key.value);
    if (!k.known) continue;
    if (c.values.some(unknownText) || c.unknown || !c.op.known) return undefined;
    out.push({ condition: c, value: k.value });
  }
  return out;
}

/** Does statement `s` admit this Pod Identity request? Clauses on keys the request does not fix count as satisfied; undefined when not decidable. */
export function podIdentityStatementAdmits(s: Statement, req: PodIdentityRequest): boolean | undefined {
  const clauses = podIdentityClauses(s, req);
  if (!clauses) return undefined;
  const context: Record<string, ContextValue> = {};
  for (const { condition, value } of clauses) if (value !== undefined) context[condition.key.value] = value;
  return evaluateClauses(
    clauses.map((c) => c.condition),
    context,
  );
}

/** The clauses of `s` that reject this request (each evaluated on its own). */
export function podIdentityRejectingClauses(s: Statement, req: PodIdentityRequest): Condition[] {
  const clauses = podIdentityClauses(s, req) ?? [];
  return clauses.filter(({ condition, value }) => evaluateOperator(condition.operator.value, condition.values.map((v) => v.value), value) === false).map((c) => c.condition);
}

/** The session tag a condition key names (`aws:RequestTag/kubernetes-namespace` gives `kubernetes-namespace`), lower-cased. */
export function requestTagOf(key: string): string | undefined {
  const k = key.toLowerCase();
  return k.startsWith(REQUEST_TAG) ? k.slice(REQUEST_TAG.length) : undefined;
}
