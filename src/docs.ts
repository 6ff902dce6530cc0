/**
 * Documentation rendered from rule metadata and fixtures: `irsa-lint rules`, `irsa-lint explain`,
 * `docs/rules/*.md` (scripts/gen-docs.mjs) and the starting configuration of `irsa-lint init`.
 *
 * Examples come from the rule's fixtures: the first `invalid-*` case (the file its first expected
 * finding points at, cut to a window around that line, and the expected output) and the first
 * `valid-*` case (the same file when it exists, around the first line where it differs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule } from './engine/types.js';
import { ruleHelpText } from './format/help.js';
import { HOMEPAGE, ruleDocUrl } from './version.js';

/** The package root (holds package.json; `fixtures/` in a checkout). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && (fs.existsSync(path.join(dir, 'rules')) || fs.existsSync(path.join(dir, 'dist')))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

function byId(rules: readonly Rule[]): Rule[] {
  return [...rules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// `irsa-lint rules`

export type RulesFormat = 'text' | 'json' | 'markdown';

export function formatRulesList(rules: readonly Rule[], format: RulesFormat): string {
  const list = byId(rules);
  if (format === 'json') {
    return (
      JSON.stringify(
        list.map((r) => ({
          id: r.meta.id,
          severity: r.meta.severity,
          type: r.meta.type,
          ...(r.meta.securitySeverity !== undefined ? { securitySeverity: r.meta.securitySeverity } : {}),
          description: r.meta.docs.description,
          helpUri: ruleDocUrl(r.meta.id),
        })),
        null,
        2,
      ) + '\n'
    );
  }
  if (format === 'markdown') return rulesTable(list, (id) => ruleDocUrl(id)) + '\n';
  const w = Math.max(0, ...list.map((r) => r.meta.id.length));
  return list.map((r) => `${r.meta.id.padEnd(w)}  ${r.meta.severity.padEnd(7)}  ${r.meta.docs.description}`).join('\n') + '\n';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function rulesTable(rules: readonly Rule[], link: (id: string) => string): string {
  return [
    '| rule | default | what it catches |',
    '| --- | --- | --- |',
    ...rules.map((r) => `| [\`${r.meta.id}\`](${link(r.meta.id)}) | ${r.meta.severity} | ${cell(r.meta.docs.description)} |`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Examples from fixtures

export interface Example {
  /** Case directory relative to the package root (`fixtures/k8s/x/invalid-y`). */
  readonly caseDir: string;
  /** File relative to the case directory. */
  readonly file: string;
  readonly language: 'yaml' | 'json' | 'hcl' | 'text';
  /** 1-based number of the first line shown. */
  readonly firstLine: number;
  readonly lines: readonly string[];
  /** The line and column the finding points at (bad example). */
  readonly mark?: { readonly line: number; readonly column: number };
  /** Expected output lines (the first finding and its related lines). */
  readonly output: readonly string[];
  /** The case's `options.json` (lint options such as facts), compacted, when it has one. */
  readonly options?: string;
}

export interface Examples {
  readonly bad?: Example;
  readonly good?: Example;
}

const WINDOW = 5;
/** A good example this short is shown whole. */
const SHORT_FILE = 30;

function caseDirs(root: string, ruleId: string): { valid: string[]; invalid: string[] } {
  const dir = path.join(root, 'fixtures', ...ruleId.split('/'));
  let names: string[] = [];
  try {
    names = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    /* no fixtures (installed package) */
  }
  return {
    valid: names.filter((n) => n.startsWith('valid-')).map((n) => path.join(dir, n)),
    invalid: names.filter((n) => n.startsWith('invalid-')).map((n) => path.join(dir, n)),
  };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

function optionsOf(dir: string): { options?: string } {
  const p = path.join(dir, 'options.json');
  if (!fs.existsSync(p)) return {};
  try {
    return { options: JSON.stringify(JSON.parse(fs.readFileSync(p, 'utf8'))) };
  } catch {
    return {};
  }
}

function languageOf(file: string): Example['language'] {
  return /\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : /\.(tf|tfvars)$/i.test(file) ? 'hcl' : 'text';
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines [center-WINDOW, center+WINDOW], not crossing a YAML document marker. */
function window(lines: readonly string[], center: number): { first: number; last: number } {
  let first = Math.max(1, center - WINDOW);
  let last = Math.min(lines.length, center + WINDOW);
  for (let i = center - 1; i >= first; i--) if (/^---(\s|$)/.test(lines[i - 1])) first = i + 1;
  for (let i = center + 1; i <= last; i++) {
    if (/^---(\s|$)/.test(lines[i - 1])) {
      last = i - 1;
      break;
    }
  }
  return { first, last: Math.max(first, last) };
}

/** The bad and good example of a rule, from `fixtures/<rule-id>/`. */
let bundled: Record<string, Examples> | undefined;

/** The examples recorded at build time (dist/examples.json), for an installed package without fixtures. */
function bundledExamples(root: string, ruleId: string): Examples {
  if (!bundled) {
    try {
      bundled = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'examples.json'), 'utf8')) as Record<string, Examples>;
    } catch {
      bundled = {};
    }
  }
  return bundled[ruleId] ?? {};
}

