/**
 * What `kustomize build` does to the objects of the files a `kustomization.yaml` (`.yml`,
 * `Kustomization`) lists under `resources:` (and the legacy `bases:`, and `components:`), and
 * recursively to everything of the kustomizations listed there as directories.
 *
 * Namespaces: a kustomization's `namespace:` sets the namespace of every object it builds; an
 * overlay's namespace overrides its bases' (the namespace transformer of the outer build runs
 * last), and it replaces an explicit `metadata.namespace` too.
 *
 * Names (kubernetes-sigs/kustomize): `namePrefix` / `nameSuffix` rename every object a
 * kustomization builds (`metadata/name`, builtinpluginconsts/nameprefix.go, namesuffix.go); an
 * overlay adds its prefix in front of its bases' and its suffix after them. At the end of the build
 * the name reference transformer rewrites the references to renamed objects of the same build
 * (api/filters/nameref/nameref.go: a reference is rewritten when it names an object of the build
 * and of the referrer's namespace by one of its earlier names, api/resmap/reswrangler.go). The fields
 * rewritten are those of builtinpluginconsts/namereference.go that irsa-lint models:
 * `serviceAccountName` of Pods, Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and
 * ReplicationControllers (not ReplicaSets, not the deprecated `serviceAccount`); Secret and
 * ConfigMap names in volumes, projected volume sources, `env[].valueFrom` and `envFrom[]` of
 * containers and init containers of Pods, Deployments, ReplicaSets, DaemonSets, StatefulSets,
 * Jobs and CronJobs. References to objects outside the build (a ServiceAccount that eksctl or a
 * chart creates) keep their text, as in kustomize, while the objects of the build are renamed;
 * nothing outside the cluster (an IAM trust policy) is rewritten. Objects of `configMapGenerator`
 * and `secretGenerator` are not in any file: references to them get the prefixes and, unless
 * `generatorOptions.disableNameSuffixHash`, a content hash, which is unknown.
 *
 * Renamed names are joined pieces: the written characters keep their positions in the manifest,
 * the ones kustomize adds point at the written name. What is not modelled is marked unknown rather than guessed, so that
 * cross-references through it are skipped: a file built by several kustomizations with different
 * namespaces or names, a templated namespace, prefix or suffix, an explicit `metadata.namespace`
 * that the kustomize namespace replaces, a reference that several objects of the build could be,
 * and the objects of a kustomization whose components rename objects (components transform the
 * whole parent build). Patches, `replacements` and `vars` are not applied.
 *
 * Kustomizations are read from the loaded files, and, for a directory listed by a loaded
 * kustomization, from that directory on disk. Remote bases (URLs) are ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { joinPieces, opaquePiece, scalarPiece, unknownScalar, type Piece } from '../eval/value.js';
import { entry, get, isMap, isScalar, isSeq, str, type PEntry, type PNode, type PScalar } from '../model/pnode.js';
import { looksTemplated } from '../model/span.js';
import { parseYaml } from './yaml.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** What kustomize does to the namespace of the objects of one file. */
export interface KustomizeInfo {
  /** The namespace kustomize gives the file's objects; undefined when no kustomization sets one. */
  readonly namespace?: string;
  /** The namespace is not static (templated, or different in different builds). */
  readonly unknown: boolean;
}

/** One kustomization's name transformers. */
interface Level {
  readonly prefix?: PScalar;
  readonly suffix?: PScalar;
}

interface Generated {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** kustomize appends a hash of the content (unless `disableNameSuffixHash`). */
  readonly hashed: boolean;
}

interface Kustomization {
  readonly dir: string;
  readonly namespace?: string;
  readonly namespaceUnknown: boolean;
  readonly level: Level;
  /** Absolute paths listed under `resources:`, `bases:`, `components:` (files or directories). */
  readonly entries: readonly { readonly abs: string; readonly component: boolean }[];
  readonly generated: readonly Generated[];
}

/** Where one file sits in one build: the namespace and name transformers on the way to the root. */
interface Placement {
  readonly build: Build;
  readonly namespace?: string;
  readonly namespaceUnknown: boolean;
  /** Outermost kustomization first. */
  readonly levels: readonly Level[];
  /** A component renames the objects of the build: names are not modelled. */
  readonly renameUnknown: boolean;
}

