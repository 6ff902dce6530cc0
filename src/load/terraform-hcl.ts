/**
 * Terraform configurations as written (`*.tf`, `*.tf.json`), never run: the IAM roles, OIDC
 * providers and ServiceAccounts they declare, with positions in the source.
 *
 * A configuration is a directory: its `.tf` and `.tf.json` files share variables, locals and
 * resources, and Terraform loads its `terraform.tfvars`, `terraform.tfvars.json` and
 * `*.auto.tfvars[.json]` automatically (in that order, later files winning), after the
 * variables' defaults. A variable that another `*.tfvars` file of the directory sets is unknown:
 * which value applies depends on the `-var-file` given. Override files (`override.tf`,
 * `*_override.tf`) are merged into the blocks they override. Child modules are configurations of
 * their own (their variables without defaults are unknown).
 *
 * Recognised (the `RECOGNISERS` table):
 * - `resource "aws_iam_role"`: `name` (`name_prefix`: unknown name), `path`, `assume_role_policy`
 *   (`jsonencode({...})`, a heredoc or quoted JSON string, a policy document's `json`);
 * - `data "aws_iam_policy_document"`: read with src/load/policy-document.ts; a document no role
 *   of the configuration uses, whose actions are all `sts:` actions, is a trust policy of its own;
 * - `resource "aws_iam_openid_connect_provider"`: `url`, `client_id_list`;
 * - `resource "kubernetes_service_account"` / `kubernetes_service_account_v1` (`metadata`) and
 *   `resource "kubernetes_manifest"` (`manifest`): Kubernetes documents;
 * - `module` blocks of terraform-aws-modules' IAM role for service accounts (see `irsaModule`);
 * - `resource "aws_eks_pod_identity_association"`: `cluster_name`, `namespace`, `service_account`,
 *   `role_arn` (a reference to a role of the configuration links it), `target_role_arn`,
 *   `disable_session_tags`.
 *
 * References are links: `aws_iam_role.x.arn` is unknown (the account is) but carries the role's
 * key as its `target`, so that a ServiceAccount annotated with it is judged against that role;
 * `aws_iam_openid_connect_provider.x.arn` is unknown with the provider's issuer host in it; other
 * attributes of a resource are the arguments written in its block.
 */
import path from 'node:path';
import { issuerHost } from '../iam/arn.js';
import { HclEvaluator, JSON_TAG, placeholderText, type HclScope } from '../eval/hcl.js';
import { opaquePiece, unknownScalar as rawUnknown, type Value } from '../eval/value.js';
import type { OidcProvider, Role } from '../model/iam.js';
import { entry, get, isMap, isScalar, isSeq, type PEntry, type PMap, type PNode, type PScalar } from '../model/pnode.js';
import type { Span } from '../model/span.js';
import { makeProvider, makeRole, policyFromNode } from './iac.js';
import type { IamResource } from './iam.js';
import { parseJson, parseJsonInString } from './json.js';
import { policyDocument, TERRAFORM_NAMES } from './policy-document.js';
import { parseTerraformJson, type BlockSchema } from './hcl/json-syntax.js';
import { parseHcl, type Attribute, type Block, type Body, type Expr, type HclFile, type Step } from './hcl/parse.js';
import { loc } from './k8s.js';
import { makeAssociation } from './pod-identity.js';
import type { ParseProblem } from './yaml.js';

export interface TerraformSource {
  readonly path: string;
  readonly text: string;
}

export interface TerraformResult {
  readonly resources: IamResource[];
  /** Kubernetes documents the configuration creates (ServiceAccounts, manifests). */
  readonly k8sDocs: PNode[];
  readonly problems: ParseProblem[];
}

export type TerraformFileKind = 'hcl' | 'json' | 'vars' | 'vars-json';

/** What kind of Terraform file a path is, if any. */
export function terraformFileKind(p: string): TerraformFileKind | undefined {
  const l = p.toLowerCase();
  if (l.endsWith('.tf')) return 'hcl';
  if (l.endsWith('.tf.json')) return 'json';
  if (l.endsWith('.tfvars')) return 'vars';
  if (l.endsWith('.tfvars.json')) return 'vars-json';
  return undefined;
}

const RECOGNISED = /\b(?:aws_iam_role|aws_iam_policy_document|aws_iam_openid_connect_provider|aws_eks_pod_identity_association|kubernetes_service_account(?:_v1)?|kubernetes_manifest)\b|\/iam-role-for-service-accounts(?:-eks)?\b/;

/** Cheap test on a configuration file's text: does it name a resource type or module that is read? */
export function mayHoldTerraformHcl(text: string): boolean {
  return RECOGNISED.test(text);
}

/**
 * The Terraform configurations among the sources: the files of each directory that has a
 * configuration file naming something that is read (other directories are never parsed).
 */
export function terraformConfigurations<T extends TerraformSource>(sources: readonly T[]): T[][] {
  const byDir = new Map<string, T[]>();
  for (const s of sources) {
    if (s.path === '<stdin>' || !terraformFileKind(s.path)) continue;
    const dir = path.posix.dirname(s.path);
    const list = byDir.get(dir);
    if (list) list.push(s);
    else byDir.set(dir, [s]);
  }
  return [...byDir.values()].filter((files) => files.some((f) => isConfigFile(f.path) && mayHoldTerraformHcl(f.text)));
}

function isConfigFile(p: string): boolean {
  const k = terraformFileKind(p);
  return k === 'hcl' || k === 'json';
}

function isOverrideFile(p: string): boolean {
  return /(?:^|\/|_)override\.tf(?:\.json)?$/i.test(p);
}

/** `terraform.tfvars[.json]` first, then `*.auto.tfvars[.json]` by name; undefined for files Terraform does not load itself. */
function autoVarsRank(p: string): string | undefined {
  const base = path.posix.basename(p).toLowerCase();
  if (base === 'terraform.tfvars') return '0';
  if (base === 'terraform.tfvars.json') return '1';
  if (/\.auto\.tfvars(?:\.json)?$/.test(base)) return `2${path.posix.basename(p)}`;
  return undefined;
}

// ---- recognisers --------------------------------------------------------------------------------

const POLICY_DOCUMENT_SCHEMA: BlockSchema = { blocks: { statement: { blocks: { principals: {}, not_principals: {}, condition: {} } } } };
const SERVICE_ACCOUNT_SCHEMA: BlockSchema = { blocks: { metadata: {}, secret: {}, image_pull_secret: {} } };
const VARIABLE_SCHEMA: BlockSchema = { literal: ['default'], blocks: { validation: {} } };

