/**
 * `irsa-lint map [options] [PATH...]`: the access map of the files, or with `--diff BASE` what the
 * working tree changes in it against git revision BASE (read from git, see src/map/git.ts).
 *
 * Exit status, as for `lint` on the same files: 0 when no finding of the working tree reaches the
 * failing level (`--fail-on`, the configuration's `failOn`, default `error`; `--max-warnings`),
 * 1 when one does, 2 for a usage or configuration error, a revision git does not know, or an
 * internal failure. The map and the diff themselves never change the exit status.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, RULES, type Analysis, type LintOptions } from '../api.js';
import { cliConfig, CliUsageError, effectiveFailOn, effectiveMaxWarnings, exitCodeFor, exitStatus, FAIL_ON } from '../config/commands.js';
import { findConfigFile, loadConfigFile } from '../config/load.js';
import type { LoadedConfig } from '../config/types.js';
import { roleNameFromArn } from '../iam/arn.js';
import { buildAccessMap } from './build.js';
import { diffMaps, type AccessDiff } from './diff.js';
import { formatDot } from './format/dot.js';
import { formatDiffJson, formatMapJson } from './format/json.js';
import { formatDiffMarkdown, formatDiffText, formatMapMarkdown } from './format/markdown.js';
import { formatMermaid } from './format/mermaid.js';
import { DEFAULT_WIDTH, formatMapText } from './format/text.js';
import { GitError, materializeRevision, type Revision } from './git.js';
import { diffGraph, mapGraph } from './graph.js';
import type { AccessMap, AccessRow } from './types.js';

export const MAP_FORMATS = ['text', 'json', 'mermaid', 'dot', 'markdown'] as const;
export type MapFormat = (typeof MAP_FORMATS)[number];

export const MAP_HELP = `Usage: irsa-lint map [options] [PATH...]
       irsa-lint map --diff BASE [options] [PATH...]

Which workload container can obtain which AWS role, by which path (webhook, ccoctl-secret,
projected-token-manual, pod-identity, static-keys, profile), and whether each link holds:
trusted, not trusted (with the rule that says why) or unknown (a value that is not static).

Options:
  -f, --format FORMAT    text (default), json, mermaid, dot or markdown
  -o, --output-file FILE write the map to FILE instead of standard output
      --diff BASE        compare with git revision BASE (read from git; nothing is checked out)
      --orphans          also list roles no workload uses and ServiceAccounts no workload runs as
      --filter KEY=VALUE only rows with this role (ARN or name), namespace or sa (ServiceAccount);
                         * matches any text; repeat to narrow further
      --context DIR      read all of DIR, show only rows with a location in one of the PATHs
      --width N          width of the text table (default: the terminal's, else ${DEFAULT_WIDTH})
      --fail-on LEVEL    lowest level of a finding that makes the exit status 1 (default error)
      --max-warnings N   exit status 1 when there are more than N warnings
      --config FILE      configuration file; --no-config ignores configuration files
      --no-color         no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)

Exit status: as lint on the same files (0, or 1 when a finding reaches the failing level),
2 for a usage error; the map and the diff do not change it.
`;

export interface MapIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly isTTY: boolean;
  readonly columns?: number;
}

export interface MapFilter {
  readonly key: 'role' | 'namespace' | 'sa';
  readonly pattern: string;
}

export function parseFilter(s: string): MapFilter {
  const eq = s.indexOf('=');
  const key = eq < 0 ? s : s.slice(0, eq);
  if (eq < 0 || !['role', 'namespace', 'sa'].includes(key) || s.slice(eq + 1) === '') {
    throw new CliUsageError(`invalid --filter "${s}" (expected role=VALUE, namespace=VALUE or sa=VALUE)`);
  }
  return { key: key as MapFilter['key'], pattern: s.slice(eq + 1) };
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(text);
}

function roleMatches(pattern: string, role: string | undefined): boolean {
  if (role === undefined) return false;
  return globMatch(pattern, role) || globMatch(pattern, roleNameFromArn(role) ?? role);
}

function rowMatches(r: AccessRow, filters: readonly MapFilter[]): boolean {
  return filters.every((f) => (f.key === 'role' ? roleMatches(f.pattern, r.role) : f.key === 'namespace' ? globMatch(f.pattern, r.namespace) : r.serviceAccount !== undefined && globMatch(f.pattern, r.serviceAccount)));
}

/** The map narrowed to the rows the filters and the context's files select (and what concerns them). */
export function narrowMap(m: AccessMap, filters: readonly MapFilter[], given?: ReadonlySet<string>): AccessMap {
  if (filters.length === 0 && !given) return m;
  const touches = (r: AccessRow) => !given || given.has(r.workload.file) || r.links.some((l) => l.locations.some((x) => given.has(x.span.file)));
  const rows = m.rows.filter((r) => rowMatches(r, filters) && touches(r));
  const kept = new Set(rows.map((r) => r.id));
  const byRole = filters.filter((f) => f.key === 'role');
  const byPlace = filters.filter((f) => f.key !== 'role');
  const nsOk = (ns: string | undefined) => byPlace.every((f) => f.key === 'namespace' && ns !== undefined && globMatch(f.pattern, ns));
  const wideTrust = m.wideTrust.filter(
    (w) => byRole.every((f) => roleMatches(f.pattern, w.role)) && (w.usedBy.some((id) => kept.has(id)) || ((byPlace.length === 0 || nsOk(w.namespace)) && (!given || given.has(w.location.file)))),
  );
  const orphans = m.orphans && {
    roles: m.orphans.roles.filter((o) => byRole.every((f) => roleMatches(f.pattern, o.role)) && byPlace.length === 0 && (!given || given.has(o.location.file))),
    serviceAccounts: m.orphans.serviceAccounts.filter(
      (o) => byRole.every((f) => roleMatches(f.pattern, o.role)) && byPlace.every((f) => globMatch(f.pattern, f.key === 'namespace' ? o.namespace : o.name)) && (!given || given.has(o.location.file)),
    ),
  };
  return { ...m, rows, wideTrust, ...(orphans ? { orphans } : {}) };
}

