/**
 * Helm charts. A directory holding `Chart.yaml` is a chart: the files under its `templates/`
 * (and under `charts/<sub>/templates/` of its subcharts) are Go templates that are YAML only once
 * rendered, and `Chart.yaml`, `values.yaml` and `values.schema.json` are chart metadata and
 * values, not resources. Discovery (discover.ts) recognises charts before any file is read, so
 * their templates cost nothing; each chart with templates gets one note that says how to lint its
 * rendered output (`helm template … | irsa-lint lint - …`).
 *
 * Rendered output names its templates: Helm writes `---\n# Source: <chart>/templates/<file>` before
 * every document (helm/helm pkg/action/action.go). `sourceOf` reads that comment per document; the
 * linter adds the template as a related location of the findings in that document.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Span } from '../model/span.js';
import type { ParseProblem, RenderedDoc } from './problem.js';
export { sourceOf, TEMPLATE_RULE, type TemplateSource } from './helm-source.js';
import { TEMPLATE_RULE } from './helm-source.js';

export const CHART_FILE = 'Chart.yaml';
/** Files of a chart directory that are read by Helm, not applied: never parsed as resources. */
export const CHART_METADATA: ReadonlySet<string> = new Set([CHART_FILE, 'values.yaml', 'values.schema.json']);

export interface HelmChart {
  /** Absolute path of the chart directory. */
  readonly dir: string;
  /** Template files found in it and in its subcharts (manifests Helm renders: not `_*` partials, not NOTES.txt), never read. */
  readonly templates: Set<string>;
}

/** Does Helm render this template file as a manifest? Partials (`_helpers.tpl`) and NOTES.txt are not. */
export function isManifestTemplate(name: string): boolean {
  return !name.startsWith('_') && name !== 'NOTES.txt';
}

export function hasChartFile(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, CHART_FILE)).isFile();
  } catch {
    return false;
  }
}

/** Where a path lies relative to the charts around it. */
export interface ChartPlace {
  /** The chart whose note covers it (a subchart's files belong to its parent chart). */
  readonly chart: string;
  /** The chart or subchart directory it is directly in (its templates/ and metadata are judged against this one). */
  readonly root: string;
  /** Under a `templates/` directory of `root`. */
  readonly inTemplates: boolean;
  /** One of `root`'s metadata files (`Chart.yaml`, `values.yaml`, `values.schema.json`). */
  readonly metadata: boolean;
}

/**
 * The chart a file or directory named on the command line belongs to, found from its ancestors.
 * A chart inside `charts/` of another chart is a subchart and folds into its parent.
 */
export function chartPlace(abs: string): ChartPlace | undefined {
  let root: string | undefined;
  for (let d = path.dirname(abs); ; d = path.dirname(d)) {
    if (hasChartFile(d)) {
      root = d;
      break;
    }
    if (path.dirname(d) === d) return undefined;
  }
  const rel = path.relative(root, abs).split(path.sep);
  // A subchart directory without Chart.yaml of its own still holds templates under charts/<sub>/templates.
  const inTemplates = rel[0] === 'templates' || (rel[0] === 'charts' && rel[2] === 'templates');
  const metadata = rel.length === 1 && CHART_METADATA.has(rel[0]);
  return { chart: topChart(root), root, inTemplates, metadata };
}

/** The outermost chart that `dir` is a subchart of (itself when it is none's). */
export function topChart(dir: string): string {
  let d = dir;
  while (path.basename(path.dirname(d)) === 'charts' && hasChartFile(path.dirname(path.dirname(d)))) d = path.dirname(path.dirname(d));
  return d;
}

