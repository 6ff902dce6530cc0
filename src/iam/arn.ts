/**
 * IAM role and OIDC provider ARNs, parsed without throwing: every defect becomes an `ArnProblem`
 * with character offsets, so a rule can point at the exact part that is wrong.
 *
 * Sources: /work/shared/reference/webhook-sdk-iam.md §3 items 2, 11–13 (IAM `reference_identifiers.md`,
 * `reference_iam-quotas.md`, botocore `partitions.json`); ccoctl.md §2.2 (role naming).
 */

/** Every AWS partition (botocore `partitions.json`). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

/** DNS suffix of each partition; the `.us-gov-` region is checked separately (it shares `amazonaws.com`). */
const DNS_SUFFIXES: readonly (readonly [suffix: string, partition: string])[] = [
  ['amazonaws.com.cn', 'aws-cn'],
  ['amazonaws.eu', 'aws-eusc'],
  ['c2s.ic.gov', 'aws-iso'],
  ['sc2s.sgov.gov', 'aws-iso-b'],
  ['cloud.adc-e.uk', 'aws-iso-e'],
  ['csp.hci.ic.gov', 'aws-iso-f'],
];

/** The partition of an AWS host name such as an EKS issuer host (`https://` and a path are tolerated); `undefined` for other hosts. */
export function partitionOfDnsSuffix(host: string): string | undefined {
  const h = host.trim().toLowerCase().replace(/^https:\/\//, '').replace(/[/:].*$/, '').replace(/\.$/, '');
  const under = (suffix: string): boolean => h === suffix || h.endsWith(`.${suffix}`);
  for (const [suffix, partition] of DNS_SUFFIXES) if (under(suffix)) return partition;
  if (!under('amazonaws.com')) return undefined; // cloudfront.net, S3 website hosts, self-hosted issuers
  return h.includes('.us-gov-') ? 'aws-us-gov' : 'aws';
}

/** Region name patterns per partition (botocore `regionRegex`), most specific first. */
const REGION_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/^us-gov-\w+-\d+$/, 'aws-us-gov'],
  [/^us-iso-\w+-\d+$/, 'aws-iso'],
  [/^us-isob-\w+-\d+$/, 'aws-iso-b'],
  [/^eu-isoe-\w+-\d+$/, 'aws-iso-e'],
  [/^us-isof-\w+-\d+$/, 'aws-iso-f'],
  [/^eusc-\w+-\w+-\d+$/, 'aws-eusc'],
  [/^cn-\w+-\d+$/, 'aws-cn'],
  [/^[a-z]{2}-\w+-\d+$/, 'aws'],
];

/** The partition of a region name (`cn-north-1` ⇒ `aws-cn`); `undefined` when it does not look like a region. */
export function partitionOfRegion(region: string): string | undefined {
  return REGION_PATTERNS.find(([re]) => re.test(region))?.[1];
}

/** One defect in an ARN; `start`/`end` are 0-based offsets into the ARN text (end exclusive). */
export interface ArnProblem {
  code: 'prefix' | 'partition' | 'service' | 'region' | 'account' | 'resource-type' | 'role-name' | 'role-path' | 'provider' | 'whitespace';
  message: string;
  /** 0-based offset of the first character of the offending part. */
  start: number;
  /** 0-based offset just after the offending part (equal to `start` for a missing part). */
  end: number;
}

/** The common part of the two parsers: checks `arn:<partition>:iam::<account>:<type>/` and returns what follows. */
interface IamArn {
  partition?: string;
  account?: string;
  /** The text after `<type>/` and its offset, when the ARN got that far. */
  rest?: { text: string; start: number };
  problems: ArnProblem[];
}