export interface MapRequest {
  readonly cwd: string;
  readonly paths: readonly string[];
  readonly context?: string;
  /** The working tree's configuration. */
  readonly config?: LoadedConfig;
  /**
   * How it was chosen, to choose the revision's the same way: a file (`--config`, relative to
   * `cwd`), none (`--no-config`), else the one found from `cwd` up (the revision's own).
   */
  readonly configFile?: string;
  readonly noConfig?: boolean;
  readonly orphans?: boolean;
  readonly filters?: readonly MapFilter[];
  /** Compare with this git revision. */
  readonly diff?: string;
  /** How the revision is named in the output (default: as given). */
  readonly diffLabel?: string;
  /** The process is this linter's own (the CLI, the Action): see `LintOptions.tuneHeap`. */
  readonly tuneHeap?: boolean;
}

export interface MapResult {
  readonly analysis: Analysis;
  readonly map: AccessMap;
  readonly base?: AccessMap;
  readonly diff?: AccessDiff;
}

function mapOf(a: Analysis, request: MapRequest, given: ReadonlySet<string> | undefined): AccessMap {
  const m = buildAccessMap({ index: a.index, findings: a.all, facts: a.facts, files: a.files.length }, { orphans: request.orphans });
  return narrowMap(m, request.filters ?? [], given);
}

/** The access map of the working tree, and with `diff` the one of that revision and what changed. */
export async function computeMap(request: MapRequest): Promise<MapResult> {
  const options: LintOptions = { cwd: request.cwd, config: request.config, context: request.context, tuneHeap: request.tuneHeap };
  const analysis = await analyze(request.paths, options);
  if (analysis.missing.length) throw new CliUsageError(`no such file or directory: ${analysis.missing.join(', ')}`);
  const map = mapOf(analysis, request, analysis.given);
  if (request.diff === undefined) return { analysis, map };
  const rev = materializeRevision(request.cwd, request.diff);
  try {
    const inside = (p: string) => {
      const rel = path.relative(rev.top, path.resolve(request.cwd, p));
      return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    };
    const outside = [...request.paths, ...(request.context !== undefined ? [request.context] : [])].filter((p) => !inside(p));
    if (outside.length) throw new GitError(`${outside.join(', ')} is outside the git work tree ${rev.top}`);
    const cwd = rev.at(request.cwd);
    fs.mkdirSync(cwd, { recursive: true });
    const relative = (p: string) => path.relative(request.cwd, path.resolve(request.cwd, p)) || '.';
    const baseAnalysis = await analyze(request.paths.map(relative), { cwd, config: revisionConfig(request, rev, cwd), context: request.context === undefined ? undefined : relative(request.context), tuneHeap: request.tuneHeap });
    // Paths the revision does not have (a directory the change adds) contribute nothing.
    const base = mapOf(baseAnalysis, request, analysis.given);
    return { analysis, map, base, diff: diffMaps(base, map, request.diffLabel ?? request.diff) };
  } finally {
    rev.dispose();
  }
}