/** A golden line (`file:1:2-1:9  ...`) as the text formatter prints it (`file:1:2  ...`). */
function withoutRanges(line: string): string {
  return line.replace(/^(\s*(?:related: )?.+?:\d+:\d+)-\d+:\d+(  )/, '$1$2');
}

export function ruleExamples(ruleId: string, root = packageRoot()): Examples {
  if (!fs.existsSync(path.join(root, 'fixtures'))) return bundledExamples(root, ruleId);
  const { valid, invalid } = caseDirs(root, ruleId);
  let bad: Example | undefined;
  let badLines: string[] | undefined;
  for (const dir of invalid) {
    const expectedPath = path.join(dir, 'expected.txt');
    if (!fs.existsSync(expectedPath)) continue;
    const expected = splitLines(fs.readFileSync(expectedPath, 'utf8'));
    const m = /^(.+?):(\d+):(\d+)(?:-\d+:\d+)?  /.exec(expected[0] ?? '');
    if (!m) continue;
    const file = m[1];
    const line = Number(m[2]);
    const column = Number(m[3]);
    const abs = path.join(dir, file);
    if (!fs.existsSync(abs)) continue;
    const lines = splitLines(fs.readFileSync(abs, 'utf8'));
    const w = window(lines, line);
    // Shown as the text format prints it: start positions only.
    const output = [withoutRanges(expected[0])];
    for (const l of expected.slice(1)) {
      if (!l.startsWith('    ')) break;
      output.push(withoutRanges(l));
    }
    bad = {
      caseDir: path.relative(root, dir).split(path.sep).join('/'),
      file,
      language: languageOf(file),
      firstLine: w.first,
      lines: lines.slice(w.first - 1, w.last),
      mark: { line, column },
      output,
      ...optionsOf(dir),
    };
    badLines = lines;
    break;
  }
  let good: Example | undefined;
  const goodDir = valid[0];
  if (goodDir) {
    const files = listFiles(goodDir);
    const file = bad && files.includes(bad.file) ? bad.file : (files.find((f) => bad && languageOf(f) === bad.language) ?? files[0]);
    if (file) {
      const lines = splitLines(fs.readFileSync(path.join(goodDir, file), 'utf8'));
      let center = bad?.mark?.line ?? 1;
      if (bad && badLines && file === bad.file) {
        // The same file: show where it differs from the bad one.
        const d = lines.findIndex((l, i) => l !== badLines![i]);
        if (d >= 0) center = d + 1;
      } else if (bad && badLines) {
        // Another file: show the first line with the key the finding points at.
        const key = /^\s*(?:-\s+)?["']?([^"'\s:#]+)["']?\s*:/.exec(badLines[bad.mark!.line - 1] ?? '')?.[1];
        const i = key ? lines.findIndex((l) => new RegExp(`^\\s*(?:-\\s+)?["']?${key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["']?\\s*:`).test(l)) : -1;
        if (i >= 0) center = i + 1;
        else {
          // Else the line sharing the most words with the text around the finding.
          const col = bad.mark!.column - 1;
          const near = (badLines[bad.mark!.line - 1] ?? '').slice(Math.max(0, col - 60), col + 60);
          const words = new Set(near.split(/[^A-Za-z0-9]+/).filter((x) => x.length >= 4));
          let best = 0;
          lines.forEach((l, j) => {
            const score = new Set(l.split(/[^A-Za-z0-9]+/).filter((x) => words.has(x))).size;
            if (score > best) {
              best = score;
              center = j + 1;
            }
          });
        }
      }
      center = Math.min(Math.max(1, center), Math.max(1, lines.length));
      const w = lines.length <= SHORT_FILE ? { first: 1, last: lines.length } : window(lines, center);
      good = {
        caseDir: path.relative(root, goodDir).split(path.sep).join('/'),
        file,
        language: languageOf(file),
        firstLine: w.first,
        lines: lines.slice(w.first - 1, w.last),
        output: [],
        ...optionsOf(goodDir),
      };
    }
  }
  return { ...(bad ? { bad } : {}), ...(good ? { good } : {}) };
}