function parseIamArn(text: string, type: 'role' | 'oidc-provider'): IamArn {
  const problems: ArnProblem[] = [];
  const add = (code: ArnProblem['code'], message: string, start: number, end: number): void => {
    problems.push({ code, message, start, end });
  };
  const trimmed = text.trim();
  const base = text.length - text.trimStart().length;
  if (base > 0) add('whitespace', 'leading whitespace', 0, base);
  if (base + trimmed.length < text.length) add('whitespace', 'trailing whitespace', base + trimmed.length, text.length);

  // Six colon-separated fields; the last one (the resource) keeps any further colons.
  const fields: { text: string; start: number }[] = [];
  let start = 0;
  for (let k = 0; k < 5; k++) {
    const colon = trimmed.indexOf(':', start);
    if (colon < 0) break;
    fields.push({ text: trimmed.slice(start, colon), start: base + start });
    start = colon + 1;
  }
  fields.push({ text: trimmed.slice(start), start: base + start });
  const span = (f: { text: string; start: number }): [number, number] => [f.start, f.start + f.text.length];
  const expected = `expected arn:<partition>:iam::<12-digit account>:${type}/...`;

  const [prefix, partition, service, region, account, resource] = fields;
  if (prefix.text !== 'arn') {
    add('prefix', `not an ARN: ${expected}`, ...(fields.length < 6 ? ([base, base + trimmed.length] as const) : span(prefix)));
    if (fields.length < 6) return { problems };
  }
  if (!partition || !service || !region || !account || !resource) {
    add('resource-type', `missing ARN fields: ${expected}`, base, base + trimmed.length);
    return { problems };
  }
  const result: IamArn = { problems };
  if (partition.text) result.partition = partition.text;
  if (!(PARTITIONS as readonly string[]).includes(partition.text)) {
    add('partition', `unknown partition "${partition.text}": expected one of ${PARTITIONS.join(', ')}`, ...span(partition));
  }
  if (service.text !== 'iam') {
    const why = service.text.toLowerCase() === 'iam' ? 'must be lowercase "iam"' : `expected "iam"`;
    add('service', `service "${service.text}" ${why}`, ...span(service));
  }
  if (region.text !== '') add('region', `IAM ARNs have no region: remove "${region.text}"`, ...span(region));
  if (account.text) result.account = account.text;
  if (!/^\d{12}$/.test(account.text)) {
    add('account', `account id "${account.text}" must be exactly 12 digits`, ...span(account));
  }
  if (!resource.text.startsWith(`${type}/`)) {
    const slash = resource.text.indexOf('/');
    const end = resource.start + (slash < 0 ? resource.text.length : slash);
    add('resource-type', `resource type "${resource.text.slice(0, end - resource.start)}" must be "${type}"`, resource.start, end);
    return result;
  }
  const offset = type.length + 1;
  result.rest = { text: resource.text.slice(offset), start: resource.start + offset };
  return result;
}

/** A parsed role ARN. Fields are filled as written whenever present; `problems` says which are invalid. */
export interface RoleArn {
  partition?: string;
  account?: string;
  /** The role path, `/` or `/a/b/`. */
  path: string;
  name?: string;
  problems: ArnProblem[];
}

/** Parses `arn:<partition>:iam::<12 digits>:role/<path/><name>`, collecting problems instead of throwing. */
export function parseRoleArn(text: string): RoleArn {
  const { rest, ...head } = parseIamArn(text, 'role');
  const result: RoleArn = { ...head, path: '/' };
  if (!rest) return result;
  const add = (code: ArnProblem['code'], message: string, start: number, end: number): void => {
    result.problems.push({ code, message, start, end });
  };

  const slash = rest.text.lastIndexOf('/');
  const inner = rest.text.slice(0, slash + 1); // path without its leading slash
  const name = rest.text.slice(slash + 1);
  const nameStart = rest.start + slash + 1;
  if (inner) {
    result.path = `/${inner}`;
    // IAM pathType: (\u002F)|(\u002F[\u0021-\u007E]+\u002F), at most 512 characters.
    if (!/^\/[\u0021-\u007E]+\/$/.test(result.path) || result.path.length > 512) {
      add('role-path', `role path "${result.path}" must be "/" or "/<printable ASCII>/", at most 512 characters`, rest.start, nameStart);
    }
  }
  if (name) result.name = name;
  // IAM roleNameType: [\w+=,.@-]+, 1–64 characters.
  if (name === '') {
    add('role-name', 'missing role name', nameStart, nameStart);
  } else if (name.length > 64) {
    add('role-name', `role name is ${name.length} characters, at most 64 are allowed`, nameStart, nameStart + name.length);
  } else if (!/^[\w+=,.@-]+$/.test(name)) {
    add('role-name', `role name "${name}" may only contain letters, digits and _+=,.@-`, nameStart, nameStart + name.length);
  }
  return result;
}

