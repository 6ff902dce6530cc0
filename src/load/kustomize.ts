/**
 * Kustomize namespaces. A `kustomization.yaml` (`.yml`, `Kustomization`) with `namespace:` sets the
 * namespace of every resource it builds: the files listed under `resources:` (and the legacy
 * `bases:`, and `components:`), and recursively everything of the kustomizations listed there as
 * directories. As in kustomize, an overlay's namespace overrides its bases' (the namespace
 * transformer of the outer build runs last), and the namespace replaces an explicit
 * `metadata.namespace` too.
 *
 * What is not modelled is marked unknown rather than guessed, so that cross-references through it
 * are skipped: a file built by several kustomizations with different namespaces, a templated
 * namespace, an explicit `metadata.namespace` that the kustomize namespace replaces, and files under
 * a `namePrefix`/`nameSuffix` (kustomize renames the objects and rewrites the references to them,
 * `serviceAccountName` included, only within one build).
 *
 * Kustomizations are read from the loaded files, and, for a directory listed by a loaded
 * kustomization, from that directory on disk. Remote bases (URLs) are ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { get, isMap, isSeq, str, type PNode } from '../model/pnode.js';
import { looksTemplated } from '../model/span.js';
import { parseYaml } from './yaml.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** What kustomize does to the objects of one file. */
export interface KustomizeInfo {
  /** The namespace kustomize gives the file's objects; undefined when no kustomization sets one. */
  readonly namespace?: string;
  /** The namespace is not static (templated, or different in different builds). */
  readonly unknown: boolean;
  /** Some build renames the objects (`namePrefix`/`nameSuffix`). */
  readonly renamed: boolean;
}

interface Kustomization {
  readonly dir: string;
  readonly namespace?: string;
  readonly namespaceUnknown: boolean;
  readonly renames: boolean;
  /** Absolute paths listed under `resources:`, `bases:`, `components:` (files or directories). */
  readonly entries: readonly string[];
}

export function isKustomizationFile(p: string): boolean {
  return KUSTOMIZATION_FILES.includes(path.basename(p));
}

function parseKustomization(text: string, abs: string): Kustomization | undefined {
  let doc: PNode | undefined;
  try {
    doc = parseYaml(text, abs).docs[0]?.node;
  } catch {
    return undefined;
  }
  if (!isMap(doc)) return undefined;
  const kind = str(get(doc, 'kind'));
  if (kind !== undefined && kind !== 'Kustomization' && kind !== 'Component') return undefined;
  const dir = path.dirname(abs);
  const nsNode = get(doc, 'namespace');
  const ns = str(nsNode);
  const namespace = ns !== undefined && ns.trim() !== '' ? ns.trim() : undefined;
  const entries: string[] = [];
  for (const key of ['resources', 'bases', 'components']) {
    const list = get(doc, key);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const s = str(item);
      if (s === undefined || s.trim() === '' || looksTemplated(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(s) || s.startsWith('git@')) continue;
      entries.push(path.resolve(dir, s.trim()));
    }
  }
  const prefix = str(get(doc, 'namePrefix'));
  const suffix = str(get(doc, 'nameSuffix'));
  return {
    dir,
    namespace,
    namespaceUnknown: namespace !== undefined && (!!(nsNode && 'unknown' in nsNode && nsNode.unknown) || looksTemplated(namespace)),
    renames: !!prefix || !!suffix,
    entries,
  };
}

function readFromDisk(abs: string): string | undefined {
  try {
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * For every loaded file that some loaded kustomization builds, what kustomize does to it.
 * `files` are the loaded files (`abs` absolute path, `path` display path, `text`); the result is
 * keyed by display path. Never throws.
 */
export function kustomizeNamespaces(
  files: readonly { readonly path: string; readonly abs?: string; readonly text: string }[],
  readFile: (abs: string) => string | undefined = readFromDisk,
): Map<string, KustomizeInfo> {
  const out = new Map<string, KustomizeInfo>();
  const display = new Map<string, string>();
  const texts = new Map<string, string>();
  for (const f of files) {
    if (!f.abs) continue;
    display.set(f.abs, f.path);
    texts.set(f.abs, f.text);
  }
  const cache = new Map<string, Kustomization | null>();
  const load = (abs: string): Kustomization | undefined => {
    if (cache.has(abs)) return cache.get(abs) ?? undefined;
    const text = texts.get(abs) ?? readFile(abs);
    const k = text === undefined ? undefined : parseKustomization(text, abs);
    cache.set(abs, k ?? null);
    return k;
  };
  /** The kustomization file of a directory, if any. */
  const inDir = (dir: string): string | undefined => {
    for (const name of KUSTOMIZATION_FILES) {
      const p = path.join(dir, name);
      if (texts.has(p) || readFile(p) !== undefined) return p;
    }
    return undefined;
  };

  const loaded = files.filter((f) => f.abs && isKustomizationFile(f.abs)).map((f) => f.abs!);
  // Roots: loaded kustomizations that no other loaded kustomization builds.
  const referenced = new Set<string>();
  for (const abs of loaded) {
    for (const e of load(abs)?.entries ?? []) {
      const k = isKustomizationFile(e) ? e : inDir(e);
      if (k && k !== abs) referenced.add(k);
    }
  }

  const assignments = new Map<string, { namespace?: string; unknown: boolean; renamed: boolean }[]>();
  const visit = (abs: string, outer: { namespace?: string; unknown: boolean } | undefined, renamed: boolean, seen: Set<string>): void => {
    if (seen.has(abs) || seen.size > 50) return;
    const k = load(abs);
    if (!k) return;
    const next = new Set(seen).add(abs);
    // The outermost kustomization that sets a namespace wins.
    const ns = outer ?? (k.namespace !== undefined ? { namespace: k.namespace, unknown: k.namespaceUnknown } : undefined);
    const ren = renamed || k.renames;
    for (const e of k.entries) {
      const sub = isKustomizationFile(e) ? e : inDir(e);
      if (sub) {
        visit(sub, ns, ren, next);
        continue;
      }
      const d = display.get(e);
      if (d === undefined) continue; // not loaded (or a directory without a kustomization: kustomize rejects it)
      const list = assignments.get(d) ?? [];
      list.push({ namespace: ns?.namespace, unknown: ns?.unknown ?? false, renamed: ren });
      assignments.set(d, list);
    }
  };
  for (const abs of loaded) if (!referenced.has(abs)) visit(abs, undefined, false, new Set());

  for (const [file, list] of assignments) {
    const namespaces = new Set(list.map((a) => a.namespace));
    const renamed = list.some((a) => a.renamed);
    if (namespaces.size > 1) out.set(file, { namespace: list[0].namespace, unknown: true, renamed });
    else out.set(file, { namespace: list[0].namespace, unknown: list.some((a) => a.unknown), renamed });
  }
  return out;
}
