/**
 * A small glob matcher for `include`, `exclude` and `ignore[].file` (no dependency, no
 * experimental Node API: `path.matchesGlob` warns on Node 20).
 *
 * Syntax (gitignore-like, always `/`-separated):
 * - `*` any run of characters except `/`; `?` one character except `/`;
 * - `**` as a whole segment: any number of segments (also none);
 * - `[abc]`, `[a-z]`, `[!a-z]` character classes; `{a,b}` alternatives (not nested);
 * - a pattern without a `/` (other than a trailing one) matches at any depth (`*.json`,
 *   `legacy`); a pattern with a `/` is anchored to the base directory (`deploy/*.yaml`); a
 *   leading `/` or `./` only anchors;
 * - a pattern that matches a directory also matches everything below it (`vendor`, `charts/`).
 */

export type GlobMatcher = (relPath: string) => boolean;

const cache = new Map<string, RegExp>();

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Translate one pattern to a regular expression matching a whole `/`-separated path. */
export function globToRegExp(pattern: string, exact = false): RegExp {
  const ck = `${exact ? 1 : 0}${pattern}`;
  const hit = cache.get(ck);
  if (hit) return hit;
  let p = pattern.trim().replace(/\\/g, '/');
  let anchored = false;
  if (p.startsWith('./')) {
    p = p.slice(2);
    anchored = true;
  } else if (p.startsWith('/')) {
    p = p.slice(1);
    anchored = true;
  }
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p.includes('/') || exact) anchored = true;
  let re = '';
  const segs = p.split('/');
  for (let s = 0; s < segs.length; s++) {
    const seg = segs[s];
    const last = s === segs.length - 1;
    if (seg === '**') {
      // Any number of whole segments, including none.
      re += last ? '(?:.*)' : '(?:[^/]*/)*';
      continue;
    }
    re += segmentToRe(seg);
    if (!last) re += '/';
  }
  // Anything below a matched directory matches too.
  const body = exact ? re : `${anchored ? '' : '(?:.*/)?'}${re}(?:/.*)?`;
  const out = new RegExp(`^${body}$`);
  cache.set(ck, out);
  return out;
}

function segmentToRe(seg: string): string {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') {
      while (seg[i + 1] === '*') i++;
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close === -1) {
        re += '\\[';
        continue;
      }
      let cls = seg.slice(i + 1, close);
      const neg = cls.startsWith('!') || cls.startsWith('^');
      if (neg) cls = cls.slice(1);
      re += `[${neg ? '^/' : ''}${cls.replace(/[\\\]^]/g, (x) => `\\${x}`)}]`;
      i = close;
    } else if (c === '{') {
      const close = seg.indexOf('}', i + 1);
      if (close === -1) {
        re += '\\{';
        continue;
      }
      const alts = seg.slice(i + 1, close).split(',');
      re += `(?:${alts.map(segmentToRe).join('|')})`;
      i = close;
    } else re += escapeRe(c);
  }
  return re;
}

/** True when `relPath` (relative, `/`-separated) matches `pattern`. */
export function matchGlob(relPath: string, pattern: string): boolean {
  return globToRegExp(pattern).test(relPath);
}

/** Whole-string match with the same wildcards, not anchored to directories (resource keys, ARNs). */
export function matchExact(value: string, pattern: string): boolean {
  return globToRegExp(pattern, true).test(value);
}

/** True when `relPath` matches any of the patterns. */
export function matchAny(relPath: string, patterns: readonly string[]): boolean {
  for (const p of patterns) if (matchGlob(relPath, p)) return true;
  return false;
}
