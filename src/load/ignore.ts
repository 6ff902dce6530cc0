/**
 * Which files a directory walk leaves out: the repository's `.gitignore` files, `.irsa-lintignore`
 * and `--ignore-pattern`, all in gitignore syntax, as the `ignore` package (what ESLint uses for
 * gitignore semantics) evaluates it.
 *
 * - `.gitignore` files are read inside a git work tree: the one of the top level (the directory
 *   holding `.git`), of every directory between it and the walked directory, and of every
 *   directory below. As in git, a pattern is relative to the directory of its file, a deeper file
 *   overrides a shallower one, and a file inside an ignored directory cannot be re-included.
 *   `.git/info/exclude` and `core.excludesFile` are not read: they are not part of the repository,
 *   so a run would depend on the clone. A nested repository (a directory with its own `.git`)
 *   starts over with its own files.
 * - `.irsa-lintignore` is found like the configuration file (the current directory or the nearest
 *   parent up to the git top level); its patterns are relative to its directory and come after
 *   the `.gitignore` ones, so `!generated/` there re-includes a directory git ignores.
 * - `--ignore-pattern` patterns are relative to the current directory and come last.
 *
 * Every pattern is rebased onto one root (the file system's) so that one rule list, in the order
 * above, decides each path; the last rule that matches wins. The inputs named on the command line
 * are never ignored themselves: a named file is read, and a named directory is walked (its
 * entries are still matched against the rules).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type IgnoreFactory from 'ignore';
import type { Ignore } from 'ignore';

let loaded: typeof IgnoreFactory | undefined;

/** The `ignore` package, loaded when there is a first rule to match (about 25 ms of start-up otherwise). */
function ignoreFactory(): typeof IgnoreFactory {
  return (loaded ??= createRequire(import.meta.url)('ignore') as typeof IgnoreFactory);
}

export const IGNORE_FILE = '.irsa-lintignore';
const GITIGNORE = '.gitignore';

export interface IgnoreSettings {
  /** Read the repository's `.gitignore` files. */
  readonly gitignore: boolean;
  /** `.irsa-lintignore`: its directory (absolute) and text. */
  readonly ignoreFile?: { readonly dir: string; readonly text: string };
  /** Patterns relative to `cwd` (`--ignore-pattern`). */
  readonly patterns?: readonly string[];
  /** Absolute current directory. */
  readonly cwd: string;
}

/** Decides, for the entries of one directory of a walk, whether they are left out. */
export interface IgnoreScope {
  /** The scope for the entries of `dir`, whose entry names are `names` (reads its `.gitignore`). */
  enter(dir: string, names: ReadonlySet<string>): IgnoreScope;
  /** Is the file or directory `abs` left out? */
  ignored(abs: string, isDir: boolean): boolean;
}

const NONE: IgnoreScope = { enter: () => NONE, ignored: () => false };

/** The rule key of an absolute path: `/`-separated, without the leading `/`. */
function keyOf(abs: string): string {
  return (path.sep === '/' ? abs : abs.split(path.sep).join('/')).replace(/^\/+/, '');
}

