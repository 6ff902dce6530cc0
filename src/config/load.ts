/**
 * Finds, parses and validates `.irsa-lint.yaml` / `.yml` / `.json`.
 *
 * Validation uses the ajv standalone validator generated from `schemas/config.schema.json`
 * (`scripts/gen-validators.mjs`): no schema is compiled at run time. Every problem is reported
 * with the file, line and column of the offending key or value (`ConfigError`).
 *
 * YAML is read as YAML 1.2 (unlike manifests, which the loader reads as 1.1 for Kubernetes
 * compatibility), so `off`, `no` and `2025-06-30` stay strings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YNode } from 'yaml';
import type { Facts, Level, Rule } from '../engine/types.js';
import { displayPath } from '../load/discover.js';
import { parseJson } from '../load/json.js';
import { toJS, type PEntry, type PNode, type PScalar } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import { didYouMean } from './suggest.js';
import { CONFIG_FILE_NAMES, ConfigError, type ConfigDiagnostic, type FailOn, type IgnoreEntry, type LoadedConfig, type Preset } from './types.js';
import validateConfig from './validate-config.js';

interface AjvError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly propertyName?: string;
}

type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
const validate = validateConfig as unknown as Validator;

/**
 * The configuration file that applies to `cwd`: the first of `.irsa-lint.yaml`, `.yml`, `.json`
 * in `cwd` or a parent directory, up to the git top level (the directory holding `.git`). Outside
 * a git work tree only `cwd` is searched. Two candidates in one directory are an error.
 */
export function findConfigFile(cwd: string): string | undefined {
  const start = path.resolve(cwd);
  let top: string | undefined;
  for (let d = start; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) {
      top = d;
      break;
    }
    if (path.dirname(d) === d) break;
  }
  for (let d = start; ; d = path.dirname(d)) {
    const found = CONFIG_FILE_NAMES.map((n) => path.join(d, n)).filter((p) => isFile(p));
    if (found.length > 1) {
      throw new ConfigError([{ file: displayPath(found[1], cwd), line: 1, column: 1, message: `more than one configuration file in one directory (${found.map((f) => path.basename(f)).join(', ')}): keep one` }]);
    }
    if (found.length === 1) return found[0];
    if (top === undefined || d === top || path.dirname(d) === d) return undefined;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Read and validate a configuration file. Throws `ConfigError` with positions. */
export function loadConfigFile(abs: string, cwd: string, rules: readonly Rule[]): LoadedConfig {
  const display = displayPath(abs, cwd);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file: display, line: 1, column: 1, message: `cannot read configuration file (${(e as NodeJS.ErrnoException).code ?? 'EIO'})` }]);
  }
  return parseConfig(text, abs, display, rules);
}