/** The chart's name as `Chart.yaml` gives it, with the span of the value (or of the first line). */
export function chartName(text: string, file: string): { name?: string; span: Span } {
  const m = /^name:[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#]+))/m.exec(text);
  if (m) {
    const name = m[1] ?? m[2] ?? m[3];
    const line = text.slice(0, m.index).split('\n').length;
    const valueStart = m[0].length - (m[1] !== undefined || m[2] !== undefined ? name.length + 2 : name.length);
    return { name, span: { file, line, column: valueStart + 1, endLine: line, endColumn: m[0].length + 1 } };
  }
  const first = text.split('\n')[0].replace(/\r$/, '');
  return { span: { file, line: 1, column: 1, endLine: 1, endColumn: first.length + 1 } };
}

/** A word for the shell, quoted when it needs to be. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that lints a chart's rendered output with the repository, from the current directory. */
export function renderCommand(name: string, chartDir: string): string {
  const stdinName = chartDir === '.' ? 'rendered.yaml' : `${chartDir}/rendered.yaml`;
  return `helm template ${shellWord(name)} ${shellWord(chartDir)} | irsa-lint lint - --stdin-filename ${shellWord(stdinName)} .`;
}

/** The note for a chart whose templates were not read, on the `name` of its `Chart.yaml`. */
export function chartNote(chart: HelmChart, chartText: string, chartFileDisplay: string, chartDirDisplay: string): ParseProblem {
  const { name, span } = chartName(chartText, chartFileDisplay);
  const shownName = name ?? chartDirDisplay.split('/').pop() ?? chartDirDisplay;
  const n = chart.templates.size;
  const data = { templates: n === 1 ? '1 template' : `${n} templates`, name: shownName, command: renderCommand(name ?? 'RELEASE', chartDirDisplay) };
  return { message: `Helm chart "${shownName}" was not linted`, code: 'HELM_CHART', span, rule: { id: TEMPLATE_RULE, messageId: 'helmChart', data } };
}

/** Chart names by directory, each `Chart.yaml` read once. */
export class ChartNames {
  private readonly cache = new Map<string, string | undefined>();

  name(dir: string): string | undefined {
    if (this.cache.has(dir)) return this.cache.get(dir);
    let name: string | undefined;
    try {
      name = chartName(fs.readFileSync(path.join(dir, CHART_FILE), 'utf8'), CHART_FILE).name;
    } catch {
      name = undefined;
    }
    this.cache.set(dir, name);
    return name;
  }
}

/** Where a `# Source:` path points: the template file in a chart on disk, when one is found. */
export interface ResolvedTemplate {
  /** The chart directory (absolute) that renders it. */
  readonly chartDir?: string;
  /** The template file (absolute), when its chart was found. */
  readonly abs?: string;
}

/**
 * The chart a `# Source: <chart>/<path>` comment names: the nearest chart above the rendered file
 * (the stream's `--stdin-filename`, or the file on disk) with that name, else the only chart of
 * that name among `charts`. Undefined when neither is found (rendered elsewhere).
 */
export function resolveTemplate(source: string, renderedAt: string | undefined, charts: readonly string[], names: ChartNames): ResolvedTemplate {
  const parts = source.split('/');
  const chart = parts[0];
  // `<chart>/<path inside the chart>`: nothing that could point outside it.
  if (parts.length < 2 || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) return {};
  let dir: string | undefined;
  if (renderedAt) {
    for (let d = path.dirname(renderedAt); ; d = path.dirname(d)) {
      if (names.name(d) === chart) {
        dir = d;
        break;
      }
      if (path.dirname(d) === d) break;
    }
  }
  if (!dir) {
    const named = charts.filter((c) => names.name(c) === chart);
    if (named.length === 1) dir = named[0];
  }
  return dir ? { chartDir: dir, abs: path.join(dir, ...parts.slice(1)) } : {};
}

/**
 * The line of a template that rendered a given line: the only line of the template that sets the
 * same key (`serviceAccountName:`, `eks.amazonaws.com/role-arn:`), else none. A key the template
 * takes from values (`{{- toYaml .Values.annotations | nindent 4 }}`) or sets more than once does
 * not say which line it was.
 */
export function templateLine(templateText: string, renderedLine: string): { line: number; column: number; endColumn: number } | undefined {
  const m = /^\s*(?:-\s+)*(["']?)([^\s"'#:{}[\],][^"'#:{}[\],]*?)\1\s*:(?:\s|$)/.exec(renderedLine);
  if (!m) return undefined;
  const key = m[2];
  let found: { line: number; column: number; endColumn: number } | undefined;
  const lines = templateText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = /^(\s*(?:-\s+)*)(["']?)(.*?)\2\s*:(?:\s|$)/.exec(lines[i]);
    if (!t || t[3] !== key) continue;
    if (found) return undefined;
    const column = t[1].length + 1;
    found = { line: i + 1, column, endColumn: column + t[2].length * 2 + key.length };
  }
  return found;
}

/** A finding's location and related locations, as `templateLocations` reads and extends them. */
interface Locatable {
  readonly location: Span;
  readonly related: readonly { readonly location: Span; readonly label: string }[];
}

/**
 * Helm's view of one run: which charts' rendered output was linted, and the template each rendered
 * document came from, as a related location for the findings in that document.
 */
export class RenderedTemplates {
  private readonly names = new ChartNames();
  private readonly resolved = new Map<RenderedDoc, ResolvedTemplate>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly byFile = new Map<string, RenderedDoc[]>();

  /**
   * @param rendered documents with a `# Source:` comment
   * @param chartDirs the charts met in discovery
   * @param absOf the absolute path of a linted file (of standard input: its `--stdin-filename`)
   * @param display a path as shown in findings
   */
  constructor(
    private readonly rendered: readonly RenderedDoc[],
    private readonly chartDirs: readonly string[],
    private readonly absOf: (file: string) => string | undefined,
    private readonly display: (abs: string) => string,
  ) {
    for (const d of rendered) {
      const list = this.byFile.get(d.file);
      if (list) list.push(d);
      else this.byFile.set(d.file, [d]);
    }
  }

  private resolve(doc: RenderedDoc): ResolvedTemplate {
    let r = this.resolved.get(doc);
    if (!r) this.resolved.set(doc, (r = resolveTemplate(doc.source.path, this.absOf(doc.file), this.chartDirs, this.names)));
    return r;
  }

  /** Charts (directories) some linted document was rendered from: their templates were linted after all. */
  coveredCharts(): Set<string> {
    const out = new Set<string>();
    for (const d of this.rendered) {
      const dir = this.resolve(d).chartDir;
      if (dir) out.add(topChart(dir));
    }
    return out;
  }

  private text(abs: string): string | undefined {
    if (!this.texts.has(abs)) {
      let t: string | undefined;
      try {
        t = fs.readFileSync(abs, 'utf8');
      } catch {
        t = undefined;
      }
      this.texts.set(abs, t);
    }
    return this.texts.get(abs);
  }

  /**
   * The finding with the template of its document as a related location: the template file in its
   * chart when the chart is found (at the line that sets the same key, when only one does; else
   * line 1), else the path as the comment gives it, line 1. `lineText` gives a line of a linted file.
   */
  withTemplate<F extends Locatable>(f: F, lineText: (file: string, line: number) => string | undefined): F {
    const loc = f.location;
    const doc = this.byFile.get(loc.file)?.find((d) => d.line <= loc.line && loc.line <= d.endLine);
    if (!doc) return f;
    const r = this.resolve(doc);
    const file = r.abs ? this.display(r.abs) : doc.source.path;
    let at = { line: 1, column: 1, endColumn: 1 };
    const text = r.abs ? this.text(r.abs) : undefined;
    const rendered = lineText(loc.file, loc.line);
    if (text !== undefined && rendered !== undefined) at = templateLine(text, rendered) ?? at;
    const location: Span = { file, line: at.line, column: at.column, endLine: at.line, endColumn: at.endColumn };
    return { ...f, related: [...f.related, { location, label: 'rendered from this Helm template' }] };
  }
}
