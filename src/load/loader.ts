/**
 * Reads files into the model. Each adapter turns its input into positioned trees and typed
 * resources; parse trouble becomes problems with positions, and nothing throws past this layer.
 */
import fs from 'node:fs';
import { buildCloudFormation, isCfnTemplate, mayHoldCfn } from './cloudformation.js';
import { isTsIacPath } from './discover.js';
import { buildIam, mayHoldIam, type IamResource } from './iam.js';
import { parseJson } from './json.js';
import { buildK8s, K8S_KINDS, type K8sContext } from './k8s.js';
import { buildTerraform, isTerraformJson, mayHoldTerraform } from './terraform.js';
import { kustomizeNamespaces } from './kustomize.js';
import { loadTsIac, looksLikeTsIac } from './ts-iac.js';
import { parseYaml, type ParseProblem } from './yaml.js';
import type { Resource } from '../model/index.js';
import type { PNode } from '../model/pnode.js';
import type { Span } from '../model/span.js';

export interface SourceFile {
  /** Display path (relative, `/`-separated) or `<stdin>`. */
  readonly path: string;
  /** Absolute path, absent for standard input. */
  readonly abs?: string;
  readonly text: string;
}

/** A parse problem, with the other places it concerns (the first occurrence of a duplicate key). */
export interface LoadProblem extends ParseProblem {
  readonly related?: readonly { readonly span: Span; readonly label: string }[];
}

export interface LoadResult {
  readonly resources: Resource[];
  readonly problems: LoadProblem[];
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
  if (m) return K8S_KINDS.has(m[1]);
  return OTHER_SHAPES.test(chunk) || /^\s*[{[]/.test(chunk.replace(/^(\s*#.*\n|\s*---.*\n)*/, ''));
}

export function loadSources(sources: readonly SourceFile[], opts: LoadOptions = {}): LoadResult {
  const resources: Resource[] = [];
  const problems: LoadProblem[] = [];
  const kustomized = kustomizeNamespaces(sources);
  const ctx: K8sContext = { defaultNamespace: () => opts.defaultNamespace ?? 'default', kustomize: (file) => kustomized.get(file) };
  for (const src of sources) loadOne(src, ctx, resources, problems);
  return { resources, problems, files: [...sources] };
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

function loadOne(src: SourceFile, ctx: K8sContext, resources: Resource[], problems: LoadProblem[]): void {
  const { text, path } = src;
  if (text.trim() === '') return;
  if (/\.ts$/i.test(path)) {
    // CDK / Pulumi programs; the TypeScript parser is loaded only here, on the first such file.
    // Other TypeScript (application code, declaration files) is not read.
    if (!isTsIacPath(path) || !looksLikeTsIac(text)) return;
    const r = loadTsIac(text, path);
    problems.push(...r.problems);
    resources.push(...r.resources);
    for (const d of r.k8sDocs) buildK8s(d, ctx, resources as never[]);
    return;
  }
  if (isJsonText(path, text)) {
    // Cheap textual pre-check: unrelated JSON (package.json, dashboards) is never parsed.
    if (!mayHoldIam(text) && !/"kind"\s*:/.test(text) && !mayHoldCfn(text) && !mayHoldTerraform(text)) return;
    const r = parseJson(text, path);
    if (r.error || !r.node) {
      if (path.toLowerCase().endsWith('.json') || !r.node) {
        const e = r.error!;
        problems.push({ message: e.message, code: 'JSON_SYNTAX', span: { file: path, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn } });
        return;
      }
    }
    for (const w of r.warnings ?? []) {
      problems.push({ message: w.message, code: 'DUPLICATE_KEY', span: w.span, ...(w.first ? { related: [{ span: w.first, label: 'first occurrence' }] } : {}) });
    }
    addDocument(r.node!, ctx, resources, problems, 0);
    return;
  }
  const y = parseYaml(text, path, wantYamlChunk);
  problems.push(...y.problems);
  for (const d of y.docs) addDocument(d.node, ctx, resources, problems, d.index);
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
  const before = resources.length;
  buildK8s(node, ctx, resources as never[]);
  if (resources.length === before) buildIam(node, resources as IamResource[], problems, docIndex);
}
