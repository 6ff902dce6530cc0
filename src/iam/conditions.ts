/**
 * IAM condition operators, evaluated the way IAM evaluates them. Every rule that asks "does this
 * trust policy condition accept that token?" goes through this module.
 *
 * Sources (see /work/shared/reference/webhook-sdk-iam.md §3–4):
 * - IAM `reference_policies_elements_condition_operators.md` ("condition operators" below);
 * - IAM `reference_policies_multi-value-conditions.md` and
 *   `reference_policies_condition-single-vs-multi-valued-context-keys.md` ("multi-value" below);
 * - IAM `reference_policies_elements_condition.md` ("condition element" below).
 */

/** A condition operator name split into its parts. */
export interface OperatorInfo {
  /** The operator exactly as written. */
  raw: string;
  /** The operator without qualifier and `IfExists`, e.g. `StringLike`. */
  base: string;
  /** False when IAM would reject the operator (misspelt, wrong case, `NullIfExists`, ...). */
  known: boolean;
  /** Operator family; `unknown` when the base is not an IAM operator. */
  family: 'string' | 'numeric' | 'date' | 'bool' | 'arn' | 'ip' | 'binary' | 'null' | 'unknown';
  /** Negated operator (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`, ...). */
  negated: boolean;
  /** The operator honours the `*` and `?` wildcards (`StringLike`, `StringNotLike` and all four ARN operators). */
  like: boolean;
  /** Values are compared ignoring case (`String[Not]EqualsIgnoreCase`). */
  ignoreCase: boolean;
  /** The operator ends in `IfExists`. */
  ifExists: boolean;
  /** The set operator prefix, if any. */
  qualifier?: 'ForAnyValue' | 'ForAllValues';
}

type Family = OperatorInfo['family'];
type BaseInfo = readonly [family: Family, negated: boolean, like: boolean, ignoreCase: boolean];

/** Every base operator IAM documents, matched case-sensitively. */
const BASES: Readonly<Record<string, BaseInfo>> = {
  StringEquals: ['string', false, false, false],
  StringNotEquals: ['string', true, false, false],
  StringEqualsIgnoreCase: ['string', false, false, true],
  StringNotEqualsIgnoreCase: ['string', true, false, true],
  StringLike: ['string', false, true, false],
  StringNotLike: ['string', true, true, false],
  NumericEquals: ['numeric', false, false, false],
  NumericNotEquals: ['numeric', true, false, false],
  NumericLessThan: ['numeric', false, false, false],
  NumericLessThanEquals: ['numeric', false, false, false],
  NumericGreaterThan: ['numeric', false, false, false],
  NumericGreaterThanEquals: ['numeric', false, false, false],
  DateEquals: ['date', false, false, false],
  DateNotEquals: ['date', true, false, false],
  DateLessThan: ['date', false, false, false],
  DateLessThanEquals: ['date', false, false, false],
  DateGreaterThan: ['date', false, false, false],
  DateGreaterThanEquals: ['date', false, false, false],
  Bool: ['bool', false, false, false],
  BinaryEquals: ['binary', false, false, false],
  IpAddress: ['ip', false, false, false],
  NotIpAddress: ['ip', true, false, false],
  // "ArnEquals and ArnLike behave identically": both honour wildcards (condition operators, ARN table).
  ArnEquals: ['arn', false, true, false],
  ArnLike: ['arn', false, true, false],
  ArnNotEquals: ['arn', true, true, false],
  ArnNotLike: ['arn', true, true, false],
  Null: ['null', false, false, false],
};

const IF_EXISTS = 'IfExists';

/** Splits an operator such as `ForAllValues:StringLikeIfExists` into qualifier, base and `IfExists`. */
export function parseOperator(op: string): OperatorInfo {
  let rest = op;
  let qualifier: OperatorInfo['qualifier'];
  for (const q of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
      break;
    }
  }
  const ifExists = rest.endsWith(IF_EXISTS) && rest.length > IF_EXISTS.length;
  const base = ifExists ? rest.slice(0, -IF_EXISTS.length) : rest;
  const found = Object.hasOwn(BASES, base) ? BASES[base] : undefined;
  const [family, negated, like, ignoreCase] = found ?? (['unknown', false, false, false] as const);
  // "You can add IfExists to the end of any condition operator name except the Null condition".
  const known = found !== undefined && !(family === 'null' && ifExists);
  const info: OperatorInfo = { raw: op, base, known, family, negated, like, ignoreCase, ifExists };
  if (qualifier) info.qualifier = qualifier;
  return info;
}

/**
 * IAM wildcard match: `*` matches any run of characters (also none), `?` exactly one character;
 * every other character, `${...}` included, is literal. Works on code points, without regexes.
 */