/** A resource, data source or module call of the configuration (one `for_each`/`count` instance). */
interface Instance {
  readonly decl: Decl;
  /** `aws_iam_role.app`, `aws_iam_role.this[0]`, `module.irsa["a"]`. */
  readonly address: string;
  readonly key?: string | number;
  readonly ev: HclEvaluator;
}

interface Decl {
  readonly mode: 'resource' | 'data' | 'module';
  readonly type: string;
  readonly name: string;
  block: Block;
  readonly file: HclFile;
  readonly recogniser?: Recogniser;
}

/**
 * How one resource type (or module) is read. `attribute` gives the computed attributes other
 * blocks refer to (`arn`, `json`, module outputs); `build` adds the model resources.
 */
interface Recogniser {
  readonly mode: Decl['mode'];
  /** Resource type, or for modules the test on `source`. */
  readonly type: string | ((source: string) => boolean);
  /** Nested block types, for the JSON syntax. */
  readonly schema?: BlockSchema;
  /** A computed attribute; `at` is where it is referred to (the value has no text of its own). */
  attribute?(cfg: Configuration, inst: Instance, name: string, at: Span): Value | undefined;
  build?(cfg: Configuration, inst: Instance): void;
}

const RECOGNISERS: readonly Recogniser[] = [
  {
    mode: 'resource',
    type: 'aws_iam_role',
    attribute: (cfg, inst, name, at) => (name === 'arn' ? cfg.roleArn(inst, at) : name === 'id' ? cfg.attribute(inst, 'name') : undefined),
    build: (cfg, inst) => cfg.buildRole(inst),
  },
  {
    mode: 'resource',
    type: 'aws_iam_openid_connect_provider',
    attribute: (cfg, inst, name, at) => (name === 'arn' || name === 'id' ? cfg.providerArn(inst, at) : undefined),
    build: (cfg, inst) => cfg.buildProvider(inst),
  },
  {
    mode: 'data',
    type: 'aws_iam_policy_document',
    schema: POLICY_DOCUMENT_SCHEMA,
    attribute: (cfg, inst, name) => (name === 'json' || name === 'minified_json' ? cfg.policyDocument(inst) : undefined),
    build: (cfg, inst) => cfg.buildPolicyDocument(inst),
  },
  { mode: 'resource', type: 'kubernetes_service_account', schema: SERVICE_ACCOUNT_SCHEMA, build: (cfg, inst) => cfg.buildServiceAccount(inst) },
  { mode: 'resource', type: 'kubernetes_service_account_v1', schema: SERVICE_ACCOUNT_SCHEMA, build: (cfg, inst) => cfg.buildServiceAccount(inst) },
  { mode: 'resource', type: 'kubernetes_manifest', build: (cfg, inst) => cfg.buildManifest(inst) },
  { mode: 'resource', type: 'aws_eks_pod_identity_association', build: (cfg, inst) => cfg.buildAssociation(inst) },
  {
    mode: 'module',
    type: (source) => irsaModuleVersion(source) !== undefined,
    attribute: (cfg, inst, name, at) => cfg.irsaOutput(inst, name, at),
    build: (cfg, inst) => cfg.buildIrsaModule(inst),
  },
];

function recogniserFor(mode: Decl['mode'], type: string, source?: string): Recogniser | undefined {
  return RECOGNISERS.find((r) => r.mode === mode && (typeof r.type === 'string' ? r.type === type : source !== undefined && r.type(source)));
}

function schemaFor(type: string, labels: readonly string[]): BlockSchema {
  if (type === 'variable') return VARIABLE_SCHEMA;
  if (type === 'resource' || type === 'data') return recogniserFor(type, labels[0] ?? '')?.schema ?? {};
  return {};
}

/**
 * terraform-aws-modules/terraform-aws-iam's role for EKS service accounts: `5` for
 * `modules/iam-role-for-service-accounts-eks` (v4 and v5 of the repository), `6` for
 * `modules/iam-role-for-service-accounts` (v6), from the registry, git or GitHub.
 */
function irsaModuleVersion(source: string): 5 | 6 | undefined {
  const m = /terraform-aws-modules\/(?:iam\/aws|terraform-aws-iam(?:\.git)?)\/\/modules\/iam-role-for-service-accounts(-eks)?\/?(?:\?|$)/.exec(source.trim());
  return m ? (m[1] ? 5 : 6) : undefined;
}

// ---- the configuration --------------------------------------------------------------------------

/** An unknown value; its placeholder text is made safe to sit inside JSON strings and placeholders. */
function unknownScalar(what: string, span: Span): PScalar {
  return rawUnknown(placeholderText(what), span);
}

const NO_SCOPE: HclScope = { lookup: () => undefined, decodeJson: () => undefined };
const MAX_INSTANCES = 100;

type VarValue = Value | 'unknown';

class Configuration implements HclScope {
  readonly resources: IamResource[] = [];
  readonly k8sDocs: PNode[] = [];
  readonly problems: ParseProblem[] = [];
  readonly root: HclEvaluator;
  private readonly files: HclFile[] = [];
  private readonly decls = new Map<string, Decl>();
  private readonly order: Decl[] = [];
  private readonly variables = new Map<string, Block>();
  private readonly varValues = new Map<string, VarValue>();
  private readonly locals = new Map<string, Attribute | 'duplicate'>();
  private readonly localValues = new Map<string, Value>();
  private readonly attrValues = new Map<string, Value>();
  private readonly evaluating = new Set<string>();
  private readonly instanceCache = new Map<Decl, Instance[] | 'unknown'>();
  private readonly roles = new Map<string, Role>();
  private readonly docs = new Map<string, PMap>();
  /** Policy documents a role's `assume_role_policy` or another document's sources hold. */
  private readonly usedDocs = new Set<PNode>();
  private readonly pendingDocs: { inst: Instance; doc: PMap }[] = [];

  constructor(sources: readonly TerraformSource[]) {
    this.root = new HclEvaluator(this);
    const configs = sources.filter((s) => isConfigFile(s.path));
    const normal = configs.filter((s) => !isOverrideFile(s.path));
    const overrides = configs.filter((s) => isOverrideFile(s.path));
    for (const s of normal) this.declare(this.parse(s), false);
    for (const s of overrides) this.declare(this.parse(s), true);
    this.readVariables(sources);
  }

