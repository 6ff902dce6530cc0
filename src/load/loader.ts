/**
 * Reads files into the model. Each adapter turns its input into positioned trees and typed
 * resources; parse trouble becomes problems with positions, and nothing throws past this layer.
 */
import fs from 'node:fs';
import { buildCloudFormation, isCfnTemplate, mayHoldCfn } from './cloudformation.js';
import { isTsIacPath } from './discover.js';
import { buildEksctl, EKSCTL_KIND, isEksctlConfig, type EksctlResource } from './eksctl.js';
import { buildIam, mayHoldIam, type IamResource } from './iam.js';
import { parseJson } from './json.js';
import { buildK8s, K8S_KINDS, type K8sContext } from './k8s.js';
import { buildTerraform, isTerraformJson, mayHoldTerraform } from './terraform.js';
import { loadTerraformConfiguration, terraformConfigurations, terraformFileKind } from './terraform-hcl.js';
import { KustomizeBuilds } from './kustomize.js';
import { templateProblem } from './template.js';
import { LineIndex } from '../eval/positions.js';
import { loadTsIac, looksLikeTsIac } from './ts-iac.js';
import { parseYaml, type ParseProblem, type RenderedDoc } from './yaml.js';
import type { Resource } from '../model/index.js';
import type { PNode } from '../model/pnode.js';
import type { Span } from '../model/span.js';

export interface SourceFile {
  /** Display path (relative, `/`-separated), or `<stdin>` (or its `stdinFilename`) for standard input. */
  readonly path: string;
  /** Absolute path, absent for standard input. */
  readonly abs?: string;
  readonly text: string;
  /** Read for its suppression comments only, never parsed (a Helm chart's `Chart.yaml`). */
  readonly commentsOnly?: boolean;
}

/** A parse problem, with the other places it concerns (the first occurrence of a duplicate key). */
export interface LoadProblem extends ParseProblem {
  readonly related?: readonly { readonly span: Span; readonly label: string }[];
}

export interface LoadResult {
  readonly resources: Resource[];
  readonly problems: LoadProblem[];
  /** Documents rendered by Helm that name their template (`# Source:`). */
  readonly rendered: RenderedDoc[];
  /** Every file that was read, with its text (for suppression comments and snippets). */
  readonly files: SourceFile[];
}

export interface LoadOptions {
  readonly defaultNamespace?: string;
}