export function likeMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const a = ignoreCase ? pattern.toLowerCase() : pattern;
  const b = ignoreCase ? value.toLowerCase() : value;
  // Without wildcards, equal code points are equal strings; without surrogates, a string's
  // UTF-16 units are its code points.
  if (!a.includes('*') && !a.includes('?')) return a === b;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return wildcardMatch(a, b);
  return wildcardMatch(Array.from(a), Array.from(b));
}

const SURROGATE = /[\uD800-\uDFFF]/;

function wildcardMatch(p: ArrayLike<string>, v: ArrayLike<string>): boolean {
  let i = 0; // position in p
  let j = 0; // position in v
  let star = -1; // position in p of the last `*` seen
  let mark = 0; // position in v where that `*` started matching
  while (j < v.length) {
    if (i < p.length && (p[i] === '?' || (p[i] !== '*' && p[i] === v[j]))) {
      i++;
      j++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1; // let the last `*` swallow one more character and retry
      j = ++mark;
    } else {
      return false;
    }
  }
  while (p[i] === '*') i++;
  return i === p.length;
}

/** A request context value: one string, several (a multivalued key), or `undefined` when the key is absent. */
export type ContextValue = string | readonly string[] | undefined;

/** Splits an ARN into its six colon-delimited components (the last keeps any further colons). */
function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(':');
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * `ArnEquals`/`ArnLike`: "Each of the six colon-delimited components of the ARN is checked
 * separately and each can include" `*`/`?` (condition operators, ARN table), so a `*` never
 * crosses a colon. IAM does not say what happens to strings that are not six-part ARNs; we fall
 * back to a whole-string wildcard match (so a bare `*` matches everything).
 */
function arnMatch(pattern: string, value: string): boolean {
  const p = arnComponents(pattern);
  const v = arnComponents(value);
  if (!p || !v) return likeMatch(pattern, value);
  return p.every((part, k) => likeMatch(part, v[k]));
}

/** The positive (un-negated) comparison of one policy value with one context value. */
function matcher(info: OperatorInfo): ((policy: string, ctx: string) => boolean) | undefined {
  switch (info.family) {
    case 'string':
      // StringEquals is exact, so `*`/`?` are literal there; only the Like operators honour them.
      if (info.like) return (p, c) => likeMatch(p, c);
      if (info.ignoreCase) return (p, c) => p.toLowerCase() === c.toLowerCase();
      return (p, c) => p === c;
    case 'arn':
      return arnMatch;
    case 'bool':
      return (p, c) => p.toLowerCase() === c.toLowerCase();
    default:
      return undefined; // numeric, date, ip, binary, null, unknown: not evaluated here
  }
}

const isBoolText = (s: string): boolean => /^(true|false)$/i.test(s);

/**
 * Evaluates one operator for one condition key: `policyValues` are the values listed under the key
 * in the policy, `ctx` is the key's value in the request. Returns `undefined` for operators that
 * are unknown or not evaluated (numeric, date, IP, binary) and for non-boolean `Bool`/`Null` values.
 *
 * Semantics (each cited where applied below); an empty list in `ctx` counts as an absent key,
 * except that `ForAnyValue`/`ForAllValues` see it as the empty set.
 */
export function evaluateOperator(op: string, policyValues: readonly string[], ctx: ContextValue): boolean | undefined {
  const info = parseOperator(op);
  if (!info.known) return undefined;
  const values: readonly string[] = ctx === undefined ? [] : typeof ctx === 'string' ? [ctx] : ctx;
  const absent = values.length === 0;

  if (info.family === 'null') {
    // Null: `true` = "the key doesn't exist", `false` = "the key exists" (condition operators,
    // Null check). A qualifier does not change an existence test, so it is ignored.
    if (!policyValues.every(isBoolText)) return undefined;
    return policyValues.some((p) => (p.toLowerCase() === 'true') === absent);
  }
  if (info.family === 'bool' && !policyValues.every(isBoolText)) return undefined;
  const match = matcher(info);
  if (!match) return undefined;

  // "If the key is not present, evaluate the condition element as true" (condition operators, IfExists).
  if (absent && info.ifExists) return true;

  // Several values for one key are ORed; for a negated operator the value must match none of
  // them, so they behave as an AND (multi-value: "negated matching condition operators").
  const matchesAny = (c: string): boolean => policyValues.some((p) => match(p, c));
  const satisfies = (c: string): boolean => (info.negated ? !matchesAny(c) : matchesAny(c));

  switch (info.qualifier) {
    case 'ForAllValues':
      // "returns true if every context key value in the request matches at least one context key
      // value in the policy. It also returns true if there are no context keys in the request"
      // (multi-value) — why ForAllValues in an Allow is overly permissive.
      return values.every(satisfies);
    case 'ForAnyValue':
      // "returns true if at least one context key value in the request matches at least one
      // context key value in the policy"; with no values there is nothing to match: false, even
      // for a negated operator (the set operator decides, not the negation rule).
      return values.some(satisfies);
    default: {
      // No qualifier. An absent key: "the values do not match and the condition is false"; a
      // negated operator is then true (condition operators, intro). Both fall out of the
      // expression below with an empty `values`.
      // A multivalued key without a set operator is not defined by IAM (Access Analyzer reports
      // MISSING_QUALIFIER). Our choice: a positive operator matches when ANY request value matches
      // (like ForAnyValue), a negated one when NO request value matches (its exact complement).
      // This keeps the documented plain `StringEquals` on the Kubernetes `aud` array working.
      const hit = values.some(matchesAny);
      return info.negated ? !hit : hit;
    }
  }
}

