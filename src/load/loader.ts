/**
 * Reads files into the model, in two steps:
 * - `extractFile` (one YAML, JSON or CDK/Pulumi file on its own) and `loadTerraformConfiguration`
 *   (the files of one Terraform directory) parse; what they return is plain data, the same whether
 *   computed here, in a worker thread or read back from the cache (src/load/cache.ts);
 * - `buildModel` (`ModelBuilder`, one file at a time) turns the extracts into typed resources,
 *   where what depends on other files is applied: kustomize builds, the default namespace.
 * Parse trouble becomes problems with positions, and nothing throws past this layer.
 */
import fs from 'node:fs';
import { buildCloudFormation, isCfnTemplate, mayHoldCfn } from './cloudformation.js';
import { isTsIacPath } from './discover.js';
import { buildEksctl, EKSCTL_KIND, isEksctlConfig, type EksctlResource } from './eksctl.js';
import { buildIam, mayHoldIam, type IamResource } from './iam.js';
import { parseJson } from './json.js';
import { buildK8s, K8S_KINDS, type K8sContext } from './k8s.js';
import { buildTerraform, isTerraformJson, mayHoldTerraform } from './terraform.js';
import { loadTerraformConfiguration, terraformConfigurations, terraformFileKind, type TerraformResult } from './terraform-hcl.js';
import { isKustomizationFile, KustomizeBuilds } from './kustomize.js';
import { templateProblem } from './template.js';
import { LineIndex } from '../eval/positions.js';
import { loadTsIac, looksLikeTsIac, type TsIacResult } from './ts-iac.js';
import { scanComments, type CommentDirective } from '../suppress/comments.js';
import { NONE } from '../model/compact.js';
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

/** A file of the run once extracted: its text is kept only where a later step reads it. */
export interface LoadedFile {
  readonly path: string;
  readonly abs?: string;
  /** Its suppression comments (`# irsa-lint-disable…`). */
  readonly comments: readonly CommentDirective[];
  /** The text, for files that later steps read (kustomizations, Helm output, charts, standard input). */
  readonly text?: string;
}

export interface LoadResult {
  readonly resources: Resource[];
  readonly problems: LoadProblem[];
  /** Documents rendered by Helm that name their template (`# Source:`). */
  readonly rendered: RenderedDoc[];
  /** Every file that was read. */
  readonly files: LoadedFile[];
}

/** What `extractFile` takes from one YAML, JSON or CDK/Pulumi file: plain data (structured-cloneable). */
export interface FileExtract {
  /** Positioned documents of a YAML or JSON file. */
  readonly docs: readonly { readonly node: PNode; readonly index: number }[];
  readonly problems: readonly LoadProblem[];
  /** Documents rendered from Helm templates (`# Source:` comments), for related locations. */
  readonly rendered: readonly RenderedDoc[];
  /** The roles, providers and manifests of a CDK or Pulumi program. */
  readonly ts?: TsIacResult;
}

/** One input of `buildModel`, in the run's file order. */
export interface LoadInput {
  readonly path: string;
  readonly abs?: string;
  readonly comments: readonly CommentDirective[];
  /** Kept for the steps that read it after extraction (see `keepsText`). */
  readonly text?: string;
  readonly extract?: FileExtract;
  /** On the first file of a Terraform configuration: what the configuration gives. */
  readonly terraform?: TerraformResult;
  /** The content hash of the text (when the run keeps a cache). */
  readonly hash?: string;
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
 * Build the model from sources given as text: every file is extracted here, then `buildModel`.
 * Terraform configurations (`.tf`, `.tf.json` and the `.tfvars` files of one directory) are read
 * together, where their first file is; the HCL parser must have been initialised (`initHcl` in
 * src/load/hcl/parse.ts, which `lint()` awaits when `needsHclParser` says so), otherwise each such
 * configuration is a problem.
 */
export function loadSources(sources: readonly SourceFile[], opts: LoadOptions = {}): LoadResult {
  const terraform = new Map<SourceFile, TerraformResult>();
  for (const group of terraformConfigurations(sources)) terraform.set(group[0], loadTerraformConfiguration(group));
  const inputs: LoadInput[] = sources.map((src) => ({
    path: src.path,
    abs: src.abs,
    comments: commentsOf(src),
    ...(keepsText(src.path) || src.commentsOnly ? { text: src.text } : {}),
    ...(isTerraformSource(src) ? {} : { extract: extractFile(src) }),
    ...(terraform.has(src) ? { terraform: terraform.get(src) } : {}),
  }));
  return buildModel(inputs, opts);
}

/** The suppression comments of a file (JSON has none). */
export function commentsOf(src: { readonly path: string; readonly text: string }): CommentDirective[] {
  return src.path.toLowerCase().endsWith('.json') ? [] : scanComments(src.text, src.path);
}

/** Is the file read by a Terraform configuration rather than on its own? */
export function isTerraformSource(src: { readonly path: string }): boolean {
  return src.path !== '<stdin>' && terraformFileKind(src.path) !== undefined;
}

/** Files whose text a step after extraction reads: kustomization files (kustomize builds). */
export function keepsText(path: string): boolean {
  return isKustomizationFile(path);
}

/** The model from the extracts of a run, in file order. */
export function buildModel(files: readonly LoadInput[], opts: LoadOptions = {}): LoadResult {
  const builder = new ModelBuilder(files, opts);
  for (const f of files) builder.add(f);
  return builder.finish();
}

/**
 * `buildModel` one input at a time, in the run's file order, so that each file's extract (its
 * positioned documents) can be dropped as soon as its resources are built: memory then follows the
 * typed model, not the bytes of the documents. Built from the run's file list, of which it reads the
 * kustomization files (their text when given, else from disk). When a kustomization renames objects,
 * references are rewritten against the whole build (`KustomizeBuilds.prepare` needs the documents
 * of the renamed files first): the builder then holds every input until `finish`.
 */
export class ModelBuilder {
  private readonly resources: Resource[] = [];
  private readonly problems: LoadProblem[] = [];
  private readonly rendered: RenderedDoc[] = [];
  private readonly files: LoadedFile[] = [];
  private readonly kustomize: KustomizeBuilds;
  private readonly ctx: K8sContext;
  /** The inputs held until `finish` (when a kustomization renames objects). */
  private readonly held?: LoadInput[];

