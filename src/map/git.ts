/**
 * The files of a git revision, read into memory (`git ls-tree -r` for the list, one
 * `git cat-file --batch` for the contents): nothing is checked out and no file of the working
 * tree is read or written. The same files are chosen as `lint` would find in the working tree:
 * the extensions and skipped directories of src/load/discover.ts, TypeScript only when it
 * imports CDK or Pulumi. Symbolic links and submodules of the revision are not followed.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_EXTENSIONS, displayPath, isTsIacPath, SKIP_DIRS } from '../load/discover.js';
import type { SourceFile } from '../load/loader.js';
import { looksLikeTsIac } from '../load/ts-iac.js';

export class GitError extends Error {}

function git(cwd: string, args: readonly string[], input?: Buffer | string): Buffer {
  const r = spawnSync('git', ['-c', 'core.quotePath=false', ...args], { cwd, input, maxBuffer: 1 << 30 });
  if (r.error) throw new GitError(`cannot run git: ${r.error.message}`);
  if (r.status !== 0) {
    const msg = r.stderr.toString('utf8').trim().split('\n')[0] || `git ${args[0]} failed`;
    throw new GitError(msg);
  }
  return r.stdout;
}

/** The commit `rev` names in the repository at `cwd`, or undefined when git does not know it. */
export function commitOf(cwd: string, rev: string): string | undefined {
  if (rev.startsWith('-')) return undefined;
  try {
    return git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).toString('utf8').trim();
  } catch {
    return undefined;
  }
}

export interface Revision {
  /** The revision as given, and the commit it names. */
  readonly name: string;
  readonly commit: string;
  readonly sources: SourceFile[];
  /** Working-tree files of the revision, by absolute path (what kustomize may read). */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * The files of revision `rev` under `paths` (relative to `cwd`, default `.`), as sources whose
 * display paths are those the working tree's files have. A path that the revision does not have
 * contributes nothing (a directory the change adds).
 */
export function readRevision(cwd: string, rev: string, paths: readonly string[]): Revision {
  if (rev.startsWith('-')) throw new GitError(`invalid revision "${rev}"`);
  const top = git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
  const commit = commitOf(cwd, rev);
  if (!commit) throw new GitError(`unknown revision "${rev}" (with actions/checkout, fetch it: fetch-depth: 0, or git fetch origin ${rev})`);
  const listing = git(top, ['ls-tree', '-r', '-z', '--full-tree', commit]).toString('utf8');
  const blobs: { repoPath: string; sha: string }[] = [];
  for (const entry of listing.split('\0')) {
    if (entry === '') continue;
    const tab = entry.indexOf('\t');
    const [mode, type, sha] = entry.slice(0, tab).split(' ');
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) continue;
    blobs.push({ repoPath: entry.slice(tab + 1), sha });
  }
  const inputs = (paths.length ? paths : ['.']).map((p) => path.relative(top, path.resolve(cwd, p)).split(path.sep).join('/'));
  if (inputs.some((p) => p.startsWith('../') || p === '..')) throw new GitError(`a path is outside the git repository ${top}`);
  const chosen = blobs.filter((b) => inputs.some((i) => selects(i, b.repoPath)));
  const texts = readBlobs(top, chosen.map((b) => b.sha));
  const sources: SourceFile[] = [];
  const files = new Map<string, string>();
  chosen.forEach((b, k) => {
    const text = texts[k];
    const abs = path.join(top, ...b.repoPath.split('/'));
    files.set(abs, text);
    const explicit = inputs.includes(b.repoPath);
    if (!explicit && isTsIacPath(b.repoPath) && !looksLikeTsIac(text)) return;
    sources.push({ path: displayPath(abs, cwd), abs, text });
  });
  sources.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { name: rev, commit, sources, files };
}

/** Does input `i` (a repository path, '' for the top) select file `p` as lint's discovery would? */
function selects(i: string, p: string): boolean {
  if (i === p) return true;
  if (i !== '' && !p.startsWith(`${i}/`)) return false;
  const below = i === '' ? p : p.slice(i.length + 1);
  const parts = below.split('/');
  if (parts.slice(0, -1).some((d) => SKIP_DIRS.has(d))) return false;
  const ext = path.posix.extname(p).toLowerCase();
  if (!DEFAULT_EXTENSIONS.includes(ext)) return false;
  return ext !== '.ts' || isTsIacPath(p);
}

/** Contents of blobs by id, in order, through one `git cat-file --batch`. */
function readBlobs(cwd: string, shas: readonly string[]): string[] {
  if (shas.length === 0) return [];
  const out = git(cwd, ['cat-file', '--batch'], `${shas.join('\n')}\n`);
  const texts: string[] = [];
  let pos = 0;
  for (const sha of shas) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString('utf8').split(' ');
    if (header[0] !== sha || header[1] !== 'blob') throw new GitError(`git cat-file: unexpected answer for ${sha}`);
    const size = Number(header[2]);
    texts.push(out.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    pos = nl + 1 + size + 1;
  }
  return texts;
}