  private parse(s: TerraformSource): HclFile {
    const f = terraformFileKind(s.path) === 'json' ? parseTerraformJson(s.text, s.path, schemaFor) : parseHcl(s.text, s.path);
    this.problems.push(...f.problems);
    this.files.push(f);
    return f;
  }

  private declare(f: HclFile, override: boolean): void {
    for (const b of f.body.blocks) {
      if (b.broken) continue;
      const [l0, l1] = b.labels.map((l) => l.value);
      switch (b.type) {
        case 'resource':
        case 'data': {
          if (l0 === undefined || l1 === undefined || b.labels.length !== 2) continue;
          this.add({ mode: b.type, type: l0, name: l1, block: b, file: f, recogniser: recogniserFor(b.type, l0) }, `${b.type}.${l0}.${l1}`, override);
          break;
        }
        case 'module': {
          if (l0 === undefined || b.labels.length !== 1) continue;
          const key = `module.${l0}`;
          const prev = this.decls.get(key);
          const block = override && prev ? mergeBlocks(prev.block, b) : b;
          const source = this.literalText(block.body.attributes.find((a) => a.name === 'source')?.expr);
          this.add({ mode: 'module', type: source ?? '', name: l0, block, file: prev?.file ?? f, recogniser: source === undefined ? undefined : recogniserFor('module', '', source) }, key, override, true);
          break;
        }
        case 'variable': {
          if (l0 === undefined) continue;
          const prev = this.variables.get(l0);
          if (override && prev) this.variables.set(l0, mergeBlocks(prev, b));
          else if (!prev) this.variables.set(l0, b);
          else this.varValues.set(l0, 'unknown'); // declared twice: an error
          break;
        }
        case 'locals':
          for (const a of b.body.attributes) {
            if (!override && this.locals.has(a.name)) this.locals.set(a.name, 'duplicate');
            else this.locals.set(a.name, a);
          }
          break;
      }
    }
  }

  private add(d: Decl, key: string, override: boolean, merged = false): void {
    const prev = this.decls.get(key);
    if (prev) {
      if (!override) {
        // Declared twice: an error Terraform reports; what it means is not known.
        this.decls.set(key, { ...prev, block: { ...prev.block, broken: true } });
        return;
      }
      const block = merged ? d.block : mergeBlocks(prev.block, d.block);
      const next: Decl = { ...prev, block, recogniser: d.recogniser ?? prev.recogniser };
      this.decls.set(key, next);
      this.order[this.order.indexOf(prev)] = next;
      return;
    }
    if (override) return; // an override of nothing: an error
    this.decls.set(key, d);
    this.order.push(d);
  }

  /** A literal string (no interpolation), such as a module's `source`. */
  private literalText(e: Expr | undefined): string | undefined {
    if (!e || e.kind !== 'template' || e.parts.some((p) => p.kind !== 'text')) return undefined;
    return e.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
  }

  /** Values from the `*.tfvars` files Terraform loads itself; variables set in other `*.tfvars` files are unknown. */
  private readVariables(sources: readonly TerraformSource[]): void {
    const vars = sources.filter((s) => terraformFileKind(s.path) === 'vars' || terraformFileKind(s.path) === 'vars-json');
    const ranked = vars.map((s) => ({ s, rank: autoVarsRank(s.path) })).sort((a, b) => (a.rank ?? '') < (b.rank ?? '') ? -1 : (a.rank ?? '') > (b.rank ?? '') ? 1 : 0);
    const constant = new HclEvaluator(NO_SCOPE);
    const elsewhere = new Set<string>();
    for (const { s, rank } of ranked) {
      const values = new Map<string, Value>();
      if (terraformFileKind(s.path) === 'vars-json') {
        const r = parseJson(s.text.replace(/^\uFEFF/, ''), s.path);
        if (r.error || !r.node) {
          const e = r.error!;
          this.problems.push({ message: e.message, code: 'JSON_SYNTAX', span: { file: s.path, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn } });
          continue;
        }
        if (isMap(r.node)) for (const e of r.node.entries) values.set(String(e.key.value), e.value);
      } else {
        const f = parseHcl(s.text, s.path);
        this.problems.push(...f.problems);
        for (const a of f.body.attributes) values.set(a.name, a.broken ? constant.unknown(a.expr) : constant.evaluate(a.expr));
        for (const it of f.object?.items ?? []) {
          const k = constant.evaluate(it.key);
          if (isScalar(k) && !k.unknown && typeof k.value === 'string') values.set(k.value, constant.evaluate(it.value));
        }
      }
      for (const [k, v] of values) {
        if (rank === undefined) elsewhere.add(k);
        else this.varValues.set(k, v);
      }
    }
    for (const k of elsewhere) this.varValues.set(k, 'unknown');
  }

  // ---- scope -----------------------------------------------------------------------------------

  decodeJson(s: PScalar): Value | undefined {
    const r = parseJsonInString(s, s.span.file);
    return r.node && !r.error ? r.node : undefined;
  }

  lookup(root: string, steps: readonly Step[], ev: HclEvaluator, at: Expr): { value: Value; used: number } | undefined {
    const first = steps[0];
    if (!first || first.kind !== 'attr') return undefined;
    switch (root) {
      case 'var':
        return { value: this.variable(first.name, at), used: 1 };
      case 'local':
        return { value: this.local(first.name, at), used: 1 };
      case 'data': {
        const second = steps[1];
        if (!second || second.kind !== 'attr') return undefined;
        const d = this.decls.get(`data.${first.name}.${second.name}`);
        return d ? this.reference(d, steps.slice(2), 2, ev, at) : undefined;
      }
      case 'module': {
        const d = this.decls.get(`module.${first.name}`);
        return d ? this.reference(d, steps.slice(1), 1, ev, at) : undefined;
      }
      case 'path':
      case 'terraform':
      case 'self':
      case 'count':
      case 'each':
        return undefined;
      default: {
        const d = this.decls.get(`resource.${root}.${first.name}`);
        return d ? this.reference(d, steps.slice(1), 1, ev, at) : undefined;
      }
    }
  }