/** The revision's configuration, chosen as the working tree's was. */
function revisionConfig(request: MapRequest, rev: Revision, cwd: string): LoadedConfig | undefined {
  if (request.noConfig) return undefined;
  if (request.configFile !== undefined) {
    const abs = path.resolve(request.cwd, request.configFile);
    const rel = path.relative(rev.top, abs);
    const file = rev.at(abs);
    // A configuration outside the repository, or one the revision does not have, is the working tree's.
    return !rel.startsWith('..') && !path.isAbsolute(rel) && fs.existsSync(file) ? loadConfigFile(file, cwd, RULES) : request.config;
  }
  const found = findConfigFile(cwd);
  return found ? loadConfigFile(found, cwd, RULES) : undefined;
}

export function renderMap(r: MapResult, format: MapFormat, text: { color: boolean; width: number }): string {
  if (r.diff && r.base) {
    if (format === 'json') return formatDiffJson(r.diff);
    if (format === 'markdown') return formatDiffMarkdown(r.diff, r.base, r.map);
    if (format === 'mermaid') return formatMermaid(diffGraph(r.base, r.map), { diff: true, empty: 'no access on either side' });
    if (format === 'dot') return formatDot(diffGraph(r.base, r.map), { diff: true, empty: 'no access on either side' });
    return formatDiffText(r.diff);
  }
  if (format === 'json') return formatMapJson(r.map);
  if (format === 'markdown') return formatMapMarkdown(r.map);
  if (format === 'mermaid') return formatMermaid(mapGraph(r.map));
  if (format === 'dot') return formatDot(mapGraph(r.map));
  return formatMapText(r.map, text);
}

function useColor(io: MapIo, noColor: boolean, toFile: boolean): boolean {
  if (noColor || toFile) return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.isTTY;
}

export async function mapCommand(args: readonly string[], io: MapIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      'output-file': { type: 'string', short: 'o' },
      diff: { type: 'string' },
      orphans: { type: 'boolean' },
      filter: { type: 'string', multiple: true },
      context: { type: 'string' },
      width: { type: 'string' },
      'fail-on': { type: 'string' },
      'max-warnings': { type: 'string' },
      config: { type: 'string' },
      'no-config': { type: 'boolean' },
      'no-color': { type: 'boolean' },
      color: { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(MAP_HELP);
    return 0;
  }
  const format = values.format ?? 'text';
  if (!(MAP_FORMATS as readonly string[]).includes(format)) throw new CliUsageError(`invalid format "${format}" (expected ${MAP_FORMATS.join(', ')})`);
  if (positionals.includes('-')) throw new CliUsageError('map reads files, not standard input');
  const context = values.context;
  if (context !== undefined) {
    if (!positionals.length) throw new CliUsageError('--context needs the files to show rows for');
    if (!isDirectory(path.resolve(io.cwd, context))) throw new CliUsageError(`--context "${context}" is not a directory`);
  }
  let width = io.isTTY && io.columns ? io.columns : DEFAULT_WIDTH;
  if (values.width !== undefined) {
    if (!/^\d+$/.test(values.width) || Number(values.width) < 40) throw new CliUsageError(`invalid --width "${values.width}" (expected a number of at least 40)`);
    width = Number(values.width);
  }
  const failOnCli = values['fail-on'];
  if (failOnCli !== undefined && !(FAIL_ON as readonly string[]).includes(failOnCli)) throw new CliUsageError(`invalid --fail-on "${failOnCli}" (expected ${FAIL_ON.join(', ')})`);
  const config = cliConfig(values, io.cwd);
  const failOn = effectiveFailOn(failOnCli as (typeof FAIL_ON)[number] | undefined, config);
  const maxWarnings = effectiveMaxWarnings(values['max-warnings'], config);
  const filters = (values.filter ?? []).map(parseFilter);
  const result = await computeMap({ cwd: io.cwd, paths: positionals, context, config, configFile: values.config, noConfig: !!values['no-config'], orphans: !!values.orphans, filters, diff: values.diff, tuneHeap: true });
  const outFile = values['output-file'];
  const out = renderMap(result, format as MapFormat, { color: useColor(io, !!values['no-color'] || values.color === false, !!outFile), width });
  if (outFile) {
    const abs = path.resolve(io.cwd, outFile);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, out);
  } else io.stdout(out);
  const findings = result.analysis.shown;
  const code = exitStatus({ findings, failOn, maxWarnings }, io);
  if (code === 1 && exitCodeFor(findings, failOn) === 1) {
    const n = findings.filter((f) => !f.suppressions?.length && f.severity === 'error').length;
    io.stderr(`irsa-lint: the files have findings at the failing level (${failOn}${n ? `; ${n} error${n === 1 ? '' : 's'}` : ''}): irsa-lint lint lists them\n`);
  }
  return code;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