/** A parsed OIDC provider ARN. Fields are filled as written whenever present; `problems` says which are invalid. */
export interface OidcProviderArn {
  partition?: string;
  account?: string;
  /** Issuer host and path, without `https://`. */
  provider?: string;
  problems: ArnProblem[];
}

/** Parses `arn:<partition>:iam::<12 digits>:oidc-provider/<host[/path]>`, collecting problems instead of throwing. */
/** A parsed provider ARN as `parseOidcProviderArn` shares it between callers. */
export type ParsedOidcProviderArn = Readonly<Omit<OidcProviderArn, 'problems'>> & { readonly problems: readonly Readonly<ArnProblem>[] };

const providerArns = new Map<string, ParsedOidcProviderArn>();

/** Parse an OIDC provider ARN (memoized: rules ask for the same few providers many times; treat the result as read-only). */
export function parseOidcProviderArn(text: string): ParsedOidcProviderArn {
  let r = providerArns.get(text);
  if (r === undefined) {
    if (providerArns.size >= 4096) providerArns.clear();
    providerArns.set(text, (r = parseProviderArn(text)));
  }
  return r;
}

function parseProviderArn(text: string): OidcProviderArn {
  const { rest, ...head } = parseIamArn(text, 'oidc-provider');
  const result: OidcProviderArn = { ...head };
  if (!rest) return result;
  const add = (message: string, from: number, to: number): void => {
    result.problems.push({ code: 'provider', message, start: rest.start + from, end: rest.start + to });
  };
  const p = rest.text;
  if (p === '') {
    add('missing provider URL (issuer host and path)', 0, 0);
    return result;
  }
  result.provider = p;
  const scheme = p.includes('://') ? (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(p) ?? /[A-Za-z]*:\/\//.exec(p)) : null;
  if (scheme) add(`remove "${scheme[0]}": the provider is the issuer without its scheme`, scheme.index, scheme.index + scheme[0].length);
  for (const m of p.matchAll(/[*?]/g)) add(`wildcard "${m[0]}" is not supported in a provider ARN`, m.index, m.index + 1);
  for (const m of p.matchAll(/[^\u0021-\u007E]/g)) add(`invalid character ${JSON.stringify(m[0])} in provider`, m.index, m.index + 1);
  if (p.endsWith('/')) add('remove the trailing "/"', p.length - 1, p.length);
  return result;
}

/** The role name of a role ARN (its last path segment), leniently: only `:role/` is required. */
export function roleNameFromArn(text: string): string | undefined {
  const m = /:role\/(?:.*\/)?([^/]*)$/.exec(text.trim());
  return m?.[1] || undefined;
}

/**
 * The IAM role name `ccoctl aws create-iam-roles` creates: `<name>-<secretRef.namespace>-<secretRef.name>`,
 * truncated to 64 characters with no hash or de-duplication (ccoctl.md §2.2). Go truncates bytes;
 * Kubernetes names are ASCII, so characters and bytes agree.
 */
export function ccoctlRoleName(prefix: string, namespace: string, name: string): string {
  return `${prefix}-${namespace}-${name}`.slice(0, 64);
}

/** The issuer as IAM names the provider: without `https://` and trailing `/` (case is kept: provider URLs are case-sensitive). */
export function issuerHost(url: string): string {
  return url.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '');
}