  /** `<decl>[key].attr`, `<decl>.attr` or `<decl>[*].attr` (steps after the declaration's name). */
  private reference(d: Decl, steps: readonly Step[], used: number, ev: HclEvaluator, at: Expr): { value: Value; used: number } | undefined {
    const instances = this.instances(d);
    if (instances === 'unknown') return undefined;
    const s0 = steps[0];
    const repeated = hasRepetition(d.block);
    if (s0?.kind === 'splat') {
      const attr = steps[1];
      if (!attr || attr.kind !== 'attr') return undefined;
      const items = instances.map((i) => this.attributeIfKnown(i, attr.name, ev.span(at)));
      if (items.some((i) => i === undefined)) return undefined;
      return { value: { type: 'seq', items: items as Value[], span: ev.span(at) }, used: used + 2 };
    }
    let inst: Instance | undefined;
    let rest = steps;
    if (repeated) {
      if (s0?.kind !== 'index') return undefined;
      const key = ev.evaluate(s0.key);
      if (!isScalar(key) || key.unknown) return undefined;
      inst = instances.find((i) => i.key !== undefined && String(i.key) === String(key.value));
      rest = steps.slice(1);
      used += 1;
    } else inst = instances[0];
    const attr = rest[0];
    if (!inst || !attr || attr.kind !== 'attr') return undefined;
    const value = this.attributeIfKnown(inst, attr.name, ev.span(at));
    return value ? { value, used: used + 1 } : undefined;
  }

  private variable(name: string, at: Expr): Value {
    const set = this.varValues.get(name);
    if (set === 'unknown') return this.root.unknown(at);
    if (set !== undefined) return set;
    const block = this.variables.get(name);
    const def = block?.body.attributes.find((a) => a.name === 'default');
    if (!block || !def || def.broken) return this.root.unknown(at);
    return new HclEvaluator(NO_SCOPE).evaluate(def.expr);
  }

  private local(name: string, at: Expr): Value {
    const cached = this.localValues.get(name);
    if (cached) return cached;
    const a = this.locals.get(name);
    const key = `local.${name}`;
    if (!a || a === 'duplicate' || a.broken || this.evaluating.has(key)) return this.root.unknown(at);
    this.evaluating.add(key);
    try {
      const v = this.root.evaluate(a.expr);
      this.localValues.set(name, v);
      return v;
    } finally {
      this.evaluating.delete(key);
    }
  }

  /** The instances of a declaration (`count` / `for_each`), or `unknown` when `for_each` is not known. */
  instances(d: Decl): Instance[] | 'unknown' {
    const cached = this.instanceCache.get(d);
    if (cached) return cached;
    let out: Instance[] | 'unknown';
    const count = d.block.body.attributes.find((a) => a.name === 'count');
    const forEach = d.block.body.attributes.find((a) => a.name === 'for_each');
    const base = d.mode === 'data' ? `data.${d.type}.${d.name}` : d.mode === 'module' ? `module.${d.name}` : `${d.type}.${d.name}`;
    const span = d.file.src.lines.span(d.block.from, d.block.from);
    const num = (n: number): PScalar => ({ type: 'scalar', value: n, span });
    if (d.block.broken || (count && forEach)) out = 'unknown';
    else if (count) {
      const c = this.root.evaluate(count.expr);
      const n = isScalar(c) && !c.unknown && typeof c.value === 'number' ? c.value : isScalar(c) && !c.unknown && c.value === null ? 1 : undefined;
      // An unknown count (`var.create ? 1 : 0`): the first instance stands for the resource as written.
      const total = n === undefined ? 1 : Math.max(0, Math.min(MAX_INSTANCES, Math.floor(n)));
      out = Array.from({ length: total }, (_, i) => ({ decl: d, address: `${base}[${i}]`, key: i, ev: this.root.with({ count: map([['index', num(i)]], span) }) }));
    } else if (forEach) {
      const v = this.root.evaluate(forEach.expr);
      const pairs = forEachPairs(v);
      out = pairs === undefined || pairs.length > MAX_INSTANCES
        ? 'unknown'
        : pairs.map(([k, value]) => ({ decl: d, address: `${base}[${JSON.stringify(String(k.value))}]`, key: String(k.value), ev: this.root.with({ each: map([['key', k], ['value', value]], span) }) }));
    } else out = [{ decl: d, address: base, ev: this.root }];
    this.instanceCache.set(d, out);
    return out;
  }

  /**
   * An attribute of an instance: computed by its recogniser (at `at`, where it is referred to),
   * else the argument written in the block; an unknown value at `at` when it is neither.
   */
  attribute(inst: Instance, name: string, at?: Span): Value {
    return this.attributeIfKnown(inst, name, at) ?? unknownScalar(`${inst.address}.${name}`, at ?? this.labelSpan(inst));
  }

  /** `attribute`, or undefined when the instance has no such argument and no such computed attribute. */
  private attributeIfKnown(inst: Instance, name: string, at?: Span): Value | undefined {
    const key = `${inst.address}.${name}`;
    const span = at ?? this.labelSpan(inst);
    if (this.evaluating.has(key)) return unknownScalar(key, span);
    this.evaluating.add(key);
    try {
      const computed = inst.decl.recogniser?.attribute?.(this, inst, name, span);
      if (computed !== undefined) return computed;
    } finally {
      this.evaluating.delete(key);
    }
    const cached = this.attrValues.get(key);
    if (cached) return cached;
    this.evaluating.add(key);
    try {
      let v: Value | undefined;
      if (inst.decl.mode !== 'module') {
        const body = inst.decl.block.body;
        const a = body.attributes.find((x) => x.name === name);
        if (a) v = a.broken ? inst.ev.unknown(a.expr) : inst.ev.evaluate(a.expr);
        else if (body.blocks.some((b) => b.type === name || (b.type === 'dynamic' && b.labels[0]?.value === name))) v = get(this.materialize(body, inst.ev, this.blockSpan(inst)), name);
      }
      if (v) this.attrValues.set(key, v);
      return v;
    } finally {
      this.evaluating.delete(key);
    }
  }

