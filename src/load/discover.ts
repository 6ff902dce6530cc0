/**
 * Finds the files to read: directories recursively, explicit files always, symlinks never out of the tree.
 * TypeScript files found in directories are kept only when they import AWS CDK or Pulumi AWS
 * (a textual check, no parsing), so that application code is never read or parsed. Files and
 * directories that the ignore rules (`.gitignore`, `.irsa-lintignore`, `--ignore-pattern`; see
 * ignore.ts) leave out are not walked; a file named as an input is read all the same.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHART_FILE, CHART_METADATA, chartPlace, hasChartFile, isManifestTemplate, topChart, type HelmChart } from './helm.js';
import type { IgnoreRules, IgnoreScope } from './ignore.js';
import { looksLikeTsIac } from './ts-iac.js';

export const DEFAULT_EXTENSIONS = ['.yaml', '.yml', '.json', '.ts', '.tf', '.tfvars'];
/** Never walked into: VCS data, dependencies, and tool caches that hold copies (`cdk synth` output, Terraform and Terragrunt module downloads). */
const SKIP_DIRS = new Set(['.git', 'node_modules', 'cdk.out', '.terraform', '.terragrunt-cache']);

/** A TypeScript source file (not a declaration file) that may hold CDK or Pulumi code. */
export function isTsIacPath(p: string): boolean {
  const l = p.toLowerCase();
  return l.endsWith('.ts') && !l.endsWith('.d.ts');
}

/** Does a file found while walking have one of the extensions read? */
function hasExtension(p: string, extensions: readonly string[]): boolean {
  return extensions.includes(path.extname(p).toLowerCase());
}

/** Keep a file with a wanted extension? TypeScript only when it imports an IaC library. */
function wantedContent(p: string): boolean {
  if (path.extname(p).toLowerCase() !== '.ts') return true;
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
  /** Helm charts met, sorted by directory, with the template files that were not read. */
  readonly charts: HelmChart[];
}

export interface DiscoverOptions {
  /** Extensions of the files read in directories (default `DEFAULT_EXTENSIONS`). */
  readonly extensions?: readonly string[];
  /** What directory walks leave out (default: nothing). */
  readonly ignore?: IgnoreRules;
  /** Called once, as soon as the walk has found `files` files (a run that prepares for a big repository). */
  readonly many?: { readonly files: number; readonly found: () => void };
}

/** Where in a chart the walk is. */
interface ChartState {
  readonly chart: HelmChart;
  /** The chart or subchart directory whose templates/ and metadata files are judged. */
  readonly root: string;
  readonly inTemplates: boolean;
}

export function discover(inputs: readonly string[], cwd: string, opts: DiscoverOptions = {}): DiscoverResult {
  const w = new Walker(opts.extensions ?? DEFAULT_EXTENSIONS, opts.many);
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
    const place = chartPlace(abs);
    const state = place ? { chart: w.chart(place.chart), root: place.root, inTemplates: place.inTemplates } : undefined;
    if (st.isDirectory()) w.walk(abs, fs.realpathSync(abs), opts.ignore?.forRoot(abs) ?? NO_IGNORE, state);
    else if (state?.inTemplates) state.chart.templates.add(abs);
    else if (!place?.metadata) w.files.add(abs);
  }
  return { files: sortedByDisplay([...w.files], (f) => f, cwd), missing, charts: sortedByDisplay([...w.charts.values()], (c) => c.dir, cwd) };
}

/** Sorted by display path (each computed once). */
function sortedByDisplay<T>(items: readonly T[], abs: (t: T) => string, cwd: string): T[] {
  const keyed = items.map((t) => ({ t, d: displayPath(abs(t), cwd) }));
  keyed.sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0));
  return keyed.map((k) => k.t);
}

const NO_IGNORE: IgnoreScope = { enter: () => NO_IGNORE, ignored: () => false };

class Walker {
  readonly files = new Set<string>();
  readonly charts = new Map<string, HelmChart>();

  constructor(
    private readonly extensions: readonly string[],
    private many?: DiscoverOptions['many'],
  ) {}

  chart(dir: string): HelmChart {
    let c = this.charts.get(dir);
    if (!c) this.charts.set(dir, (c = { dir, templates: new Set() }));
    return c;
  }

  walk(dir: string, root: string, parentScope: IgnoreScope, parentChart: ChartState | undefined): void {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const names = new Set(entries.map((e) => e.name));
    const scope = parentScope.enter(dir, names);
    let chart = parentChart;
    if (!chart?.inTemplates) {
      // A directory directly in charts/ of the chart being walked is a subchart: its files count for that chart.
      const sub = chart !== undefined && path.basename(path.dirname(dir)) === 'charts' && path.dirname(path.dirname(dir)) === chart.root;
      if (sub) chart = { chart: chart!.chart, root: dir, inTemplates: false };
      else if (names.has(CHART_FILE) && hasChartFile(dir)) chart = { chart: this.chart(topChart(dir)), root: dir, inTemplates: false };
    }
    const atRoot = chart !== undefined && !chart.inTemplates && chart.root === dir;
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const e of entries) {
      // `dir` is normalised and a name has no separator: path.join's result. Joined, not concatenated:
      // the path is kept for the whole run, and a flat string is smaller than a concatenation.
      const p = [prefix, e.name].join('');
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || scope.ignored(p, true)) continue;
        this.walk(p, root, scope, atRoot && e.name === 'templates' ? { ...chart!, inTemplates: true } : chart);
      } else if (e.isFile() || e.isSymbolicLink()) {
        if (chart?.inTemplates) {
          // Go templates: counted for the chart's note, never read.
          if (isManifestTemplate(e.name) && !scope.ignored(p, false)) chart.chart.templates.add(p);
          continue;
        }
        if (atRoot && CHART_METADATA.has(e.name)) continue;
        if (!hasExtension(p, this.extensions) || scope.ignored(p, false)) continue;
        if (e.isFile()) {
          if (wantedContent(p)) this.files.add(p);
          continue;
        }
        // Follow a link only when its target stays inside the tree, and never into a directory (no cycles).
        try {
          const real = fs.realpathSync(p);
          if ((real === root || real.startsWith(root + path.sep)) && fs.statSync(real).isFile() && wantedContent(p)) this.files.add(p);
        } catch {
          /* dangling link */
        }
      }
    }
    if (this.many && this.files.size >= this.many.files) {
      const { found } = this.many;
      this.many = undefined;
      found();
    }
  }
}

/** A path with `.` or `..` segments, doubled or trailing separators (or, on Windows, a `/`). */
const NOT_NORMAL = path.sep === '/' ? /\/\.{1,2}(\/|$)|\/\/|.\/$/ : /[\\/]\.{1,2}([\\/]|$)|[\\/][\\/]|.[\\/]$|\//;

/** Path as shown in every output: relative to the current directory, `/`-separated. */
export function displayPath(abs: string, cwd: string): string {
  // A walk's paths are below the current directory and normalised: no `path.relative` needed.
  const base = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  if (abs.startsWith(base) && abs.length > base.length && !NOT_NORMAL.test(abs) && !NOT_NORMAL.test(cwd)) {
    const rel = abs.slice(base.length);
    return path.sep === '/' ? rel : rel.split(path.sep).join('/');
  }
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}