/** Parse and validate configuration text. `display` is the path shown in messages and findings. */
export function parseConfig(text: string, abs: string, display: string, rules: readonly Rule[]): LoadedConfig {
  const { node, diags } = readTree(text, display, abs.toLowerCase().endsWith('.json'));
  if (diags.length) throw new ConfigError(diags);
  const root: PNode = node ?? { type: 'map', entries: [], span: { file: display, line: 1, column: 1, endLine: 1, endColumn: 1 } };
  const data = toJS(root);
  if (!validate(data)) throw new ConfigError(schemaDiagnostics(validate.errors ?? [], root, display));
  const cfg = data as RawConfig;
  const semantic: ConfigDiagnostic[] = [];
  const ids = new Set(rules.map((r) => r.meta.id));
  const domains = new Set(rules.map((r) => `${r.meta.id.split('/')[0]}/*`));
  const checkRuleId = (id: string, at: Span) => {
    if (id.endsWith('/*') ? domains.has(id) : ids.has(id)) return;
    semantic.push(diag(at, id.endsWith('/*') ? `no rule in domain "${id.slice(0, -2)}"${didYouMean(id, domains)}` : `unknown rule "${id}"${didYouMean(id, ids)}`));
  };

  const levels: Record<string, Level> = {};
  const ruleOptions: Record<string, Record<string, unknown>> = {};
  const rulesNode = valueAt(root, ['rules']);
  for (const [id, setting] of Object.entries(cfg.rules ?? {})) {
    const e = entryAt(rulesNode, id);
    checkRuleId(id, e?.key.span ?? root.span);
    if (typeof setting === 'string') levels[id] = setting;
    else {
      levels[id] = setting[0];
      const opts = setting[1];
      if (opts && Object.keys(opts).length) {
        // No rule declares options yet; a rule that does will validate them here.
        semantic.push(diag(valueAt(e?.value, ['1'])?.span ?? e?.key.span ?? root.span, `rule "${id}" takes no options`));
      } else if (opts) ruleOptions[id] = opts;
    }
  }

  const ignore: IgnoreEntry[] = [];
  const ignoreNode = valueAt(root, ['ignore']);
  (cfg.ignore ?? []).forEach((raw, i) => {
    const n = valueAt(ignoreNode, [String(i)]) ?? root;
    const ruleSpan = entryAt(n, 'rule')?.value.span ?? n.span;
    checkRuleId(raw.rule, ruleSpan);
    const expiresSpan = entryAt(n, 'expires')?.value.span;
    if (raw.expires !== undefined && !isCalendarDate(raw.expires)) semantic.push(diag(expiresSpan ?? n.span, `ignore[${i}].expires: "${raw.expires}" is not a date`));
    ignore.push({
      rule: raw.rule,
      ...(raw.file !== undefined ? { file: raw.file } : {}),
      ...(raw.pointer !== undefined ? { pointer: parsePointer(raw.pointer) } : {}),
      ...(raw.sid !== undefined ? { sid: raw.sid } : {}),
      ...(raw.resource !== undefined ? { resource: raw.resource } : {}),
      reason: (raw.reason ?? '').trim(),
      ...(raw.expires !== undefined ? { expires: raw.expires } : {}),
      span: n.span,
      ruleSpan,
      ...(expiresSpan ? { expiresSpan } : {}),
    });
  });
  if (semantic.length) throw new ConfigError(semantic);

  return {
    file: abs,
    dir: path.dirname(abs),
    ...(cfg.extends ? { extends: cfg.extends } : {}),
    rules: levels,
    ruleOptions,
    ...(cfg.include ? { include: cfg.include } : {}),
    ...(cfg.exclude ? { exclude: cfg.exclude } : {}),
    ...(cfg.failOn ? { failOn: cfg.failOn } : {}),
    ...(cfg.maxWarnings !== undefined ? { maxWarnings: cfg.maxWarnings } : {}),
    ...(cfg.facts ? { facts: cfg.facts } : {}),
    ignore,
  };
}

interface RawConfig {
  extends?: Preset;
  rules?: Record<string, Level | [Level, Record<string, unknown>?]>;
  include?: string[];
  exclude?: string[];
  failOn?: FailOn;
  maxWarnings?: number;
  facts?: Facts;
  ignore?: { rule: string; file?: string; pointer?: string; sid?: string; resource?: string; reason?: string; expires?: string }[];
}