  /**
   * A block body as a positioned map: arguments evaluated, nested blocks (static and `dynamic`)
   * as lists of maps under their type. A `dynamic` block whose `for_each` is not known makes its
   * list unknown.
   */
  materialize(body: Body, ev: HclEvaluator, span: Span, depth = 0): PMap {
    const entries: PEntry[] = [];
    for (const a of body.attributes) {
      entries.push({ key: this.keyAt(a.name, a.src.lines.span(a.nameFrom, a.nameTo)), value: a.broken ? ev.unknown(a.expr) : ev.evaluate(a.expr) });
    }
    if (depth > 20) return { type: 'map', entries, span };
    const lists = new Map<string, { key: PScalar; items: PNode[]; unknown: boolean; span: Span }>();
    for (const b of body.blocks) {
      const dynamic = b.type === 'dynamic';
      const type = dynamic ? b.labels[0]?.value : b.type;
      if (type === undefined || (!dynamic && b.type === 'content')) continue;
      const bspan = b.src.lines.span(b.from, b.to);
      let list = lists.get(type);
      if (!list) lists.set(type, (list = { key: this.keyAt(type, b.src.lines.span(dynamic ? b.labels[0].from : b.typeFrom, dynamic ? b.labels[0].to : b.typeTo)), items: [], unknown: false, span: bspan }));
      if (b.broken) {
        list.items.push(unknownScalar(type, bspan));
        continue;
      }
      if (!dynamic) {
        list.items.push(this.materialize(b.body, ev, bspan, depth + 1));
        continue;
      }
      const content = b.body.blocks.find((x) => x.type === 'content');
      const forEach = b.body.attributes.find((x) => x.name === 'for_each');
      const iterator = b.body.attributes.find((x) => x.name === 'iterator');
      const itName = iterator?.expr.kind === 'traversal' && iterator.expr.steps.length === 0 ? iterator.expr.root : type;
      const pairs = forEach && content && !content.broken ? forEachPairs(ev.evaluate(forEach.expr)) : undefined;
      if (!pairs || pairs.length > MAX_INSTANCES) {
        list.unknown = true;
        continue;
      }
      for (const [k, v] of pairs) {
        const scope = ev.with({ [itName]: map([['key', k], ['value', v]], bspan) });
        list.items.push(this.materialize(content!.body, scope, bspan, depth + 1));
      }
    }
    for (const l of lists.values()) entries.push({ key: l.key, value: { type: 'seq', items: l.items, span: l.span, ...(l.unknown ? { unknown: true } : {}) } });
    return { type: 'map', entries, span };
  }

  private keyAt(name: string, span: Span): PScalar {
    return { type: 'scalar', value: name, span };
  }

  private blockSpan(inst: Instance): Span {
    return inst.decl.file.src.lines.span(inst.decl.block.from, inst.decl.block.to);
  }

  /** The span of the block's labels (`"aws_iam_role" "app"`), where a resource as a whole is pointed at. */
  private labelSpan(inst: Instance): Span {
    const b = inst.decl.block;
    const first = b.labels[0];
    const last = b.labels[b.labels.length - 1];
    return first ? b.src.lines.span(first.from, last.to) : b.src.lines.span(b.typeFrom, b.typeTo);
  }

  // ---- aws_iam_role ---------------------------------------------------------------------------

  private roleName(inst: Instance): PNode | undefined {
    const body = inst.decl.block.body;
    if (body.attributes.some((a) => a.name === 'name')) {
      const n = this.attribute(inst, 'name');
      if (!(isScalar(n) && !n.unknown && n.value === null)) return n;
    }
    const prefix = body.attributes.find((a) => a.name === 'name_prefix');
    // With `name_prefix` (or neither), Terraform generates the name: it is not known.
    return unknownScalar(`${inst.address}.name`, prefix ? inst.ev.span(prefix.expr) : this.labelSpan(inst));
  }

  /** The role's key, as `makeRole` gives it (the role is built on first use). */
  private role(inst: Instance): Role {
    const cached = this.roles.get(inst.address);
    if (cached) return cached;
    const role = makeRole({
      file: inst.decl.file.src.file,
      span: this.blockSpan(inst),
      node: { type: 'map', entries: [], span: this.blockSpan(inst) },
      id: inst.address,
      name: this.roleName(inst),
      source: 'terraform',
    });
    this.roles.set(inst.address, role);
    return role;
  }

  roleArn(inst: Instance, at: Span): Value {
    return { ...unknownScalar(`${inst.address}.arn`, at), target: this.role(inst).key };
  }

  buildRole(inst: Instance): void {
    const base = this.role(inst);
    const span = this.blockSpan(inst);
    const node = this.materialize(inst.decl.block.body, inst.ev, span);
    const policy = this.attribute(inst, 'assume_role_policy');
    if (isMap(policy) || isSeq(policy)) this.usedDocs.add(policy);
    const trust = isMap(policy) && policy.tag === JSON_TAG ? policyFromNode(policy, this.problems, 'assume_role_policy') : isScalar(policy) && (policy.unknown || typeof policy.value === 'string') ? policyFromNode(policy, this.problems, 'assume_role_policy') : undefined;
    const path = inst.decl.block.body.attributes.some((a) => a.name === 'path') ? this.attribute(inst, 'path') : undefined;
    this.resources.push({ ...base, node, ...(isScalar(path) && path.value !== null ? { path: locOf(path) } : {}), ...(trust ? { trust } : {}) });
  }

  // ---- aws_iam_openid_connect_provider -----------------------------------------------------------

  providerArn(inst: Instance, span: Span): Value {
    const url = this.attribute(inst, 'url');
    if (!isScalar(url) || url.unknown || typeof url.value !== 'string') return unknownScalar(`${inst.address}.arn`, span);
    return this.root.string(
      [opaquePiece(`arn:aws:iam::\${${placeholderText(`${inst.address} account`)}}:oidc-provider/`, span, true), opaquePiece(issuerHost(url.value), span)],
      span,
    );
  }

  buildProvider(inst: Instance): void {
    const span = this.blockSpan(inst);
    const node = this.materialize(inst.decl.block.body, inst.ev, span);
    const url = this.attribute(inst, 'url');
    const ids = entry(node, 'client_id_list');
    const provider: OidcProvider = makeProvider({
      file: inst.decl.file.src.file,
      span,
      node,
      id: inst.address,
      url: isScalar(url) && url.value !== null ? url : undefined,
      arn: this.providerArn(inst, this.labelSpan(inst)),
      clientIds: ids && isSeq(ids.value) && !ids.value.unknown ? ids.value.items : [],
      clientIdsSpan: ids?.value.span,
    });
    // Client ids that are not known: the provider's audiences are not known.
    if (ids && (!isSeq(ids.value) || ids.value.unknown)) {
      this.resources.push({ ...provider, clientIds: [{ value: '${client_id_list}', span: ids.value.span, unknown: true }] });
      return;
    }
    this.resources.push(provider);
  }

  // ---- aws_iam_policy_document ------------------------------------------------------------------

