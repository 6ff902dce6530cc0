/**
 * A git revision's files, for the access diff: listed with `git ls-tree -r` and read with one
 * `git cat-file --batch`, then written into a private temporary directory outside the working
 * tree (removed afterwards) that has the repository's layout, so that the revision is linted by
 * the same discovery as the working tree (extensions, skipped directories, `.gitignore` and
 * `.irsa-lintignore`, Helm charts, kustomize and Terraform references) and its paths display as
 * the working tree's do. Nothing is checked out: the working tree, the index and HEAD are not
 * touched. Only the files discovery may read are written (by extension, ignore files, chart
 * templates); TypeScript only when it imports CDK or Pulumi.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_EXTENSIONS, isTsIacPath } from '../load/discover.js';
import { looksLikeTsIac } from '../load/ts-iac.js';

export class GitError extends Error {}

function git(cwd: string, args: readonly string[], input?: string): Buffer {
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

/** The top level of the work tree that holds `cwd`. */
export function topLevel(cwd: string): string {
  return fs.realpathSync(git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim());
}

export interface Revision {
  /** The revision as given, and the commit it names. */
  readonly name: string;
  readonly commit: string;
  /** The repository's top level, and the temporary directory that stands for it at the revision. */
  readonly top: string;
  readonly dir: string;
  /** Files written. */
  readonly files: number;
  /** `p` (a path of the work tree) in the temporary directory. */
  at(p: string): string;
  /** Remove the temporary directory. */
  dispose(): void;
}

/** Files discovery may read or consult, by name. */
const NAMES = new Set(['.gitignore', '.irsa-lintignore', '.helmignore']);
const EXTENSIONS = new Set([...DEFAULT_EXTENSIONS, '.tpl']);

function kept(p: string): boolean {
  const base = path.posix.basename(p);
  if (NAMES.has(base)) return true;
  if (p.split('/').slice(0, -1).includes('templates')) return true; // Helm templates are counted by name
  return EXTENSIONS.has(path.posix.extname(base).toLowerCase());
}

/**
 * Write the files of revision `rev` of the repository at `cwd` into a temporary directory (see
 * the module comment). Throws `GitError` when `cwd` is not in a work tree or git does not know
 * `rev`. Call `dispose()` when done.
 */
export function materializeRevision(cwd: string, rev: string): Revision {
  if (rev.startsWith('-')) throw new GitError(`invalid revision "${rev}"`);
  const top = topLevel(cwd);
  const commit = commitOf(cwd, rev);
  if (!commit) throw new GitError(`unknown revision "${rev}" (with actions/checkout, fetch it: fetch-depth: 0, or git fetch origin ${rev})`);
  const listing = git(top, ['ls-tree', '-r', '-z', '--full-tree', commit]).toString('utf8');
  const blobs: { repoPath: string; sha: string; link: boolean }[] = [];
  for (const entry of listing.split('\0')) {
    if (entry === '') continue;
    const tab = entry.indexOf('\t');
    const [mode, type, sha] = entry.slice(0, tab).split(' ');
    const repoPath = entry.slice(tab + 1);
    if (type !== 'blob' || repoPath.split('/').includes('..')) continue;
    if (mode === '120000') blobs.push({ repoPath, sha, link: true });
    else if ((mode === '100644' || mode === '100755') && kept(repoPath)) blobs.push({ repoPath, sha, link: false });
  }
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lint-rev-')));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    // The temporary tree is a work tree's top level for the ignore rules and the configuration search.
    fs.mkdirSync(path.join(dir, '.git'));
    const contents = readBlobs(top, blobs.map((b) => b.sha));
    let files = 0;
    blobs.forEach((b, k) => {
      const abs = path.join(dir, ...b.repoPath.split('/'));
      const body = contents[k];
      if (b.link) {
        const target = body.toString('utf8');
        // Links that stay inside the tree, as discovery follows them.
        if (path.isAbsolute(target) || !path.resolve(path.dirname(abs), target).startsWith(dir + path.sep)) return;
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.symlinkSync(target, abs);
        return;
      }
      if (isTsIacPath(b.repoPath) && !looksLikeTsIac(body.toString('utf8'))) return;
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, body, { mode: 0o600 });
      files++;
    });
    return {
      name: rev,
      commit,
      top,
      dir,
      files,
      at: (p: string) => path.join(dir, path.relative(top, path.resolve(p))),
      dispose,
    };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** Contents of blobs by id, in order, through one `git cat-file --batch`. */
function readBlobs(cwd: string, shas: readonly string[]): Buffer[] {
  if (shas.length === 0) return [];
  const out = git(cwd, ['cat-file', '--batch'], `${shas.join('\n')}\n`);
  const bodies: Buffer[] = [];
  let pos = 0;
  for (const sha of shas) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString('utf8').split(' ');
    if (header[0] !== sha || header[1] !== 'blob') throw new GitError(`git cat-file: unexpected answer for ${sha}`);
    const size = Number(header[2]);
    bodies.push(out.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return bodies;
}