/** One `operator: { key: values }` entry of a policy `Condition` block. */
export interface ConditionClause {
  operator: string;
  key: string;
  values: readonly string[];
}

/**
 * Evaluates a whole `Condition` block: all clauses are ANDed (condition element: "If you specify
 * multiple condition operators, or multiple keys ... the conditions are evaluated using a logical
 * AND"). Key names match the context case-insensitively; values keep the operator's case rules.
 * Returns `undefined` when a clause cannot be evaluated and no other clause is false.
 */
export function evaluateConditions(
  clauses: readonly ConditionClause[],
  context: Readonly<Record<string, ContextValue>>,
): boolean | undefined {
  const byKey = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(context)) {
    const lower = key.toLowerCase();
    if (!byKey.has(lower)) byKey.set(lower, value);
  }
  let unknown = false;
  for (const clause of clauses) {
    const result = evaluateOperator(clause.operator, clause.values, byKey.get(clause.key.toLowerCase()));
    if (result === false) return false;
    if (result === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

/** How many service accounts an OIDC `sub` condition value admits (see `subjectScope`). */
export type SubjectScope = 'exact' | 'service-account-pattern' | 'namespace' | 'namespace-pattern' | 'cluster' | 'other';

const SA_PREFIX = 'system:serviceaccount:';
const hasWildcard = (s: string): boolean => /[*?]/.test(s);
/** Wildcards only, at least one of them `*`: matches any name. */
const ONLY_WILDCARDS = /^[*?]*\*[*?]*$/;

/**
 * Classifies a `sub` value `system:serviceaccount:<ns>:<sa>` by the subjects it matches under the
 * operator (negation is ignored): `exact` (one service account, or wildcards that are literal
 * because the operator is not a Like one), `service-account-pattern` (wildcard in the SA name only),
 * `namespace` (every SA of one namespace, `...:<ns>:*`), `namespace-pattern` (a wildcard in a
 * namespace that also has literal characters, `...:team-*:app`), `cluster` (any namespace: `*`,
 * `system:serviceaccount:*`, `...:*:app`), `other` (not of the service-account form).
 */
export function subjectScope(operatorInfo: OperatorInfo, value: string): SubjectScope {
  const like = operatorInfo.like;
  let text = value;
  if (like) {
    // A `*` right after a prefix of `system:serviceaccount:` (`*`, `system:*`) can stand for the
    // rest of that prefix, so rewrite it to the canonical `system:serviceaccount:*...`.
    const star = text.search(/[*?]/);
    if (star >= 0 && text[star] === '*' && SA_PREFIX.startsWith(text.slice(0, star))) {
      text = SA_PREFIX + text.slice(star);
    }
  }
  const hasPrefix = operatorInfo.ignoreCase
    ? text.toLowerCase().startsWith(SA_PREFIX)
    : text.startsWith(SA_PREFIX);
  if (!hasPrefix) return 'other';
  const rest = text.slice(SA_PREFIX.length);
  const colon = rest.indexOf(':');
  const ns = colon < 0 ? rest : rest.slice(0, colon);
  const sa = colon < 0 ? undefined : rest.slice(colon + 1);

  if (!like || !hasWildcard(rest)) {
    return ns !== '' && sa !== undefined && sa !== '' && !sa.includes(':') ? 'exact' : 'other';
  }
  // No `:` after the namespace: the `*` also stands for the `:` and the SA name.
  if (sa === undefined) return /^[*?]*\*/.test(ns) ? 'cluster' : 'namespace-pattern';
  if (hasWildcard(ns)) return ONLY_WILDCARDS.test(ns) ? 'cluster' : 'namespace-pattern';
  if (ns === '') return 'other';
  return ONLY_WILDCARDS.test(sa) ? 'namespace' : 'service-account-pattern';
}