  policyDocument(inst: Instance): PMap {
    const cached = this.docs.get(inst.address);
    if (cached) return cached;
    const span = this.blockSpan(inst);
    const args = this.materialize(inst.decl.block.body, inst.ev, span);
    for (const k of [TERRAFORM_NAMES.sourcePolicyDocuments, TERRAFORM_NAMES.overridePolicyDocuments]) {
      const list = get(args, k);
      if (isSeq(list)) for (const d of list.items) this.usedDocs.add(d);
    }
    const doc: PMap = { ...policyDocument(args, TERRAFORM_NAMES, span), tag: JSON_TAG };
    this.docs.set(inst.address, doc);
    return doc;
  }

  buildPolicyDocument(inst: Instance): void {
    this.pendingDocs.push({ inst, doc: this.policyDocument(inst) });
  }

  /** Documents no role holds, that only grant `sts:` actions: trust policies of roles defined elsewhere. */
  finishPolicyDocuments(): void {
    for (const { inst, doc } of this.pendingDocs) {
      if (this.usedDocs.has(doc)) continue;
      const trust = policyFromNode(doc, this.problems, 'json');
      if (!trust || trust.node.unknown || trust.statementEntry?.value.unknown) continue;
      const actions = trust.statements.flatMap((s) => s.actions);
      if (actions.length === 0 || !actions.every((a) => !a.unknown && /^sts:/i.test(a.value))) continue;
      if (!trust.statements.some((s) => s.principal)) continue;
      const file = inst.decl.file.src.file;
      this.resources.push({ kind: 'iam:Role', key: `iam:Role@${file}#${inst.address}`, file, span: this.blockSpan(inst), node: doc, label: `trust policy ${inst.address}`, trust, source: 'terraform' });
    }
  }

  // ---- Kubernetes -----------------------------------------------------------------------------

  buildServiceAccount(inst: Instance): void {
    const span = this.blockSpan(inst);
    const body = this.materialize(inst.decl.block.body, inst.ev, span);
    const metaList = entry(body, 'metadata');
    const meta = metaList && isSeq(metaList.value) && !metaList.value.unknown ? metaList.value.items[0] : undefined;
    if (!metaList || !isMap(meta)) return;
    const label = this.labelSpan(inst);
    const entries: PEntry[] = [];
    /** Copy a metadata argument that is set (not null) into the document. */
    const pick = (from: string, convert: (n: PNode) => PNode = (n) => n): boolean => {
      const e = entry(meta, from);
      if (!e || (isScalar(e.value) && e.value.value === null && !e.value.unknown)) return false;
      entries.push({ key: e.key, value: convert(e.value) });
      return true;
    };
    const name = pick('name');
    if (!name) {
      const gen = entry(meta, 'generate_name');
      if (!gen) return;
      entries.push({ key: { ...gen.key, value: 'name' }, value: unknownScalar(`${inst.address} generated name`, gen.value.span) });
    }
    if (!pick('namespace')) entries.push({ key: this.keyAt('namespace', metaList.key.span), value: this.keyAt('default', metaList.key.span) });
    pick('annotations', stringValues);
    pick('labels', stringValues);
    const doc: PEntry[] = [
      { key: this.keyAt('apiVersion', label), value: this.keyAt('v1', label) },
      { key: this.keyAt('kind', label), value: this.keyAt('ServiceAccount', label) },
      { key: metaList.key, value: { type: 'map', entries, span: meta.span } },
    ];
    const automount = entry(body, 'automount_service_account_token');
    if (automount) doc.push({ key: { ...automount.key, value: 'automountServiceAccountToken' }, value: automount.value });
    this.k8sDocs.push({ type: 'map', entries: doc, span });
  }

  buildManifest(inst: Instance): void {
    const m = this.attribute(inst, 'manifest');
    if (isMap(m) && !m.unknown) this.k8sDocs.push(withStringMetadata(m));
  }

  // ---- aws_eks_pod_identity_association ----------------------------------------------------------

  /** terraform-provider-aws docs/r/eks_pod_identity_association: the association of a ServiceAccount with a role. */
  buildAssociation(inst: Instance): void {
    const body = inst.decl.block.body;
    /** An argument as a located string (a reference to a role keeps its `target`); absent when not written or null. */
    const text = (name: string) => {
      if (!body.attributes.some((a) => a.name === name)) return undefined;
      const v = this.attribute(inst, name);
      return isScalar(v) && v.value !== null ? loc(v) : undefined;
    };
    const disable = body.attributes.some((a) => a.name === 'disable_session_tags') ? this.attribute(inst, 'disable_session_tags') : undefined;
    const span = this.blockSpan(inst);
    const file = inst.decl.file.src.file;
    this.resources.push(
      makeAssociation({
        source: 'terraform',
        file,
        span,
        node: this.materialize(body, inst.ev, span),
        key: `eks:PodIdentityAssociation@${file}#${inst.address}`,
        label: `Pod Identity association ${inst.address}`,
        anchor: this.labelSpan(inst),
        clusterName: text('cluster_name'),
        namespace: text('namespace'),
        serviceAccount: text('service_account'),
        roleArn: text('role_arn'),
        targetRoleArn: text('target_role_arn'),
        disableSessionTags: isScalar(disable) && disable.value !== null ? { value: disable.value === true || disable.value === 'true', span: disable.span, ...(disable.unknown || typeof disable.value !== 'boolean' ? { unknown: true } : {}) } : undefined,
      }),
    );
  }

  // ---- terraform-aws-modules IAM role for service accounts ------------------------------------------

  /** An input of a module instance: its argument, else `undefined` (the module's default applies). */
  private input(inst: Instance, name: string): Value | undefined {
    const a = inst.decl.block.body.attributes.find((x) => x.name === name);
    if (!a) return undefined;
    return a.broken ? inst.ev.unknown(a.expr) : inst.ev.evaluate(a.expr);
  }

  private inputSpan(inst: Instance, name: string): { key: Span; value: Span } | undefined {
    const a = inst.decl.block.body.attributes.find((x) => x.name === name);
    return a ? { key: a.src.lines.span(a.nameFrom, a.nameTo), value: inst.ev.span(a.expr) } : undefined;
  }

  /** Does the module create its role? (`create_role` in v5, `create` in v6; unknown counts as yes.) */
  private irsaCreates(inst: Instance, version: 5 | 6): boolean {
    const v = this.input(inst, version === 5 ? 'create_role' : 'create');
    return !(isScalar(v) && !v.unknown && v.value === false);
  }