  constructor(files: readonly { readonly path: string; readonly abs?: string; readonly text?: string }[], opts: LoadOptions = {}) {
    // Builds start from the run's kustomization files: without one, there is nothing to build.
    const builds = files.some((f) => isKustomizationFile(f.path)) ? files : [];
    const kustomize = new KustomizeBuilds(builds.map((f) => ({ path: f.path, abs: f.abs, text: f.text ?? (isKustomizationFile(f.path) ? undefined : '') })));
    this.kustomize = kustomize;
    this.ctx = {
      defaultNamespace: () => opts.defaultNamespace ?? 'default',
      kustomize: (file) => kustomize.namespaceOf(file),
      writtenName: (name) => kustomize.writtenName(name),
    };
    if (builds.some((f) => kustomize.rewrites(f.path))) this.held = [];
  }

  add(f: LoadInput): void {
    // Most files have no suppression comment: they share one empty list, whether scanned now or read from the cache.
    this.files.push({ path: f.path, ...(f.abs ? { abs: f.abs } : {}), comments: f.comments.length > 0 ? f.comments : NONE, ...(f.text !== undefined ? { text: f.text } : {}) });
    if (this.held) this.held.push(f);
    else this.build(f);
  }

  finish(): LoadResult {
    if (this.held) {
      // References are rewritten against the whole build: the documents of renamed files first.
      const byPath = new Map(this.held.map((f) => [f.path, f]));
      this.kustomize.prepare((file) => byPath.get(file)?.extract?.docs.map((d) => d.node) ?? []);
      for (const f of this.held) this.build(f);
      this.held.length = 0;
    }
    return { resources: this.resources, problems: this.problems, rendered: this.rendered, files: this.files };
  }

  /** Does the build hold its inputs until `finish` (a kustomization renames objects)? */
  get holds(): boolean {
    return this.held !== undefined;
  }

  private build(f: LoadInput): void {
    const { ctx, resources, problems } = this;
    const r0 = resources.length;
    const p0 = problems.length;
    if (f.terraform) add(f.terraform, ctx, resources, problems);
    const x = f.extract;
    if (x) {
      problems.push(...x.problems);
      this.rendered.push(...x.rendered);
      if (x.ts) add(x.ts, ctx, resources, problems);
      for (const d of x.docs) addDocument(this.kustomize.apply(f.path, d.node), ctx, resources, problems, d.index);
    }
    this.onBuilt?.(f, resources.slice(r0), problems.slice(p0));
  }

  /** Called with each input once built: the resources and problems that came from it. */
  onBuilt?: (f: LoadInput, resources: readonly Resource[], problems: readonly LoadProblem[]) => void;
}

/** The resources, manifests and problems of a CDK/Pulumi program or a Terraform configuration. */
function add(r: { readonly resources: readonly Resource[]; readonly k8sDocs: readonly PNode[]; readonly problems: readonly LoadProblem[] }, ctx: K8sContext, resources: Resource[], problems: LoadProblem[]): void {
  problems.push(...r.problems);
  resources.push(...r.resources);
  for (const d of r.k8sDocs) buildK8s(d, ctx, resources as never[]);
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

/** Do the sources hold a Terraform configuration that is read (so that the HCL parser must be loaded)? */
export function needsHclParser(sources: readonly SourceFile[]): boolean {
  return terraformConfigurations(sources).length > 0;
}

/**
 * What one YAML, JSON or CDK/Pulumi file gives on its own (undefined: nothing to read in it). Terraform
 * files are read by their configuration (`loadTerraformConfiguration`), not here.
 */
export function extractFile(src: SourceFile): FileExtract | undefined {
  const { text, path } = src;
  if (src.commentsOnly || text.trim() === '') return undefined;
  if (/\.ts$/i.test(path)) {
    // The TypeScript parser is loaded only here, on the first such file. Other TypeScript
    // (application code, declaration files) is not read.
    if (!isTsIacPath(path) || !looksLikeTsIac(text)) return undefined;
    return { docs: [], problems: [], rendered: [], ts: loadTsIac(text, path) };
  }
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
