/**
 * Finds the files to read: directories recursively, explicit files always, symlinks never out of the tree.
 * TypeScript files found in directories are kept only when they import AWS CDK or Pulumi AWS
 * (a textual check, no parsing), so that application code is never read or parsed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { looksLikeTsIac } from './ts-iac.js';

export const DEFAULT_EXTENSIONS = ['.yaml', '.yml', '.json', '.ts'];
/** Never walked into: VCS data, dependencies, and tool caches that hold copies (`cdk synth` output, downloaded Terraform modules). */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', 'cdk.out', '.terraform']);

/** A TypeScript source file (not a declaration file) that may hold CDK or Pulumi code. */
export function isTsIacPath(p: string): boolean {
  const l = p.toLowerCase();
  return l.endsWith('.ts') && !l.endsWith('.d.ts');
}

/** Keep a file found while walking a directory? TypeScript only when it imports an IaC library. */
function wanted(p: string, extensions: readonly string[]): boolean {
  const ext = path.extname(p).toLowerCase();
  if (!extensions.includes(ext)) return false;
  if (ext !== '.ts') return true;
  if (!isTsIacPath(p)) return false;
  try {
    return looksLikeTsIac(fs.readFileSync(p, 'utf8'));
  } catch {
    return false;
  }
}

export interface DiscoverResult {
  /** Absolute paths, sorted by their display path. */
  readonly files: string[];
  /** Paths that do not exist or cannot be read. */
  readonly missing: string[];
}

export function discover(inputs: readonly string[], cwd: string, extensions: readonly string[] = DEFAULT_EXTENSIONS): DiscoverResult {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      missing.push(input);
      continue;
    }
    if (st.isDirectory()) walk(abs, fs.realpathSync(abs), extensions, files);
    else files.add(abs);
  }
  const sorted = [...files].sort((a, b) => {
    const x = displayPath(a, cwd);
    const y = displayPath(b, cwd);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { files: sorted, missing };
}

function walk(dir: string, root: string, extensions: readonly string[], out: Set<string>): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, root, extensions, out);
    } else if (e.isFile()) {
      if (wanted(p, extensions)) out.add(p);
    } else if (e.isSymbolicLink()) {
      // Follow a link only when its target stays inside the tree, and never into a directory (no cycles).
      try {
        const real = fs.realpathSync(p);
        if ((real === root || real.startsWith(root + path.sep)) && fs.statSync(real).isFile() && wanted(p, extensions)) out.add(p);
      } catch {
        /* dangling link */
      }
    }
  }
}

/** Path as shown in every output: relative to the current directory, `/`-separated. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}