/** RFC 6901: `/a~1b/0` → [`a/b`, `0`]; a leading `#` (URI fragment form) is accepted. */
export function parsePointer(p: string): string[] {
  const s = p.startsWith('#') ? p.slice(1) : p;
  if (s === '') return [];
  return s
    .slice(1)
    .split('/')
    .map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isCalendarDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

// ---------------------------------------------------------------------------------------------
// Levels and presets

const RANK: Record<Level, number> = { off: 0, note: 1, warning: 2, error: 3 };

/**
 * Effective level of every rule: the rule's default, raised by the `strict` preset (notes become
 * warnings), then a `domain/*` entry, then an exact entry.
 */
export function resolveLevels(rules: readonly Rule[], config?: Pick<LoadedConfig, 'rules' | 'extends'>): Record<string, Level> {
  const out: Record<string, Level> = {};
  for (const r of rules) {
    const id = r.meta.id;
    let level: Level = r.meta.severity;
    if (config?.extends === 'strict' && RANK[level] < RANK.warning) level = 'warning';
    const dom = config?.rules[`${id.split('/')[0]}/*`];
    if (dom) level = dom;
    const exact = config?.rules[id];
    if (exact) level = exact;
    out[id] = level;
  }
  return out;
}

/** `failOn` from the file, else from the preset (`strict`: warning); undefined means the CLI default. */
export function configFailOn(config?: LoadedConfig): FailOn | undefined {
  if (!config) return undefined;
  return config.failOn ?? (config.extends === 'strict' ? 'warning' : undefined);
}

// ---------------------------------------------------------------------------------------------
// Parsing to a positioned tree

function readTree(text: string, display: string, json: boolean): { node?: PNode; diags: ConfigDiagnostic[] } {
  if (json || /^\uFEFF?\s*[{[]/.test(text)) {
    if (text.trim() === '') return { diags: [] };
    const r = parseJson(text, display);
    if (r.error) return { diags: [{ file: display, line: r.error.line, column: r.error.column, message: r.error.message }] };
    const dup = r.warnings[0];
    if (dup) return { diags: [diag(dup.span, dup.message.replace(/; the last value is used$/, ''))] };
    return { node: r.node, diags: [] };
  }
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.2', lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const span = (a: number, b: number): Span => {
    while (b > a + 1 && (text[b - 1] === '\n' || text[b - 1] === '\r')) b--;
    const p = lc.linePos(a);
    const q = lc.linePos(b);
    return { file: display, line: p.line, column: p.col, endLine: q.line, endColumn: q.col };
  };
  const diags: ConfigDiagnostic[] = [];
  for (const d of list) {
    const e = d.errors[0];
    if (e) diags.push(diag(span(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)), firstLine(e.message)));
  }
  if (diags.length) return { diags };
  const withContent = list.filter((d) => d.contents !== null);
  if (withContent.length > 1) {
    const r = (withContent[1].contents as YNode).range ?? [0, 0, 0];
    return { diags: [diag(span(r[0], r[1]), 'a configuration file holds one YAML document')] };
  }
  if (withContent.length === 0) return { diags: [] };
  const doc = withContent[0];
  let budget = 1000;
  const conv = (n: YNode | null | undefined, depth: number): PNode | undefined => {
    if (n === null || n === undefined || depth > 100) return undefined;
    if (isAlias(n)) {
      if (--budget < 0) return undefined;
      return conv(n.resolve(doc as Document) as YNode | undefined, depth + 1);
    }
    const r = n.range ?? [0, 0, 0];
    const s = span(r[0], r[1]);
    if (isScalar(n)) {
      const v = n.value;
      const value = v === null || v === undefined ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'bigint' ? Number(v) : String(v);
      return { type: 'scalar', value, span: s };
    }
    if (isMap(n)) {
      const entries: PEntry[] = [];
      for (const item of n.items) {
        if (!isPair(item)) continue;
        const k = item.key as YNode | null;
        const kr = k?.range ?? r;
        const key: PScalar = { type: 'scalar', value: k && isScalar(k) ? (k.value === null || k.value === undefined ? null : String(k.value)) : String(k), span: span(kr[0], kr[1]) };
        entries.push({ key, value: conv(item.value as YNode | null, depth + 1) ?? { type: 'scalar', value: null, span: key.span } });
      }
      return { type: 'map', entries, span: s };
    }
    if (isSeq(n)) {
      const items: PNode[] = [];
      for (const it of n.items) {
        const c = conv(it as YNode, depth + 1);
        if (c) items.push(c);
      }
      return { type: 'seq', items, span: s };
    }
    return undefined;
  };
  return { node: conv(doc.contents as YNode, 0), diags: [] };
}

function firstLine(msg: string): string {
  const line = msg.split('\n')[0].trim().replace(/ at line \d+, column \d+:?$/, '');
  return line.charAt(0).toLowerCase() + line.slice(1);
}

function diag(s: Span, message: string): ConfigDiagnostic {
  return { file: s.file, line: s.line, column: s.column, message };
}

function entryAt(n: PNode | undefined, key: string): PEntry | undefined {
  if (!n || n.type !== 'map') return undefined;
  let found: PEntry | undefined;
  for (const e of n.entries) if (String(e.key.value) === key) found = e; // the last one wins, as in toJS
  return found;
}

function valueAt(n: PNode | undefined, segs: readonly string[]): PNode | undefined {
  let cur = n;
  for (const s of segs) {
    if (!cur) return undefined;
    if (cur.type === 'map') cur = entryAt(cur, s)?.value;
    else if (cur.type === 'seq') cur = cur.items[Number(s)];
    else return undefined;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Schema errors to positioned messages

function pathSegments(instancePath: string): string[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `facts.accounts[0]` */
function dotted(segs: readonly string[]): string {
  let out = '';
  for (const s of segs) out += /^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) && out.length === 0 ? s : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `["${s}"]`;
  return out;
}

const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  accounts: 'is not a 12-digit AWS account id',
  arn: 'is not an OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer host and path>)',
  expires: 'is not a date written YYYY-MM-DD',
  pointer: 'is not a JSON pointer (such as /Statement/0/Condition)',
  defaultRegion: 'is not an AWS region name (such as us-east-1)',
  defaultNamespace: 'is not a valid namespace name (lowercase letters, digits and -, at most 63 characters)',
  serviceAccountIssuer: 'is not an https:// URL',
  rule: 'is not a rule id (domain/name or domain/*)',
};

function schemaDiagnostics(errors: readonly AjvError[], root: PNode, display: string): ConfigDiagnostic[] {
  const out: { span: Span; message: string }[] = [];
  const collapsed = new Set<string>();
  // Errors from inside a oneOf/anyOf branch are replaced by one message for the whole value.
  for (const e of errors) {
    const segs = pathSegments(e.instancePath);
    if (segs[0] === 'rules' && segs.length >= 2) collapsed.add(`/rules/${segs[1]}`);
  }
  const seen = new Set<string>();
  for (const e of errors) {
    const segs = pathSegments(e.instancePath);
    const node = valueAt(root, segs) ?? root;
    const parentEntry = segs.length ? entryAt(valueAt(root, segs.slice(0, -1)), segs[segs.length - 1]) : undefined;
    const where = dotted(segs);
    const pre = where ? `${where}: ` : '';
    if (segs[0] === 'rules' && segs.length >= 2) {
      const key = `/rules/${segs[1]}`;
      if (!collapsed.has(key)) continue;
      collapsed.delete(key);
      const n = valueAt(root, segs.slice(0, 2)) ?? node;
      out.push({ span: n.span, message: `rules["${segs[1]}"]: must be off, note, warning or error, or [level, {options}]` });
      continue;
    }
    let span = node.span;
    let message: string;
    const value = node.type === 'scalar' ? node.value : undefined;
    const shown = typeof value === 'string' ? `"${value}"` : String(value);
    switch (e.keyword) {
      case 'additionalProperties': {
        const k = String(e.params.additionalProperty);
        span = entryAt(node, k)?.key.span ?? span;
        message = `${pre}unknown key "${k}"${didYouMean(k, allowedKeys(segs))}`;
        break;
      }
      case 'propertyNames':
        continue; // reported through the pattern error that names the property
      case 'required': {
        const k = String(e.params.missingProperty);
        if (e.schemaPath.includes('/anyOf/')) continue; // see anyOf
        span = parentEntry?.key.span ?? node.span;
        message = `${pre}missing required key "${k}"`;
        break;
      }
      case 'anyOf':
        span = parentEntry?.key.span ?? node.span;
        message = `${pre}an ignore entry needs "file" or "resource"`;
        break;
      case 'enum':
        message = `${pre}${shown} is not one of ${(e.params.allowedValues as unknown[]).map((v) => `"${String(v)}"`).join(', ')}`;
        break;
      case 'type': {
        const t = String(e.params.type);
        const noun = t === 'object' ? 'map' : t === 'array' ? 'list' : t;
        message = `${pre || 'the configuration '}must be ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
        if (segs.includes('accounts') && typeof value === 'number') message += ' (quote account ids: as numbers they lose leading zeros)';
        break;
      }
      case 'pattern': {
        if (e.propertyName !== undefined) {
          const parent = valueAt(root, segs);
          span = entryAt(parent, e.propertyName)?.key.span ?? span;
          message = `${pre}"${e.propertyName}" is not a rule id (domain/name or domain/*)`;
          break;
        }
        const last = [...segs].reverse().find((s) => !/^\d+$/.test(s)) ?? '';
        const specific = PATTERN_MESSAGES[last];
        message = specific ? `${pre}${shown} ${specific}` : String(e.params.pattern) === '\\S' ? `${pre}must not be empty` : `${pre}${shown} does not match ${String(e.params.pattern)}`;
        break;
      }
      case 'minimum':
        message = `${pre}must be at least ${String(e.params.limit)}`;
        break;
      default:
        message = `${pre}${e.message ?? 'is not valid'}`;
    }
    const k = `${span.line}:${span.column}:${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ span, message });
  }
  out.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  return out.map((o) => ({ file: display, line: o.span.line, column: o.span.column, message: o.message }));
}

// The schema, read only to suggest keys when a configuration is invalid.
type SchemaNode = { properties?: Record<string, SchemaNode>; items?: SchemaNode | SchemaNode[]; additionalProperties?: SchemaNode | boolean; $ref?: string; definitions?: Record<string, SchemaNode> };
let schemaCache: SchemaNode | undefined;

function loadSchema(): SchemaNode | undefined {
  if (schemaCache) return schemaCache;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = path.join(dir, 'schemas', 'config.schema.json');
    if (fs.existsSync(p)) return (schemaCache = JSON.parse(fs.readFileSync(p, 'utf8')) as SchemaNode);
    dir = path.dirname(dir);
  }
  return undefined;
}

function allowedKeys(segs: readonly string[]): string[] {
  const root = loadSchema();
  if (!root) return [];
  const deref = (s: SchemaNode | undefined): SchemaNode | undefined => (s?.$ref ? root.definitions?.[s.$ref.split('/').pop()!] : s);
  let cur = deref(root);
  for (const s of segs) {
    if (!cur) return [];
    if (/^\d+$/.test(s) && cur.items) cur = deref(Array.isArray(cur.items) ? cur.items[Number(s)] : cur.items);
    else cur = deref(cur.properties?.[s] ?? (typeof cur.additionalProperties === 'object' ? cur.additionalProperties : undefined));
  }
  return Object.keys(cur?.properties ?? {});
}