const TOP_KIND = /^kind:[ \t]*['"]?([A-Za-z0-9]+)/m;
const OTHER_SHAPES = /^(AWSTemplateFormatVersion|Resources|Transform|Statement|Role|Roles|AssumeRolePolicyDocument|Url|ClientIDList|association|associations)[ \t]*:/m;

/** Skip YAML documents no rule reads, before the full parse. */
export function wantYamlChunk(chunk: string): boolean {
  const m = TOP_KIND.exec(chunk);
  if (m) return K8S_KINDS.has(m[1]) || m[1] === EKSCTL_KIND;
  return OTHER_SHAPES.test(chunk) || /^\s*[{[]/.test(chunk.replace(/^(\s*#.*\n|\s*---.*\n)*/, ''));
}

/**
 * Build the model from the sources. Terraform configurations (`.tf`, `.tf.json` and the
 * `.tfvars` files of one directory) are read together, where their first file is; the HCL
 * parser must have been initialised (`initHcl` in src/load/hcl/parse.ts, which `lint()` awaits
 * when `needsHclParser` says so), otherwise each such configuration is a problem.
 */
export function loadSources(sources: readonly SourceFile[], opts: LoadOptions = {}): LoadResult {
  const resources: Resource[] = [];
  const problems: LoadProblem[] = [];
  const rendered: RenderedDoc[] = [];
  const kustomize = new KustomizeBuilds(sources);
  const ctx: K8sContext = {
    defaultNamespace: () => opts.defaultNamespace ?? 'default',
    kustomize: (file) => kustomize.namespaceOf(file),
    writtenName: (name) => kustomize.writtenName(name),
  };
  // Files whose names kustomize changes are parsed first: references are rewritten against the whole build.
  const parsed = new Map<string, Parsed | undefined>();
  for (const src of sources) if (kustomize.rewrites(src.path)) parsed.set(src.path, parseSource(src));
  if (parsed.size > 0) kustomize.prepare((file) => parsed.get(file)?.docs.map((d) => d.node) ?? []);
  const terraform = new Map<SourceFile, SourceFile[]>();
  for (const group of terraformConfigurations(sources)) terraform.set(group[0], group);
  for (const src of sources) {
    if (loadTerraform(src, terraform, ctx, resources, problems)) continue;
    if (loadTypeScript(src, ctx, resources, problems)) continue;
    const r = parsed.has(src.path) ? parsed.get(src.path) : parseSource(src);
    if (!r) continue;
    problems.push(...r.problems);
    rendered.push(...r.rendered);
    for (const d of r.docs) addDocument(kustomize.apply(src.path, d.node), ctx, resources, problems, d.index);
  }
  return { resources, problems, rendered, files: [...sources] };
}

export function readSource(abs: string, display: string): SourceFile | ParseProblem {
  try {
    const text = fs.readFileSync(abs, 'utf8');
    return { path: display, abs, text };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    return { message: `cannot read file (${code})`, code: 'READ_ERROR', span: { file: display, line: 1, column: 1, endLine: 1, endColumn: 1 } };
  }
}

function isJsonText(path: string, text: string): boolean {
  if (path.toLowerCase().endsWith('.json')) return true;
  const t = text.replace(/^\uFEFF/, '').trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

/** The positioned documents of a YAML or JSON file, with its parse problems (undefined: nothing to read). */
interface Parsed {
  readonly docs: readonly { readonly node: PNode; readonly index: number }[];
  readonly problems: LoadProblem[];
  /** Documents rendered from Helm templates (`# Source:` comments), for related locations. */
  readonly rendered: readonly RenderedDoc[];
}

/** Do the sources hold a Terraform configuration that is read (so that the HCL parser must be loaded)? */
export function needsHclParser(sources: readonly SourceFile[]): boolean {
  return terraformConfigurations(sources).length > 0;
}

/** Terraform files (true when the file is one, read or not): a configuration is read at its first file. */
function loadTerraform(src: SourceFile, configurations: ReadonlyMap<SourceFile, SourceFile[]>, ctx: K8sContext, resources: Resource[], problems: LoadProblem[]): boolean {
  if (src.path === '<stdin>' || !terraformFileKind(src.path)) return false;
  const group = configurations.get(src);
  if (!group) return true;
  const r = loadTerraformConfiguration(group);
  problems.push(...r.problems);
  resources.push(...r.resources);
  for (const d of r.k8sDocs) buildK8s(d, ctx, resources as never[]);
  return true;
}

/** CDK / Pulumi programs (true when the file is TypeScript, read or not). */
function loadTypeScript(src: SourceFile, ctx: K8sContext, resources: Resource[], problems: LoadProblem[]): boolean {
  const { text, path } = src;
  if (!/\.ts$/i.test(path)) return false;
  if (src.commentsOnly) return true;
  // The TypeScript parser is loaded only here, on the first such file. Other TypeScript
  // (application code, declaration files) is not read.
  if (text.trim() === '' || !isTsIacPath(path) || !looksLikeTsIac(text)) return true;
  const r = loadTsIac(text, path);
  problems.push(...r.problems);
  resources.push(...r.resources);
  for (const d of r.k8sDocs) buildK8s(d, ctx, resources as never[]);
  return true;
}

function parseSource(src: SourceFile): Parsed | undefined {
  const { text, path } = src;
  if (src.commentsOnly || text.trim() === '' || /\.ts$/i.test(path)) return undefined;
  if (isJsonText(path, text)) {
    // Cheap textual pre-check: unrelated JSON (package.json, dashboards) is never parsed.
    if (!mayHoldIam(text) && !/"kind"\s*:/.test(text) && !mayHoldCfn(text) && !mayHoldTerraform(text)) return undefined;
    const r = parseJson(text, path);
    if (r.error || !r.node) {
      if (path.toLowerCase().endsWith('.json') || !r.node) {
        const e = r.error!;
        const lines = new LineIndex(text, path);
        const at = lines.lineStart(e.line) + e.column - 1;
        const problem = templateProblem(text, path, at, e.message, (a, b) => lines.span(a, b)) ?? { message: e.message, code: 'JSON_SYNTAX', span: { file: path, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn } };
        return { docs: [], problems: [problem], rendered: [] };
      }
    }
    const problems: LoadProblem[] = (r.warnings ?? []).map((w) => ({
      message: w.message,
      code: 'DUPLICATE_KEY',
      span: w.span,
      ...(w.first ? { related: [{ span: w.first, label: 'first occurrence' }] } : {}),
    }));
    return { docs: [{ node: r.node!, index: 0 }], problems, rendered: [] };
  }
  const y = parseYaml(text, path, wantYamlChunk);
  return { docs: y.docs, problems: y.problems, rendered: y.rendered };
}

function addDocument(node: PNode, ctx: K8sContext, resources: Resource[], problems: ParseProblem[], docIndex: number): void {
  if (isCfnTemplate(node)) {
    buildCloudFormation(node, resources as IamResource[], problems);
    return;
  }
  if (isTerraformJson(node)) {
    buildTerraform(node, resources as IamResource[], problems);
    return;
  }
  if (isEksctlConfig(node)) {
    buildEksctl(node, resources as EksctlResource[]);
    return;
  }
  const before = resources.length;
  buildK8s(node, ctx, resources as never[]);
  if (resources.length === before) buildIam(node, resources as IamResource[], problems, docIndex);
}