const MAX_WIDTH = 140;

/** A long line cut around `column` (1-based), with the column it now appears at. */
function cut(line: string, column?: number): { text: string; column?: number } {
  if (line.length <= MAX_WIDTH) return { text: line, column };
  if (column === undefined) return { text: `${line.slice(0, MAX_WIDTH - 1)}…` };
  const start = Math.max(0, Math.min(column - 1 - 40, line.length - (MAX_WIDTH - 2)));
  const end = Math.min(line.length, start + MAX_WIDTH - 2);
  const text = `${start > 0 ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`;
  return { text, column: column - start + (start > 0 ? 1 : 0) };
}

/** Terminal rendering: numbered lines, `>` on the finding's line and a caret under its column. */
export function renderExampleText(ex: Example): string {
  const lastNo = ex.firstLine + ex.lines.length - 1;
  const w = String(lastNo).length;
  const out: string[] = [];
  ex.lines.forEach((l, i) => {
    const no = ex.firstLine + i;
    const marked = ex.mark?.line === no;
    const c = cut(l, marked ? ex.mark!.column : undefined);
    out.push(`  ${marked ? '>' : ' '} ${String(no).padStart(w)} | ${c.text}`.trimEnd());
    if (marked && c.column !== undefined) out.push(`    ${' '.repeat(w)} | ${' '.repeat(Math.max(0, c.column - 1))}^`);
  });
  return out.join('\n');
}