  private irsaRoleName(inst: Instance, version: 5 | 6): PNode {
    const span = this.labelSpan(inst);
    if (version === 5) {
      const name = this.input(inst, 'role_name');
      if (name && !(isScalar(name) && !name.unknown && name.value === null)) return name;
      return unknownScalar(`${inst.address} role name`, this.inputSpan(inst, 'role_name_prefix')?.value ?? span);
    }
    const prefixed = this.input(inst, 'use_name_prefix');
    if (isScalar(prefixed) && !prefixed.unknown && prefixed.value === false) return this.input(inst, 'name') ?? { type: 'scalar', value: '', span };
    return unknownScalar(`${inst.address} role name`, this.inputSpan(inst, 'name')?.value ?? span);
  }

  private irsaRole(inst: Instance): Role | undefined {
    const version = irsaModuleVersion(inst.decl.type)!;
    if (!this.irsaCreates(inst, version)) return undefined;
    const cached = this.roles.get(inst.address);
    if (cached) return cached;
    const role = makeRole({
      file: inst.decl.file.src.file,
      span: this.blockSpan(inst),
      node: { type: 'map', entries: [], span: this.blockSpan(inst) },
      id: `${inst.address}.aws_iam_role.this[0]`,
      name: this.irsaRoleName(inst, version),
      source: 'terraform',
    });
    this.roles.set(inst.address, role);
    return role;
  }

  irsaOutput(inst: Instance, name: string, span: Span): Value | undefined {
    const version = irsaModuleVersion(inst.decl.type)!;
    const arn = version === 5 ? 'iam_role_arn' : 'arn';
    const roleName = version === 5 ? 'iam_role_name' : 'name';
    const role = this.irsaRole(inst);
    if (name === arn) return role ? { ...unknownScalar(`${inst.address}.${name}`, span), target: role.key } : undefined;
    if (name === roleName && role) return this.irsaRoleName(inst, version);
    return undefined;
  }

  /**
   * The role the module creates (terraform-aws-modules/terraform-aws-iam
   * modules/iam-role-for-service-accounts-eks/main.tf at v5.60.0 and
   * modules/iam-role-for-service-accounts/main.tf at v6.5.0): one statement per `oidc_providers`
   * entry (in key order) allowing `sts:AssumeRoleWithWebIdentity` to its `provider_arn`, with the
   * condition operator of `assume_role_condition_test` (v5) / `trust_condition_test` (v6), default
   * `StringEquals`, on `<provider>:sub` = `system:serviceaccount:<entry>` for each entry of
   * `namespace_service_accounts`, and on `<provider>:aud` = `sts.amazonaws.com`, where
   * `<provider>` is `replace(provider_arn, "/^(.*provider/)/", "")`. With
   * `allow_self_assume_role` (v5) a first statement lets the role assume itself.
   * Spans point at the inputs: the provider entry, its `provider_arn`, each
   * `namespace_service_accounts` string; what the module fixes points at its `source`.
   */
  buildIrsaModule(inst: Instance): void {
    const version = irsaModuleVersion(inst.decl.type)!;
    const base = this.irsaRole(inst);
    if (!base) return;
    const ev = inst.ev;
    const blockSpan = this.blockSpan(inst);
    const fixed = this.inputSpan(inst, 'source')?.value ?? this.labelSpan(inst);
    const s = (value: string, span: Span): PScalar => ({ type: 'scalar', value, span });
    const testInput = version === 5 ? 'assume_role_condition_test' : 'trust_condition_test';
    const test = this.input(inst, testInput) ?? s('StringEquals', fixed);

    const providers = this.input(inst, 'oidc_providers');
    const providersSpan = this.inputSpan(inst, 'oidc_providers');
    const statements: PNode[] = [];
    let unknown = false;
    const selfAssume = version === 5 ? this.input(inst, 'allow_self_assume_role') : undefined;
    if (selfAssume && (!isScalar(selfAssume) || selfAssume.unknown)) unknown = true;
    else if (isScalar(selfAssume) && selfAssume.value === true) {
      const at = this.inputSpan(inst, 'allow_self_assume_role')!.value;
      statements.push(map([
        ['sid', s('ExplicitSelfRoleAssumption', at)],
        ['effect', s('Allow', at)],
        ['actions', { type: 'seq', items: [s('sts:AssumeRole', at)], span: at }],
        ['principals', { type: 'seq', items: [map([['type', s('AWS', at)], ['identifiers', { type: 'seq', items: [s('*', at)], span: at }]], at)], span: at }],
        ['condition', { type: 'seq', items: [map([['test', s('ArnLike', at)], ['variable', s('aws:PrincipalArn', at)], ['values', { type: 'seq', items: [unknownScalar('role ARN', at)], span: at }]], at)], span: at }],
      ], at));
    }
    const pairs = providers === undefined ? [] : isMap(providers) && !providers.unknown ? forEachPairs(providers) : undefined;
    if (!pairs) unknown = true;
    for (const [, p] of pairs ?? []) {
      if (!isMap(p) || p.unknown) {
        statements.push(unknownScalar('statement', p.span));
        continue;
      }
      const arnEntry = entry(p, 'provider_arn');
      const sasEntry = entry(p, 'namespace_service_accounts');
      if (!arnEntry || !sasEntry) {
        statements.push(unknownScalar('statement', p.span));
        continue;
      }
      const arn = arnEntry.value;
      const host = ev.callFunction('replace', [arn, s('/^(.*provider/)/', fixed), s('', fixed)], arn.span, `${String(isScalar(arn) ? arn.value : 'provider_arn').replace(/\$\{|\}/g, '')} provider`);
      const hostPieces = ev.piecesOf(host, arn.span) ?? [opaquePiece('${provider}', arn.span, true)];
      const keyOf = (claim: string) => ev.string([...hostPieces, opaquePiece(`:${claim}`, fixed)], arn.span);
      const sas = sasEntry.value;
      const subs: PNode =
        isSeq(sas) && !sas.unknown
          ? {
              type: 'seq',
              span: sas.span,
              items: sas.items.map((sa) => ev.string([opaquePiece('system:serviceaccount:', sa.span), ...(ev.piecesOf(sa, sa.span) ?? [opaquePiece('${service account}', sa.span, true)])], sa.span)),
            }
          : unknownScalar('namespace_service_accounts', sas.span);
      statements.push(map([
        ['effect', s('Allow', fixed)],
        ['actions', { type: 'seq', items: [s('sts:AssumeRoleWithWebIdentity', fixed)], span: fixed }],
        ['principals', { type: 'seq', span: arnEntry.key.span, items: [map([['type', s('Federated', arnEntry.key.span)], ['identifiers', { type: 'seq', items: [arn], span: arn.span }]], arnEntry.key.span)] }],
        [
          'condition',
          {
            type: 'seq',
            span: sasEntry.key.span,
            items: [
              map([['test', test], ['variable', keyOf('sub')], ['values', subs]], sas.span),
              map([['test', test], ['variable', keyOf('aud')], ['values', { type: 'seq', items: [s('sts.amazonaws.com', fixed)], span: fixed }]], fixed),
            ],
          },
        ],
      ], p.span, { effect: fixed, actions: fixed, principals: arnEntry.key.span, condition: sasEntry.key.span }));
    }
    const stSpan = providersSpan?.value ?? fixed;
    const args = map([['statement', { type: 'seq', items: statements, span: stSpan, ...(unknown ? { unknown: true } : {}) }]], blockSpan, { statement: providersSpan?.key ?? fixed });
    const doc = policyDocument(args, TERRAFORM_NAMES, blockSpan);
    const trust = policyFromNode(doc, this.problems, 'oidc_providers');
    const node = this.materialize(inst.decl.block.body, inst.ev, blockSpan);
    const path = this.input(inst, version === 5 ? 'role_path' : 'path');
    this.resources.push({ ...base, node, ...(isScalar(path) && path.value !== null ? { path: locOf(path) } : {}), ...(trust ? { trust } : {}) });
  }

