/**
 * Glob matching for the configuration: `include`, `exclude` and `ignore[].file` (paths), and
 * `ignore[].resource` (resource keys and ARNs). The matching itself is picomatch's; this module
 * fixes the options and the anchoring rules so that every caller means the same thing.
 *
 * Path patterns (always `/`-separated; a backslash escapes the next character):
 * - `*` any run of characters except `/`; `?` one character except `/`;
 * - `**` as a whole segment: any number of segments (also none);
 * - `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`) character classes, `[[:alpha:]]` POSIX classes;
 *   `{a,b}` alternatives, which may nest and may contain `/` (`{deploy,iam/roles}/*.json`);
 * - a pattern without a `/` (other than a trailing one) matches at any depth (`*.json`,
 *   `legacy`); a pattern with a `/` is anchored to the base directory (`deploy/*.yaml`); a
 *   leading `/` or `./` only anchors;
 * - a pattern that matches a directory also matches everything below it (`vendor`, `charts/`);
 * - a leading `!` is a literal character, not a negation (the lists are "any of"), and so are
 *   `(`, `)` and `|`: there are no extended globs (`+(a|b)`), so file names with parentheses match
 *   as written.
 *
 * Resource patterns (`matchExact`) are matched against the whole key or ARN, and there `*` and
 * `?` also match `/`, as in IAM's own ARN matching (`arn:aws:iam::*:role/*` matches
 * `arn:aws:iam::123456789012:role/team/app`).
 */
import { createRequire } from 'node:module';
import type Picomatch from 'picomatch';

type PicomatchFn = typeof Picomatch;
let loaded: PicomatchFn | undefined;

/** picomatch, loaded on the first pattern (about 10 ms of start-up that runs without globs do not pay). */
function picomatch(): PicomatchFn {
  return (loaded ??= createRequire(import.meta.url)('picomatch') as PicomatchFn);
}

export type GlobMatcher = (relPath: string) => boolean;

/** The options every pattern is compiled with: POSIX semantics on every platform, dot files included, no negation. */
const OPTIONS: Picomatch.PicomatchOptions = { dot: true, posix: true, nonegate: true, noextglob: true, windows: false };

/** Escape `(`, `)` and `|`, which picomatch would otherwise pass to the regular expression as groups and alternatives. */
function literal(pattern: string): string {
  return pattern.replace(/\\.|[()|]/g, (m) => (m.length === 2 ? m : `\\${m}`));
}

const pathCache = new Map<string, GlobMatcher>();
const exactCache = new Map<string, GlobMatcher>();

/** The matcher for one path pattern (see the module comment for the anchoring rules). */
export function pathMatcher(pattern: string): GlobMatcher {
  const hit = pathCache.get(pattern);
  if (hit) return hit;
  let p = literal(pattern.trim());
  let anchored = false;
  if (p.startsWith('./')) {
    p = p.slice(2);
    anchored = true;
  } else if (p.startsWith('/')) {
    p = p.slice(1);
    anchored = true;
  }
  while (p.endsWith('/') && !p.endsWith('\\/')) p = p.slice(0, -1);
  if (p.includes('/')) anchored = true;
  let out: GlobMatcher;
  if (p === '') out = () => false;
  else {
    const body = anchored ? p : `**/${p}`;
    const self = picomatch()(body, OPTIONS);
    const below = picomatch()(`${body}/**`, OPTIONS);
    out = (rel) => self(rel) || below(rel);
  }
  pathCache.set(pattern, out);
  return out;
}

/** True when `relPath` (relative, `/`-separated) matches `pattern`. */
export function matchGlob(relPath: string, pattern: string): boolean {
  return pathMatcher(pattern)(relPath);
}

/** True when `relPath` matches any of the patterns. */
export function matchAny(relPath: string, patterns: readonly string[]): boolean {
  for (const p of patterns) if (pathMatcher(p)(relPath)) return true;
  return false;
}

/**
 * `/` stands for this character while a resource pattern is matched, so that picomatch's `*`,
 * `?` and classes, which never match a path separator, match across it as IAM's wildcards do.
 * It is a private-use character that appears in no key or ARN.
 */
const SLASH = '\uE000';

/** Whole-string match of a resource key or ARN, where `*` and `?` also match `/` (IAM ARN semantics). */
export function matchExact(value: string, pattern: string): boolean {
  let m = exactCache.get(pattern);
  if (!m) {
    const re = picomatch().makeRe(literal(pattern).replaceAll('/', SLASH), OPTIONS);
    m = (v) => re.test(v.replaceAll('/', SLASH));
    exactCache.set(pattern, m);
  }
  return m(value);
}