function fence(lang: string, body: string): string {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

/** `toRoot`: relative path from the page to the package root, for the link to the fixture. */
function exampleMarkdown(ex: Example, toRoot: string): string {
  const last = ex.firstLine + ex.lines.length - 1;
  const where = ex.lines.length ? (ex.firstLine === last ? `line ${ex.firstLine}` : `lines ${ex.firstLine}–${last}`) : 'empty file';
  const body = ex.lines.map((l, i) => (ex.mark?.line === ex.firstLine + i ? cut(l, ex.mark.column).text : cut(l).text)).join('\n');
  const opts = ex.options ? `, linted with the options \`${ex.options}\`` : '';
  const parts = [`[\`${ex.caseDir}/${ex.file}\`](${toRoot}${ex.caseDir}/${ex.file}) (${where}${opts}):`, '', fence(ex.language, body)];
  if (ex.mark) parts.push('', 'Output:', '', fence('text', ex.output.join('\n')));
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// `irsa-lint explain <rule>`

/** Findings of the suppression bookkeeping rules (src/suppress/apply.ts) are never suppressed. */
function suppressible(id: string): boolean {
  return !id.startsWith('suppress/');
}

function withOptions(ex: Example): string {
  return ex.options ? `, with options ${ex.options}` : '';
}

export function explainText(rule: Rule, examples: Examples = ruleExamples(rule.meta.id)): string {
  const m = rule.meta;
  const head = `${m.id}  (default level: ${m.severity}; ${m.type}${m.securitySeverity !== undefined ? `; security-severity ${m.securitySeverity.toFixed(1)}` : ''})`;
  const parts = [head, '', ruleHelpText(rule)];
  if (examples.bad) {
    parts.push('', `Reported (${examples.bad.caseDir}/${examples.bad.file}${withOptions(examples.bad)}):`, '', renderExampleText(examples.bad), '', ...examples.bad.output.map((l) => `  ${l}`));
  }
  if (examples.good) parts.push('', `Not reported (${examples.good.caseDir}/${examples.good.file}${withOptions(examples.good)}):`, '', renderExampleText(examples.good));
  parts.push('', 'Configure (.irsa-lint.yaml):', `  rules: {${m.id}: ${m.severity === 'error' ? 'warning' : 'error'}}      # or off, note`);
  if (suppressible(m.id)) {
    parts.push(
      'Suppress one finding, with a reason, in YAML:',
      `  # irsa-lint-disable-next-line ${m.id} -- <reason>`,
      'or in .irsa-lint.yaml (also for JSON files):',
      `  ignore: [{file: <glob>, rule: ${m.id}, reason: <reason>}]`,
    );
  }
  return parts.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// docs/rules/<rule-id>.md and docs/rules/README.md

export const GENERATED_NOTE = '<!-- Generated by scripts/gen-docs.mjs from rule metadata and fixtures. Do not edit; run `node scripts/gen-docs.mjs`. -->';

export function ruleDocMarkdown(rule: Rule, examples: Examples = ruleExamples(rule.meta.id)): string {
  const m = rule.meta;
  const d = m.docs;
  const depth = m.id.split('/').length; // docs/rules/<domain>/<name>.md → README is ../README.md
  const readme = `${'../'.repeat(depth - 1)}README.md`;
  const rows: [string, string][] = [
    ['Default level', `\`${m.severity}\``],
    ['Type', m.type === 'problem' ? 'problem (will not work, or is exploitable)' : 'hardening (works, but risky)'],
  ];
  if (m.securitySeverity !== undefined) rows.push(['Security severity', m.securitySeverity.toFixed(1)]);
  if (m.tags?.length) rows.push(['Tags', m.tags.map((t) => `\`${t}\``).join(', ')]);
  if (m.appliesTo.length) rows.push(['Checks', m.appliesTo.map((k) => `\`${k}\``).join(', ')]);
  const out = [
    `# \`${m.id}\``,
    '',
    GENERATED_NOTE,
    '',
    `**${d.description.replace(/\.$/, '')}.**`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`),
    '',
    '## What it checks',
    '',
    d.whatItChecks,
    '',
    '## Why it matters',
    '',
    d.whyItMatters,
    '',
    '## How to fix',
    '',
    d.howToFix,
  ];
  if (examples.bad || examples.good) {
    out.push('', '## Examples');
    const toRoot = '../'.repeat(depth + 1);
    if (examples.bad) out.push('', '### Reported', '', exampleMarkdown(examples.bad, toRoot));
    if (examples.good) out.push('', '### Not reported', '', exampleMarkdown(examples.good, toRoot));
  }
  out.push('', '## Messages', '', '| id | message |', '| --- | --- |', ...Object.entries(m.messages as Record<string, string>).map(([k, v]) => `| \`${k}\` | ${cell(v)} |`));
  out.push(
    '',
    '## Configuration',
    '',
    suppressible(m.id)
      ? `Change the level (\`off\`, \`note\`, \`warning\`, \`error\`) in \`.irsa-lint.yaml\`, or suppress single findings with a reason ([how](${readme}#suppressing-findings)):`
      : `Change the level (\`off\`, \`note\`, \`warning\`, \`error\`) in \`.irsa-lint.yaml\`. Findings about suppressions cannot themselves be suppressed.`,
    '',
    fence('yaml', `rules:\n  ${m.id}: ${m.severity === 'error' ? 'warning' : 'error'}`),
  );
  if (suppressible(m.id)) {
    out.push(
      '',
      fence('yaml', `# irsa-lint-disable-next-line ${m.id} -- <reason>`),
      '',
      fence('yaml', `ignore:  # in .irsa-lint.yaml; also for JSON files\n  - file: <glob>\n    rule: ${m.id}\n    reason: <reason>`),
    );
  }
  if (d.references?.length) out.push('', '## References', '', ...d.references.map((r) => `- ${r}`));
  return out.join('\n') + '\n';
}

/** The rule table of the project README (between its `rules:start`/`rules:end` markers), linking into docs/rules. */
export function projectReadmeRulesTable(rules: readonly Rule[]): string {
  return rulesTable(byId(rules), (id) => `docs/rules/${id}.md`);
}

/** The project README with its rule table replaced; undefined when the markers are missing. */
export function withProjectReadmeRulesTable(readme: string, rules: readonly Rule[]): string | undefined {
  const m = /(<!-- rules:start -->\n)[\s\S]*?(<!-- rules:end -->)/.exec(readme);
  if (!m) return undefined;
  return readme.slice(0, m.index) + m[1] + projectReadmeRulesTable(rules) + '\n' + m[2] + readme.slice(m.index + m[0].length);
}

export function rulesReadmeMarkdown(rules: readonly Rule[]): string {
  const list = byId(rules);
  return [
    '# Rules',
    '',
    GENERATED_NOTE,
    '',
    `${list.length} rules. \`irsa-lint rules\` prints this list; \`irsa-lint explain <rule>\` prints a rule's page with examples.`,
    '',
    rulesTable(list, (id) => `${id}.md`),
    '',
    CONFIG_DOC.trim(),
    '',
  ].join('\n');
}

const CONFIG_DOC = `
## Configuration

\`irsa-lint\` reads \`.irsa-lint.yaml\` (or \`.irsa-lint.yml\`, \`.irsa-lint.json\`) from the current
directory or the nearest parent up to the git top level. \`--config FILE\` names another file,
\`--no-config\` ignores it, and \`irsa-lint init\` writes a commented one. It is validated against
[\`schemas/config.schema.json\`](../../schemas/config.schema.json); a mistake stops the run with exit
status 2 and \`file:line:column: message\`. Globs are relative to the configuration file's directory.

| key | meaning |
| --- | --- |
| \`extends\` | \`recommended\` (every rule at its default level) or \`strict\` (every rule that is on is at least a warning, and \`failOn\` defaults to \`warning\`) |
| \`rules\` | level per rule id or per domain: \`k8s/*: warning\`, \`irsa/token-file-mounted: off\` (an exact id wins over a domain); \`[level, {options}]\` for rules with options |
| \`include\` / \`exclude\` | globs of files to read / skip (\`*\`, \`?\`, \`**\`, \`[a-z]\`, \`[!a-z]\`, \`{a,b}\` (nested, may contain \`/\`); \`\\\` escapes the next character; a pattern without \`/\` matches at any depth; a directory matches everything below it); \`.gitignore\`, \`.irsa-lintignore\` and \`--ignore-pattern\` leave files out too ([Ignored files](../../README.md#ignored-files)) |
| \`failOn\` | lowest level that makes the exit status 1: \`error\` (default), \`warning\`, \`note\`, \`never\`; \`--fail-on\` wins |
| \`maxWarnings\` | exit 1 when more than this many warnings remain (suppressed and baselined findings do not count); \`--max-warnings\` wins |
| \`facts\` | what the repository cannot tell: \`oidcProviders\` (\`arn\`, \`issuer\`, \`clientIds\`), \`serviceAccountIssuer\`, \`annotationPrefix\`, \`tokenAudience\`, \`defaultRegion\`, \`ccoctlPrefix\`, \`defaultNamespace\`, \`accounts\` (quoted 12-digit ids), \`trustPolicySizeQuota\` (default 2048) |
| \`ignore\` | suppressions kept outside the files (see below) |

## Suppressing findings

Every suppression gives a reason, and every one stays visible: suppressed findings are kept in
SARIF (\`suppressions\`, kind \`inSource\` or \`external\`, with the reason as \`justification\`) and in
JSON, and listed by the text output with \`--show-suppressed\`. They never affect the exit status.

- YAML comments (the rule list is separated by commas or spaces; the reason follows \` -- \`):
  \`\`\`yaml
  # irsa-lint-disable-next-line irsa/token-file-mounted, k8s/aws-dir-writable -- sidecar reads no AWS credentials
  serviceAccountName: app
  audience: sts.amazonaws.com  # irsa-lint-disable-line irsa/audience-matches-trust -- provider created by Terraform
  # irsa-lint-disable k8s/token-expiration-minimum -- whole file: legacy chart, tracked in JIRA-123
  \`\`\`
  \`disable-next-line\` applies to the next line that is neither blank nor a comment; \`disable\` to the whole file.
- An annotation on the Kubernetes object the finding is about (commas may appear inside reasons):
  \`\`\`yaml
  metadata:
    annotations:
      irsa-lint.io/ignore: "irsa/token-file-mounted=token mounted by an init container, k8s/aws-dir-writable=scratch image"
  \`\`\`
- \`ignore:\` entries in the configuration, the only way to suppress in JSON files. Every condition given
  must hold; \`file\` or \`resource\` is required; \`expires\` is the last day (UTC) the entry applies.
  \`file\` is a glob like \`include\`; \`resource\` is matched against the whole resource key or ARN,
  and there \`*\` and \`?\` also match \`/\`, as in IAM's ARN matching (\`arn:aws:iam::*:role/*\`
  covers roles with a path such as \`role/team-a/app\`; \`ServiceAccount/team-*\` covers every
  ServiceAccount of the namespaces \`team-…\`):
  \`\`\`yaml
  ignore:
    - file: iam/legacy-*.json
      rule: irsa/trust-subject-exists
      sid: LegacyWorkers           # the statement's Sid, or:
      pointer: /Statement/1        # JSON pointer of the node (or an ancestor of it)
      reason: service accounts live in the platform repository
      expires: 2026-12-31
    - resource: ServiceAccount/team-a/uploader   # or Deployment/ns/name, a role ARN; wildcards allowed
      rule: irsa/*
      reason: migrating to EKS Pod Identity
  \`\`\`

Suppressions are checked too (all \`note\` by default): [\`suppress/missing-reason\`](suppress/missing-reason.md),
[\`suppress/unused\`](suppress/unused.md) (matches nothing, or names an unknown rule) and
[\`suppress/expired\`](suppress/expired.md) (an expired entry stops suppressing).

## Baselines

To adopt \`irsa-lint\` on a repository that already has findings, record them once and report only new ones:

\`\`\`sh
irsa-lint lint --write-baseline .irsa-lint-baseline.json   # records every finding that is not suppressed
irsa-lint lint --baseline .irsa-lint-baseline.json         # reports only findings not recorded
\`\`\`

Findings are matched on rule, file and a fingerprint of the rule, file, subject and message, never
on line numbers, so adding lines above a finding or reordering documents does not bring it back.
Rewrite the baseline after fixing findings: fixed ones disappear from it.
`;

// ---------------------------------------------------------------------------------------------
// `irsa-lint init`

export function initConfigText(rules: readonly Rule[]): string {
  const list = byId(rules);
  const w = Math.max(0, ...list.map((r) => r.meta.id.length)) + 1;
  return [
    `# yaml-language-server: $schema=${HOMEPAGE}/raw/main/schemas/config.schema.json`,
    '# irsa-lint configuration. Reference: ' + `${HOMEPAGE}/blob/main/docs/rules/README.md#configuration`,
    "# Globs are relative to this file's directory.",
    '',
    '# recommended: every rule at its default level.',
    '# strict: every rule that is on is at least a warning, and failOn defaults to warning.',
    'extends: recommended',
    '',
    '# Lowest level that makes the exit status 1: error, warning, note or never (--fail-on wins).',
    'failOn: error',
    '',
    '# Exit 1 when more than this many warnings remain (-1: no limit; --max-warnings wins).',
    '# maxWarnings: 0',
    '',
    '# Level per rule (off, note, warning, error) or per domain ("k8s/*": warning). Defaults:',
    '# rules:',
    ...list.map((r) => `#   ${(r.meta.id + ':').padEnd(w)} ${r.meta.severity}`),
    '',
    '# Files to read (default: every .yaml, .yml and .json file under the paths given) and to skip.',
    '# include:',
    '#   - deploy/**',
    '#   - iam/**',
    '# exclude:',
    '#   - charts/*/templates',
    '',
    '# What the repository cannot tell.',
    '# facts:',
    '#   serviceAccountIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    '#   oidcProviders:',
    '#     - arn: arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    '#       clientIds: [sts.amazonaws.com]',
    '#   annotationPrefix: eks.amazonaws.com   # pod-identity webhook --annotation-prefix',
    '#   tokenAudience: sts.amazonaws.com      # pod-identity webhook --token-audience',
    '#   defaultRegion: us-east-1              # pod-identity webhook --aws-default-region',
    '#   ccoctlPrefix: mycluster               # ccoctl --name',
    '#   defaultNamespace: default',
    '#   accounts: ["123456789012"]',
    '#   trustPolicySizeQuota: 2048            # raised through Service Quotas',
    '',
    '# Suppressions for files without comments (JSON). Each needs a reason; expires is optional.',
    '# ignore:',
    '#   - file: iam/legacy-role.json',
    '#     rule: irsa/trust-subject-exists',
    '#     sid: LegacyWorkers',
    '#     reason: the service accounts live in another repository',
    '#     expires: 2026-12-31',
    '',
  ].join('\n');
}