  // ---- building -------------------------------------------------------------------------------

  build(): void {
    for (const d of this.order) {
      const r = d.recogniser;
      if (!r?.build || d.block.broken) continue;
      const instances = this.instances(d);
      if (instances === 'unknown') continue;
      for (const inst of instances) r.build(this, inst);
    }
    this.finishPolicyDocuments();
  }
}

/** Terraform converts the values of a `map(string)` (annotations, labels) to strings: `3600` is `"3600"`. */
function stringValues(n: PNode): PNode {
  if (!isMap(n) || n.unknown) return n;
  return {
    ...n,
    entries: n.entries.map((e) =>
      isScalar(e.value) && !e.value.unknown && (typeof e.value.value === 'number' || typeof e.value.value === 'boolean') ? { key: e.key, value: { ...e.value, value: String(e.value.value) } } : e,
    ),
  };
}

/** A manifest with string annotation and label values (the provider converts them to the API's `map[string]string`). */
function withStringMetadata(doc: PMap): PMap {
  const fix = (n: PNode, path: readonly string[]): PNode => {
    if (!isMap(n)) return n;
    if (path.length === 0) return n;
    return {
      ...n,
      entries: n.entries.map((e) => {
        if (e.key.value !== path[0]) return e;
        if (path.length === 1) return { key: e.key, value: stringValues(e.value) };
        return { key: e.key, value: fix(e.value, path.slice(1)) };
      }),
    };
  };
  let out: PNode = doc;
  for (const p of [['metadata', 'annotations'], ['metadata', 'labels'], ['spec', 'template', 'metadata', 'annotations'], ['spec', 'template', 'metadata', 'labels']]) out = fix(out, p);
  return out as PMap;
}

/** A located string of a scalar (for `path`). */
function locOf(n: PScalar) {
  return { value: String(n.value), span: n.span, ...(n.unknown ? { unknown: true } : {}), ...(typeof n.value === 'string' && n.inner ? { inner: n.inner } : {}) };
}

/** A map node from (key, value) pairs; `keys` gives key spans (default: the map's span). */
function map(pairs: readonly [string, PNode][], span: Span, keys: Readonly<Record<string, Span>> = {}): PMap {
  return { type: 'map', span, entries: pairs.map(([k, v]) => ({ key: { type: 'scalar', value: k, span: keys[k] ?? span }, value: v })) };
}

/** Does a block repeat (`count` / `for_each`)? Then references need an index. */
function hasRepetition(b: Block): boolean {
  return b.body.attributes.some((a) => a.name === 'count' || a.name === 'for_each');
}

/** `for_each` pairs: a map's (key, value) in key order, a set of strings' (value, value). */
function forEachPairs(v: Value): [PScalar, PNode][] | undefined {
  if (v.unknown) return undefined;
  if (isMap(v)) {
    if (v.entries.some((e) => e.key.unknown)) return undefined;
    return [...v.entries].sort((a, b) => (String(a.key.value) < String(b.key.value) ? -1 : String(a.key.value) > String(b.key.value) ? 1 : 0)).map((e) => [e.key, e.value]);
  }
  if (isSeq(v)) {
    if (v.items.some((i) => !isScalar(i) || i.unknown || i.value === null)) return undefined;
    const seen = new Map<string, PScalar>();
    for (const i of v.items as PScalar[]) if (!seen.has(String(i.value))) seen.set(String(i.value), i);
    return [...seen.keys()].sort().map((k) => [seen.get(k)!, seen.get(k)!]);
  }
  return undefined;
}

/** Terraform's override files: arguments replace the original's; nested blocks replace all of the same type. */
function mergeBlocks(orig: Block, over: Block): Block {
  const attributes = [...orig.body.attributes.filter((a) => !over.body.attributes.some((o) => o.name === a.name)), ...over.body.attributes];
  const typeOf = (b: Block) => (b.type === 'dynamic' ? `dynamic:${b.labels[0]?.value}` : b.type);
  const replaced = new Set(over.body.blocks.map(typeOf));
  const blocks = [...orig.body.blocks.filter((b) => !replaced.has(typeOf(b))), ...over.body.blocks];
  return { ...orig, body: { attributes, blocks }, broken: orig.broken || over.broken };
}

/** Roles, OIDC providers and Kubernetes documents of one Terraform configuration (one directory). */
export function loadTerraformConfiguration(sources: readonly TerraformSource[]): TerraformResult {
  let cfg: Configuration | undefined;
  try {
    cfg = new Configuration(sources);
    cfg.build();
    return { resources: cfg.resources, k8sDocs: cfg.k8sDocs, problems: cfg.problems };
  } catch (e) {
    // Never throw past the loader: an unexpected shape is reported, what was read is kept.
    const file = sources.find((s) => isConfigFile(s.path))?.path ?? sources[0]?.path ?? '';
    const problems = [...(cfg?.problems ?? [])];
    problems.push({ message: `cannot read this Terraform configuration: ${String((e as Error)?.message ?? e).split('\n')[0]}`, code: 'TF_READ', span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 } });
    return { resources: cfg?.resources ?? [], k8sDocs: cfg?.k8sDocs ?? [], problems };
  }
}