/** An object of a build that references can name: a ServiceAccount, Secret or ConfigMap. */
interface Referral {
  readonly kind: string;
  readonly name: string;
  /** Effective namespace (undefined: not static). */
  readonly namespace?: string;
  readonly levels: readonly Level[];
  readonly renameUnknown: boolean;
  readonly hashed: boolean;
}

interface Build {
  readonly root: string;
  readonly generated: { readonly gen: Generated; readonly levels: readonly Level[]; readonly namespace?: string }[];
  referrals?: Referral[];
  /** Referrals by kind and by each name they had on the way (kustomize's previous ids), with how many transformers made that name. */
  byName?: Map<string, { readonly referral: Referral; readonly applied: number }[]>;
}

export function isKustomizationFile(p: string): boolean {
  return KUSTOMIZATION_FILES.includes(path.basename(p));
}

function parseKustomization(text: string, abs: string, display: string | undefined): Kustomization | undefined {
  let doc: PNode | undefined;
  try {
    doc = parseYaml(text, display ?? abs).docs[0]?.node;
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
  const entries: { abs: string; component: boolean }[] = [];
  for (const key of ['resources', 'bases', 'components']) {
    const list = get(doc, key);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const s = str(item);
      if (s === undefined || s.trim() === '' || looksTemplated(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(s) || s.startsWith('git@')) continue;
      entries.push({ abs: path.resolve(dir, s.trim()), component: key === 'components' });
    }
  }
  // A prefix or suffix that is not a string (a template YAML reads as a map) is unknown.
  const affix = (key: string): PScalar | undefined => {
    const n = get(doc, key);
    if (n === undefined || (isScalar(n) && (n.value === null || n.value === ''))) return undefined;
    if (isScalar(n)) return n.unknown || !looksTemplated(String(n.value)) ? n : { ...n, unknown: true };
    return unknownScalar(key, n.span);
  };
  const prefix = affix('namePrefix');
  const suffix = affix('nameSuffix');
  const hashOff = (n: PNode | undefined): boolean | undefined => {
    const v = get(n, 'disableNameSuffixHash');
    return isScalar(v) && typeof v.value === 'boolean' ? v.value : undefined;
  };
  const defaultOff = hashOff(get(doc, 'generatorOptions')) ?? false;
  const generated: Generated[] = [];
  for (const [key, genKind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
    const list = get(doc, key);
    if (!isSeq(list)) continue;
    for (const g of list.items) {
      const name = str(get(g, 'name'));
      if (name === undefined || name === '' || looksTemplated(name)) continue;
      // `behavior: merge|replace` changes an object of a base, which keeps its own hashing.
      const behavior = str(get(g, 'behavior'));
      if (behavior === 'merge' || behavior === 'replace') continue;
      generated.push({ kind: genKind, name, hashed: !(hashOff(get(g, 'options')) ?? defaultOff) });
    }
  }
  return {
    dir,
    namespace,
    namespaceUnknown: namespace !== undefined && (!!(nsNode && 'unknown' in nsNode && nsNode.unknown) || looksTemplated(namespace)),
    level: { ...(prefix ? { prefix } : {}), ...(suffix ? { suffix } : {}) },
    entries,
    generated,
  };
}

/**
 * The kustomize builds of the loaded files. `files` are the loaded files (`abs` absolute path,
 * `path` display path, `text`); results are keyed by display path. Never throws.
 */
export class KustomizeBuilds {
  private readonly placements = new Map<string, Placement[]>();
  private readonly builds: Build[] = [];
  /** Builds that rename something (a prefix, a suffix, a component that renames, a generator). */
  private readonly transforming = new Set<Build>();
  /** The written `metadata.name` of each renamed object, by its new name node. */
  private readonly written = new Map<PNode, PScalar>();

  constructor(files: readonly { readonly path: string; readonly abs?: string; readonly text?: string }[]) {
    const display = new Map<string, string>();
    const texts = new Map<string, string | undefined>(); // undefined: read from disk when asked for
    for (const f of files) {
      if (!f.abs) continue;
      display.set(f.abs, f.path);
      texts.set(f.abs, f.text);
    }
    const cache = new Map<string, Kustomization | null>();
    const load = (abs: string): Kustomization | undefined => {
      if (cache.has(abs)) return cache.get(abs) ?? undefined;
      let text = texts.get(abs);
      if (text === undefined) {
        try {
          text = fs.readFileSync(abs, 'utf8');
        } catch {
          text = undefined;
        }
      }
      let k: Kustomization | undefined;
      try {
        k = text === undefined ? undefined : parseKustomization(text, abs, display.get(abs));
      } catch {
        k = undefined;
      }
      cache.set(abs, k ?? null);
      return k;
    };
    /** The kustomization file of a directory, if any. */
    const inDir = (dir: string): string | undefined => {
      for (const name of KUSTOMIZATION_FILES) {
        const p = path.join(dir, name);
        if (texts.has(p)) return p;
        try {
          if (fs.statSync(p).isFile()) return p;
        } catch {
          /* absent */
        }
      }
      return undefined;
    };
    const kustomizationOf = (e: string): string | undefined => (isKustomizationFile(e) ? e : inDir(e));

    const loaded = files.filter((f) => f.abs && isKustomizationFile(f.abs)).map((f) => f.abs!);
    // Roots: loaded kustomizations that no other loaded kustomization builds.
    const referenced = new Set<string>();
    for (const abs of loaded) {
      for (const e of load(abs)?.entries ?? []) {
        const k = kustomizationOf(e.abs);
        if (k && k !== abs) referenced.add(k);
      }
    }

    const visit = (abs: string, build: Build, outer: Omit<Placement, 'build'> | undefined, seen: Set<string>): void => {
      if (seen.has(abs) || seen.size > 50) return;
      const k = load(abs);
      if (!k) return;
      const next = new Set(seen).add(abs);
      // The outermost kustomization that sets a namespace wins.
      const ns = outer?.namespace !== undefined || outer?.namespaceUnknown ? outer : k.namespace !== undefined ? { namespace: k.namespace, namespaceUnknown: k.namespaceUnknown } : undefined;
      const levels = [...(outer?.levels ?? []), k.level];
      const componentRenames = k.entries.some((e) => {
        if (!e.component) return false;
        const c = kustomizationOf(e.abs);
        const ck = c ? load(c) : undefined;
        return !!ck && (ck.level.prefix !== undefined || ck.level.suffix !== undefined);
      });
      const here: Omit<Placement, 'build'> = {
        ...(ns?.namespace !== undefined ? { namespace: ns.namespace } : {}),
        namespaceUnknown: ns?.namespaceUnknown ?? false,
        levels,
        renameUnknown: (outer?.renameUnknown ?? false) || componentRenames,
      };
      for (const gen of k.generated) build.generated.push({ gen, levels, ...(here.namespace !== undefined && !here.namespaceUnknown ? { namespace: here.namespace } : {}) });
      for (const e of k.entries) {
        const sub = kustomizationOf(e.abs);
        if (sub) {
          visit(sub, build, here, next);
          continue;
        }
        const d = display.get(e.abs);
        if (d === undefined) continue; // not loaded (or a directory without a kustomization: kustomize rejects it)
        const list = this.placements.get(d) ?? [];
        list.push({ build, ...here });
        this.placements.set(d, list);
      }
    };
    for (const abs of loaded) {
      if (referenced.has(abs)) continue;
      const build: Build = { root: abs, generated: [] };
      this.builds.push(build);
      visit(abs, build, undefined, new Set());
    }
    for (const b of this.builds) if (b.generated.length > 0) this.transforming.add(b);
    for (const list of this.placements.values()) {
      for (const p of list) if (p.renameUnknown || p.levels.some((l) => l.prefix || l.suffix)) this.transforming.add(p.build);
    }
  }

  /** The namespace kustomize gives the objects of a file, when a loaded kustomization builds it. */
  namespaceOf(file: string): KustomizeInfo | undefined {
    const list = this.placements.get(file);
    if (!list) return undefined;
    const namespaces = new Set(list.map((p) => p.namespace));
    if (namespaces.size > 1) return { namespace: list[0].namespace, unknown: true };
    return { namespace: list[0].namespace, unknown: list.some((p) => p.namespaceUnknown) };
  }

  /** The name as written of an object `apply` renamed, by the node of its new `metadata.name`. */
  writtenName(name: PNode): PScalar | undefined {
    return this.written.get(name);
  }

  /** Does kustomize change names, or references to names, in this file? Then its documents are read first. */
  rewrites(file: string): boolean {
    return (this.placements.get(file) ?? []).some((p) => this.transforming.has(p.build));
  }

  /**
   * Collects the ServiceAccounts, Secrets and ConfigMaps of every build that renames; `docsOf`
   * gives the parsed documents of each file for which `rewrites` is true. Call once, before `apply`.
   */
  prepare(docsOf: (file: string) => readonly PNode[]): void {
    for (const [file, list] of this.placements) {
      for (const p of list) {
        if (!this.transforming.has(p.build)) continue;
        const referrals = (p.build.referrals ??= []);
        for (const doc of flatten(docsOf(file))) {
          const kind = str(get(doc, 'kind'));
          const apiVersion = str(get(doc, 'apiVersion'));
          const name = get(doc, 'metadata', 'name');
          if (!kind || !REFERRAL_KINDS.has(kind) || apiVersion !== 'v1' || !isScalar(name) || name.unknown || typeof name.value !== 'string') continue;
          referrals.push({ kind, name: name.value, namespace: namespaceIn(doc, p), levels: p.levels, renameUnknown: p.renameUnknown, hashed: false });
        }
      }
    }
    for (const b of this.builds) {
      if (!b.referrals) continue;
      for (const g of b.generated) b.referrals.push({ kind: g.gen.kind, name: g.gen.name, namespace: g.namespace, levels: g.levels, renameUnknown: false, hashed: g.gen.hashed });
      const byName = (b.byName = new Map());
      for (const r of b.referrals) {
        const seen = new Set<string>();
        for (let k = 0; k < r.levels.length; k++) {
          const n = nameAfter(r, k);
          if (n === undefined || seen.has(n)) continue;
          seen.add(n);
          const key = `${r.kind}\0${n}`;
          const list = byName.get(key) ?? [];
          list.push({ referral: r, applied: k });
          byName.set(key, list);
        }
      }
    }
  }

  /** A document of a file as kustomize builds it: renamed objects, rewritten references. */
  apply(file: string, doc: PNode): PNode {
    const list = this.placements.get(file) ?? [];
    if (!list.some((p) => p.build.referrals)) return doc;
    try {
      // Every build the file is part of; builds that rename nothing leave it as written.
      const record = (renamedName: PScalar, name: PScalar) => this.written.set(renamedName, name);
      const variants = list.map((p) => (this.transforming.has(p.build) ? transformDocument(doc, p, record) : doc));
      return variants.slice(1).reduce(merge, variants[0]);
    } catch {
      return doc;
    }
  }
}

const REFERRAL_KINDS = new Set(['ServiceAccount', 'Secret', 'ConfigMap']);
/** kustomize's prefix and suffix transformers skip these kinds (plugin/builtin/prefixtransformer). */
const NOT_RENAMED = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);

/** Pod spec of each kind whose references kustomize rewrites (namereference.go paths). */
const POD_SPEC: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
/** The referring fields under the pod spec, and the kinds kustomize rewrites them in. */
const REFERENCES: readonly { readonly kind: string; readonly referrers: ReadonlySet<string>; readonly paths: readonly (readonly string[])[] }[] = [
  {
    kind: 'ServiceAccount',
    referrers: new Set(['Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet']),
    paths: [['serviceAccountName']],
  },
  {
    kind: 'Secret',
    referrers: new Set(['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob']),
    paths: [
      ['volumes', 'secret', 'secretName'],
      ['containers', 'env', 'valueFrom', 'secretKeyRef', 'name'],
      ['initContainers', 'env', 'valueFrom', 'secretKeyRef', 'name'],
      ['containers', 'envFrom', 'secretRef', 'name'],
      ['initContainers', 'envFrom', 'secretRef', 'name'],
      ['volumes', 'projected', 'sources', 'secret', 'name'],
    ],
  },
  {
    kind: 'ConfigMap',
    referrers: new Set(['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob']),
    paths: [
      ['volumes', 'configMap', 'name'],
      ['containers', 'env', 'valueFrom', 'configMapKeyRef', 'name'],
      ['initContainers', 'env', 'valueFrom', 'configMapKeyRef', 'name'],
      ['containers', 'envFrom', 'configMapRef', 'name'],
      ['initContainers', 'envFrom', 'configMapRef', 'name'],
      ['volumes', 'projected', 'sources', 'configMap', 'name'],
    ],
  },
];

/** Documents with the items of `List`s (kustomize reads a List's items as resources). */
function flatten(docs: readonly PNode[]): PNode[] {
  const out: PNode[] = [];
  for (const d of docs) {
    const items = get(d, 'items');
    if (str(get(d, 'kind')) === 'List' && isSeq(items)) out.push(...items.items);
    else out.push(d);
  }
  return out;
}

/** The namespace of an object in a placement (undefined when it is not static). */
function namespaceIn(doc: PNode, p: Placement): string | undefined {
  if (p.namespaceUnknown) return undefined;
  if (p.namespace !== undefined) return p.namespace;
  const ns = get(doc, 'metadata', 'namespace');
  if (ns === undefined || (isScalar(ns) && (ns.value === null || ns.value === ''))) return 'default';
  return isScalar(ns) && !ns.unknown && typeof ns.value === 'string' && !looksTemplated(ns.value) ? ns.value : undefined;
}

type RecordName = (renamedName: PScalar, name: PScalar) => void;

function transformDocument(doc: PNode, p: Placement, record: RecordName): PNode {
  if (str(get(doc, 'kind')) === 'List') {
    const items = entry(doc, 'items');
    if (!isMap(doc) || !items || !isSeq(items.value)) return doc;
    const seq = items.value;
    return replaceEntry(doc, 'items', { ...seq, items: seq.items.map((i) => transformObject(i, p, record)) });
  }
  return transformObject(doc, p, record);
}

function transformObject(doc: PNode, p: Placement, record: RecordName): PNode {
  if (!isMap(doc)) return doc;
  const kind = str(get(doc, 'kind'));
  if (kind === undefined) return doc;
  let out: PNode = doc;
  const meta = get(doc, 'metadata');
  const name = get(meta, 'name');
  if (!NOT_RENAMED.has(kind) && isMap(meta) && isScalar(name) && typeof name.value === 'string') {
    const newName = renamed(name, p.levels, 0, p.renameUnknown);
    if (newName !== name) record(newName, name);
    out = replaceEntry(out, 'metadata', replaceEntry(meta, 'name', newName));
  }
  const specPath = POD_SPEC[kind];
  if (!specPath) return out;
  const referrerNamespace = namespaceIn(doc, p);
  for (const ref of REFERENCES) {
    if (!ref.referrers.has(kind)) continue;
    for (const fieldPath of ref.paths) {
      out = rewriteAt(out, [...specPath, ...fieldPath], 0, (s) => rewriteReference(s, ref.kind, p, referrerNamespace));
    }
  }
  return out;
}

/**
 * The name after the transformers of `levels[0..upTo)` (outermost first): their prefixes in front,
 * their suffixes after, innermost nearest the name. Unknown when a component renames.
 */
function renamed(name: PScalar, levels: readonly Level[], from: number, renameUnknown: boolean, tail: Piece[] = []): PScalar {
  if (renameUnknown) return { ...name, unknown: true };
  const prefixes: Piece[] = [];
  const suffixes: Piece[] = [];
  // The characters kustomize adds point at the name they are added to (a string's positions are
  // in one file, the manifest's).
  const piece = (affix: PScalar): Piece => opaquePiece(String(affix.value), name.span, !!affix.unknown || looksTemplated(String(affix.value)));
  for (let i = 0; i < levels.length - from; i++) {
    const l = levels[i];
    if (l.prefix) prefixes.push(piece(l.prefix));
    if (l.suffix) suffixes.unshift(piece(l.suffix));
  }
  if (prefixes.length === 0 && suffixes.length === 0 && tail.length === 0) return name;
  return joinPieces([...prefixes, scalarPiece(name), ...suffixes, ...tail], name.span, name.tag);
}

/** The text of a referral's name after its innermost `k` transformers. */
function nameAfter(r: Referral, k: number): string | undefined {
  let text = r.name;
  for (let i = r.levels.length - 1; i >= r.levels.length - k; i--) {
    const l = r.levels[i];
    const pre = l.prefix ? affixText(l.prefix) : '';
    const suf = l.suffix ? affixText(l.suffix) : '';
    if (pre === undefined || suf === undefined) return undefined;
    text = pre + text + suf;
  }
  return text;
}

function affixText(s: PScalar): string | undefined {
  return s.unknown ? undefined : String(s.value);
}

/** A reference as kustomize's name reference transformer leaves it. */
function rewriteReference(ref: PScalar, kind: string, p: Placement, referrerNamespace: string | undefined): PScalar {
  if (ref.unknown || typeof ref.value !== 'string' || looksTemplated(ref.value)) return ref;
  const written = ref.value;
  const candidates: { readonly referral: Referral; readonly result: PScalar }[] = [];
  // The reference names the object by one of its earlier names (kustomize's previous ids).
  for (const { referral: r, applied } of p.build.byName?.get(`${kind}\0${written}`) ?? []) {
    // Only objects of the referrer's namespace (api/resmap/reswrangler.go SubsetThatCouldBeReferencedByResource).
    if (r.namespace !== undefined && referrerNamespace !== undefined && r.namespace !== referrerNamespace) continue;
    const hash = r.hashed ? [opaquePiece('-${hash}', ref.span, true)] : [];
    candidates.push({ referral: r, result: renamed(ref, r.levels, applied, r.renameUnknown, hash) });
  }
  if (candidates.length === 0) return ref;
  const distinct = (list: typeof candidates) => new Set(list.map((c) => (c.result.unknown ? '\0unknown' : String(c.result.value)))).size;
  if (distinct(candidates) === 1) return candidates[0].result;
  // Several objects: kustomize prefers the one with the referrer's prefixes and suffixes.
  const same = candidates.filter((c) => sameLevels(c.referral.levels, p.levels));
  if (same.length > 0 && distinct(same) === 1) return same[0].result;
  return { ...ref, unknown: true };
}

function sameLevels(a: readonly Level[], b: readonly Level[]): boolean {
  const text = (ls: readonly Level[]) => ls.map((l) => `${l.prefix ? String(l.prefix.value) : ''}\0${l.suffix ? String(l.suffix.value) : ''}`).join('\0');
  return text(a) === text(b);
}

/** Replace the scalars at a field path (lists along the way are entered item by item). */
function rewriteAt(n: PNode, fieldPath: readonly string[], i: number, fn: (s: PScalar) => PScalar): PNode {
  if (isSeq(n)) {
    let changed = false;
    const items = n.items.map((it) => {
      const r = rewriteAt(it, fieldPath, i, fn);
      if (r !== it) changed = true;
      return r;
    });
    return changed ? { ...n, items } : n;
  }
  if (i === fieldPath.length) return isScalar(n) ? fn(n) : n;
  if (!isMap(n)) return n;
  const e = entry(n, fieldPath[i]);
  if (!e) return n;
  const v = rewriteAt(e.value, fieldPath, i + 1, fn);
  return v === e.value ? n : replaceEntry(n, fieldPath[i], v);
}

function replaceEntry(map: PNode, key: string, value: PNode): PNode {
  if (!isMap(map)) return map;
  const entries: PEntry[] = map.entries.map((e) => (e.key.value === key ? { key: e.key, value } : e));
  return { ...map, entries };
}

/** One document as several builds make it: where they disagree, the value is unknown. */
function merge(a: PNode, b: PNode): PNode {
  if (a === b) return a;
  if (isScalar(a) && isScalar(b)) return a.value === b.value && !!a.unknown === !!b.unknown ? a : { ...a, unknown: true };
  if (isMap(a) && isMap(b) && a.entries.length === b.entries.length) {
    return { ...a, entries: a.entries.map((e, i) => ({ key: e.key, value: merge(e.value, b.entries[i].value) })) };
  }
  if (isSeq(a) && isSeq(b) && a.items.length === b.items.length) return { ...a, items: a.items.map((x, i) => merge(x, b.items[i])) };
  return a;
}