/** A key as a literal part of a pattern: glob characters (and spaces, which end a pattern) escaped. */
function literalKey(abs: string): string {
  return keyOf(abs).replace(/[\\*?[\]! #]/g, '\\$&');
}

/**
 * One gitignore line, rewritten to be relative to the root instead of `base` (a literal key). A pattern
 * with a `/` before its end is anchored to its file's directory; one without matches at any depth
 * below it. Blank lines and comments give undefined.
 */
export function rebase(line: string, base: string): string | undefined {
  let l = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (l.trim() === '' || l.startsWith('#')) return undefined;
  let neg = '';
  if (l.startsWith('!')) {
    neg = '!';
    l = l.slice(1);
  }
  const core = l.replace(/(?<!\\)\s+$/, '').replace(/\/+$/, '');
  const anchored = core.includes('/');
  if (l.startsWith('/')) l = l.replace(/^\/+/, '');
  const prefix = base === '' ? '' : `${base}/`;
  return `${neg}${prefix}${anchored ? '' : '**/'}${l}`;
}

function rules(text: string, base: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const r = rebase(line, base);
    if (r !== undefined) out.push(r);
  }
  return out;
}

function readText(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function hasGit(dir: string): boolean {
  return fs.existsSync(path.join(dir, '.git'));
}

/** The git top level at or above `dir`, if any. */
export function gitTopLevel(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (hasGit(d)) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** `.irsa-lintignore` in `cwd` or the nearest parent up to the git top level (only `cwd` outside a work tree). */
export function findIgnoreFile(cwd: string): string | undefined {
  const top = gitTopLevel(cwd);
  for (let d = path.resolve(cwd); ; d = path.dirname(d)) {
    const p = path.join(d, IGNORE_FILE);
    try {
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
    if (top === undefined || d === top || path.dirname(d) === d) return undefined;
  }
}

export class IgnoreRules {
  /** `.irsa-lintignore` and `--ignore-pattern` rules, rebased, in that order. */
  private readonly tail: readonly string[];

  constructor(private readonly settings: IgnoreSettings) {
    const tail: string[] = [];
    if (settings.ignoreFile) tail.push(...rules(settings.ignoreFile.text, literalKey(settings.ignoreFile.dir)));
    for (const p of settings.patterns ?? []) {
      // `./dist` on a command line means the directory here, as `/dist` does in gitignore syntax.
      const r = rebase(p.replace(/^(!?)\.\//, '$1/'), literalKey(settings.cwd));
      if (r !== undefined) tail.push(r);
    }
    this.tail = tail;
  }

  /** Nothing can be ignored (no `.gitignore` reading, no other pattern). */
  get empty(): boolean {
    return !this.settings.gitignore && this.tail.length === 0;
  }

  /** The scope for a walk of the input directory `root` (before entering it). */
  forRoot(root: string): IgnoreScope {
    if (this.empty) return NONE;
    const abs = path.resolve(root);
    // The walked directory and its ancestors are never ignored: the input names them.
    const explicit: string[] = [];
    for (let d = abs; path.dirname(d) !== d; d = path.dirname(d)) explicit.push(`!/${literalKey(d)}/`);
    const git: string[] = [];
    const top = this.settings.gitignore ? gitTopLevel(abs) : undefined;
    if (top !== undefined && top !== abs) {
      // The .gitignore files of the top level and of every directory above `root`, shallowest first.
      const chain: string[] = [];
      for (let d = path.dirname(abs); ; d = path.dirname(d)) {
        chain.unshift(d);
        if (d === top || path.dirname(d) === d) break;
      }
      for (const d of chain) {
        const text = readText(path.join(d, GITIGNORE));
        if (text !== undefined) git.push(...rules(text, literalKey(d)));
      }
    }
    return new Scope(this.settings.gitignore, top !== undefined, git, this.tail, explicit);
  }
}

/**
 * The text a rebased rule (`rebase`) must start and end with: up to its first and from its last
 * glob character (`*`, `?`, `[` or `]`, or an escape, counted as one to stay on the safe side).
 */
export function literalBounds(rule: string): { head: string; tail: string } {
  const glob = /[*?[\]\\]/;
  const first = rule.search(glob);
  if (first < 0) return { head: rule, tail: '' };
  let last = rule.length - 1;
  while (last >= 0 && !glob.test(rule[last])) last--;
  return { head: rule.slice(0, first), tail: rule.slice(last + 1) };
}

/** The rules for the entries of one directory; shared by the directories below it that add none. */
class Scope implements IgnoreScope {
  private matcher: Ignore | undefined;
  /** For files: the rules without a trailing `/` (the others match directories only). */
  private fileMatcher: Ignore | null | undefined;
  /** The literal start and end of each of those rules that ignores (not `!`): a file that fits none is not ignored. */
  private fileBounds: readonly { readonly head: string; readonly tail: string }[] = [];

  constructor(
    /** `.gitignore` files are read (the setting). */
    private readonly gitignore: boolean,
    /** The directory is inside a git work tree, so its `.gitignore` counts. */
    private readonly inRepo: boolean,
    /** Rebased `.gitignore` rules, shallowest file first. */
    private readonly git: readonly string[],
    private readonly tail: readonly string[],
    private readonly explicit: readonly string[],
  ) {}

  enter(dir: string, names: ReadonlySet<string>): IgnoreScope {
    if (!this.gitignore) return this;
    // A directory with its own .git is the top of a repository: the outer files stop applying.
    const top = names.has('.git');
    if (!this.inRepo && !top) return this;
    let git = top ? [] : this.git;
    if (names.has(GITIGNORE)) {
      const text = readText(path.join(dir, GITIGNORE));
      if (text !== undefined) git = [...git, ...rules(text, literalKey(dir))];
    }
    if (this.inRepo && (git === this.git || (git.length === 0 && this.git.length === 0))) return this;
    return new Scope(true, true, git, this.tail, this.explicit);
  }

  ignored(abs: string, isDir: boolean): boolean {
    if (this.git.length === 0 && this.tail.length === 0) return false;
    let m: Ignore | null;
    if (isDir) m = this.matcher ??= ignoreFactory()({ ignorecase: false }).add([...this.git, ...this.tail, ...this.explicit]);
    else {
      // A file of a walked directory: no directory above it is ignored (the walk did not enter
      // those), and a rule ending in `/` matches directories only, so only the other rules can
      // decide, in the same order. Fewer rules to test for each file.
      if (this.fileMatcher === undefined) {
        const rules = [...this.git, ...this.tail].filter((r) => !/\/\s*$/.test(r));
        // The named inputs and their ancestors stay re-included: the matcher also judges a file's directories.
        this.fileMatcher = rules.length === 0 ? null : ignoreFactory()({ ignorecase: false }).add([...rules, ...this.explicit]);
        this.fileBounds = rules.filter((r) => !r.startsWith('!')).map(literalBounds);
      }
      m = this.fileMatcher;
      if (!m) return false;
      // A rule matches a whole path, so one that starts and ends with literal text matches only
      // paths that do (a file's directories are not ignored: the walk entered them). Most files fit
      // no rule, and need no matching.
      const key = keyOf(abs);
      if (!this.fileBounds.some((b) => key.startsWith(b.head) && key.endsWith(b.tail))) return false;
      try {
        return m.ignores(key);
      } catch {
        return false;
      }
    }
    try {
      return m.ignores(`${keyOf(abs)}${isDir ? '/' : ''}`);
    } catch {
      return false;
    }
  }
}
