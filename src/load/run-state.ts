/**
 * What a cached run keeps for the next (`--cache`), beside the extract cache (src/load/cache.ts):
 * for each file its content hash and file-system metadata, its suppression comments, and, for
 * each file that resources were built from, the index keys those resources carry, the keys their
 * checks read, a digest of the resources, their findings and problems. src/incremental.ts reads it
 * to check again only what a change can reach.
 *
 * A run after a one-file change reads and writes this file, so it is laid out for that: the
 * index from each key to the files that read it and to the files that carry it is stored as
 * such, the files are columns of plain values (JSON parses and writes those natively, with no
 * loop per file here), and a file's body is decoded only when the run needs it (the file changed,
 * is checked again, or its flags say it has findings, problems, comments or ignore annotations).
 *
 * Layout (`run-v1.state`: not an extension a walk reads, should the cache lie inside the
 * repository): a header line (JSON: format, tool version, the key of the options that affect
 * findings, the payload's SHA-256), then the payload (JSON: when the run began, the table of keys,
 * readers and carriers by key number, and the file columns). A file that is missing, truncated,
 * corrupt, of another format or version, or made with other options is ignored (the run is a full
 * one) and rewritten. It is written to a temporary file and renamed, so concurrent runs never
 * leave a torn file.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from '../engine/types.js';
import type { CommentDirective } from '../suppress/comments.js';
import { writeReplacing } from './cache.js';
import type { LoadProblem } from './loader.js';
import type { SuppressionSubject } from '../suppress/apply.js';

/** Bumped whenever the layout changes, or what a key means (`indexKeys`). */
export const STATE_FORMAT = 1;
const MAGIC = 'IRSALINTSTATE';
export const STATE_FILE = `run-v${STATE_FORMAT}.state`;

/** The metadata a file is recognised by without reading it (as `git status` does). */
export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

export interface FileHead extends FileStat {
  readonly hash: string;
}

/** What was built from a file, and what its checks did. */
export interface UnitRecord {
  /** The index keys of its resources (`indexKeys`, without repeats); the resources' own keys are those of `RESOURCE_KEY`. */
  readonly keys: readonly string[];
  /** The keys that the checks of its resources read. */
  readonly reads: readonly string[];
  /** What those checks reported (before suppressions). */
  readonly findings: readonly Finding[];
  /** Parse and load problems of the file. */
  readonly problems: readonly LoadProblem[];
  /** A digest of the resources themselves: a change that leaves it equal (a comment, say) changes no finding. */
  readonly digest: string;
  /** Its resources that have an ignore annotation, with its value (for suppressions). */
  readonly ignores?: readonly SuppressionSubject[];
}

export interface FileBody {
  readonly comments: readonly CommentDirective[];
  /** What was built from the file (absent: nothing). */
  readonly unit?: UnitRecord;
}

interface StoredBody {
  readonly c?: readonly CommentDirective[];
  readonly u?: { readonly k: readonly number[]; readonly r: readonly number[]; readonly f?: readonly Finding[]; readonly p?: readonly LoadProblem[]; readonly d: string; readonly i?: UnitRecord['ignores'] };
}

/** The files, one column per field, in path order (JSON parses and writes columns of plain values natively, without a loop per file here). */
interface Columns {
  readonly id: number[];
  readonly path: string[];
  readonly hash: string[];
  readonly size: number[];
  readonly mtimeMs: number[];
  readonly ctimeMs: number[];
  readonly ino: number[];
  /** `f` findings, `p` problems, `c` comments, `i` ignore annotations; `-` none. */
  readonly flags: string[];
  readonly body: StoredBody[];
}

interface Stored {
  readonly startedAt: number;
  readonly nextId: number;
  /** The size of the key table when it was last written from scratch (it is compacted when it doubles). */
  readonly base: number;
  readonly strings: string[];
  /** By key number: the ids of the files that read it, and of those that carry it. */
  readonly readers: FlatLists;
  readonly carriers: FlatLists;
  readonly files: Columns;
}

/** A file recorded by this run (replacing its row). */
interface Entry extends FileHead {
  readonly id: number;
  readonly flags: string;
  readonly body: FileBody;
}

/** Lists of file ids by key number, flat: those of key `i` are `ids[at[i]]` to `ids[at[i + 1] - 1]`. */
interface FlatLists {
  readonly ids: number[];
  readonly at: number[];
}

/** `FlatLists` as read, with the lists this run changed kept aside (one array per key would be tens of thousands of objects to parse). */
class KeyLists {
  private readonly changed = new Map<number, number[]>();
  private readonly ids: number[];
  private readonly at: number[];

  constructor(stored?: FlatLists) {
    this.ids = stored?.ids ?? [];
    this.at = stored?.at ?? [0];
  }

  static valid(f: FlatLists | undefined, keys: number): boolean {
    return !!f && Array.isArray(f.ids) && Array.isArray(f.at) && f.at.length === keys + 1 && f.at[keys] === f.ids.length;
  }

  get(i: number): number[] {
    const c = this.changed.get(i);
    if (c) return c;
    return i + 1 < this.at.length ? this.ids.slice(this.at[i], this.at[i + 1]) : [];
  }

  count(i: number): number {
    const c = this.changed.get(i);
    if (c) return c.length;
    return i + 1 < this.at.length ? this.at[i + 1] - this.at[i] : 0;
  }

  add(i: number, id: number): void {
    this.list(i).push(id);
  }

  remove(i: number, id: number): void {
    const l = this.list(i);
    const k = l.indexOf(id);
    if (k >= 0) l.splice(k, 1);
  }

  private list(i: number): number[] {
    let c = this.changed.get(i);
    if (!c) this.changed.set(i, (c = this.get(i)));
    return c;
  }

  /** The lists of keys 0 to `keys - 1`, flat. */
  flat(keys: number): FlatLists {
    if (this.changed.size === 0 && this.at.length === keys + 1) return { ids: this.ids, at: this.at };
    const ids: number[] = [];
    const at: number[] = [0];
    for (let i = 0; i < keys; i++) {
      const c = this.changed.get(i);
      if (c) for (const id of c) ids.push(id);
      else if (i + 1 < this.at.length) for (let j = this.at[i]; j < this.at[i + 1]; j++) ids.push(this.ids[j]);
      at.push(ids.length);
    }
    return { ids, at };
  }
}

export function statOf(st: fs.Stats): FileStat {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

export class RunState {
  /** The rows read, by path. */
  private readonly rows = new Map<string, number>();
  /** Files recorded or removed by this run (undefined: removed). */
  private readonly changes = new Map<string, Entry | undefined>();
  /** Bodies of rows, parsed on first use. */
  private readonly parsed = new Map<number, FileBody>();
  private readonly pathOfId = new Map<number, string>();
  private ids?: Map<string, number>;

  private constructor(
    /** When the run that wrote it began (ms since the epoch): a file changed later than that is read again. */
    readonly startedAt: number,
    private nextId: number,
    private base: number,
    private readonly strings: string[],
    private readonly readers: KeyLists,
    private readonly carriers: KeyLists,
    private readonly columns: Columns,
  ) {
    const { path: paths, id } = columns;
    for (let i = 0; i < paths.length; i++) {
      this.rows.set(paths[i], i);
      this.pathOfId.set(id[i], paths[i]);
    }
  }

  static empty(): RunState {
    return new RunState(0, 0, 0, [], new KeyLists(), new KeyLists(), { id: [], path: [], hash: [], size: [], mtimeMs: [], ctimeMs: [], ino: [], flags: [], body: [] });
  }

  /** The state in `dir` for this version and options key; undefined when there is none usable. */
  static read(dir: string, version: string, key: string): RunState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, STATE_FILE), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const nl = text.indexOf('\n');
      if (nl < 0) return undefined;
      const head = JSON.parse(text.slice(0, nl)) as { magic?: unknown; format?: unknown; version?: unknown; key?: unknown; sha256?: unknown };
      if (head.magic !== MAGIC || head.format !== STATE_FORMAT || head.version !== version || head.key !== key) return undefined;
      const payload = text.slice(nl + 1);
      if (createHash('sha256').update(payload).digest('hex') !== head.sha256) return undefined;
      const m = JSON.parse(payload) as Stored;
      const c = m.files;
      if (typeof m.startedAt !== 'number' || !Array.isArray(m.strings) || !KeyLists.valid(m.readers, m.strings.length) || !KeyLists.valid(m.carriers, m.strings.length) || !c || !Array.isArray(c.path)) return undefined;
      const n = c.path.length;
      if (![c.id, c.hash, c.size, c.mtimeMs, c.ctimeMs, c.ino, c.flags, c.body].every((col) => Array.isArray(col) && col.length === n)) return undefined;
      return new RunState(m.startedAt, m.nextId, m.base, m.strings, new KeyLists(m.readers), new KeyLists(m.carriers), c);
    } catch {
      return undefined;
    }
  }

  /** Every recorded path. */
  get paths(): string[] {
    const out = [...this.rows.keys()].filter((p) => !this.changes.has(p));
    for (const [p, e] of this.changes) if (e) out.push(p);
    return out;
  }

  head(p: string): FileHead | undefined {
    if (this.changes.has(p)) return this.changes.get(p);
    const i = this.rows.get(p);
    if (i === undefined) return undefined;
    const c = this.columns;
    return { hash: c.hash[i], size: c.size[i], mtimeMs: c.mtimeMs[i], ctimeMs: c.ctimeMs[i], ino: c.ino[i] };
  }

  /**
   * Can the record stand for the file without reading it? Its metadata must be unchanged, and it
   * must have been last modified well before the recorded run began: a file written in the same
   * instant as it was read (within the file system's timestamp granularity) is read again.
   */
  unchanged(p: string, st: FileStat): boolean {
    if (this.changes.has(p)) return false;
    const i = this.rows.get(p);
    if (i === undefined) return false;
    const c = this.columns;
    return c.size[i] === st.size && c.mtimeMs[i] === st.mtimeMs && c.ctimeMs[i] === st.ctimeMs && c.ino[i] === st.ino && st.mtimeMs < this.startedAt - 2000;
  }

  /** Does the body hold findings, problems, comments or ignore annotations? */
  flagged(p: string): boolean {
    if (this.changes.has(p)) return this.changes.get(p)?.flags !== '-';
    const i = this.rows.get(p);
    return i !== undefined && this.columns.flags[i] !== '-';
  }

  /** The body of a file (parsed on first use). */
  body(p: string): FileBody {
    if (this.changes.has(p)) return this.changes.get(p)?.body ?? { comments: [] };
    const i = this.rows.get(p);
    if (i === undefined) return { comments: [] };
    let b = this.parsed.get(i);
    if (!b) this.parsed.set(i, (b = this.decode(this.columns.body[i])));
    return b;
  }

  private decode(b: StoredBody): FileBody {
    const s = this.strings;
    const u = b.u;
    return { comments: b.c ?? [], ...(u ? { unit: { keys: u.k.map((i) => s[i]), reads: u.r.map((i) => s[i]), findings: u.f ?? [], problems: u.p ?? [], digest: u.d, ...(u.i ? { ignores: u.i } : {}) } } : {}) };
  }

  private encode(b: FileBody): StoredBody {
    const u = b.unit;
    const id = (k: string) => this.idOf(k, true);
    return {
      ...(b.comments.length ? { c: b.comments } : {}),
      ...(u ? { u: { k: u.keys.map(id), r: u.reads.map(id), ...(u.findings.length ? { f: u.findings } : {}), ...(u.problems.length ? { p: u.problems } : {}), d: u.digest, ...(u.ignores ? { i: u.ignores } : {}) } } : {}),
    };
  }

  /** Files whose checks read `key`. */
  readersOf(key: string): string[] {
    return this.filesOf(this.readers, key);
  }

  /** Files whose resources carry `key`. */
  carriersOf(key: string): string[] {
    return this.filesOf(this.carriers, key);
  }

  /** The keys of every resource (the keys with this prefix that resources carry for themselves), once per file carrying each. */
  resourceKeys(prefix: string): string[] {
    const out: string[] = [];
    const { strings, carriers } = this;
    for (let i = 0; i < strings.length; i++) {
      const n = carriers.count(i);
      if (n > 0 && strings[i].startsWith(prefix)) for (let j = 0; j < n; j++) out.push(strings[i].slice(prefix.length));
    }
    return out;
  }

  private filesOf(table: KeyLists, key: string): string[] {
    const i = this.idOf(key, false);
    if (i === undefined) return [];
    return table.get(i).map((id) => this.pathOfId.get(id)!);
  }

  private idOf(key: string, add: true): number;
  private idOf(key: string, add: false): number | undefined;
  private idOf(key: string, add: boolean): number | undefined {
    if (!this.ids) {
      this.ids = new Map();
      this.strings.forEach((k, i) => this.ids!.set(k, i));
    }
    let i = this.ids.get(key);
    if (i === undefined && add) {
      this.ids.set(key, (i = this.strings.length));
      this.strings.push(key);
    }
    return i;
  }

  private idOfPath(p: string): number | undefined {
    if (this.changes.has(p)) return this.changes.get(p)?.id;
    const i = this.rows.get(p);
    return i === undefined ? undefined : this.columns.id[i];
  }

  /** Record a file (replacing what was recorded of it). */
  set(p: string, head: FileHead, body: FileBody): void {
    const before = this.idOfPath(p);
    if (before !== undefined) this.unlink(before, p);
    const id = before ?? this.nextId++;
    const u = body.unit;
    const flags = `${u?.findings.length ? 'f' : ''}${u?.problems.length ? 'p' : ''}${body.comments.length ? 'c' : ''}${u?.ignores?.length ? 'i' : ''}` || '-';
    this.changes.set(p, { id, hash: head.hash, size: head.size, mtimeMs: head.mtimeMs, ctimeMs: head.ctimeMs, ino: head.ino, flags, body });
    this.pathOfId.set(id, p);
    if (u) {
      for (const k of u.keys) this.carriers.add(this.idOf(k, true), id);
      for (const k of u.reads) this.readers.add(this.idOf(k, true), id);
    }
  }

  /** The same content under new metadata. */
  touch(p: string, head: FileHead): void {
    const e = this.changes.get(p);
    if (e) this.changes.set(p, { ...e, ...head });
    const i = this.rows.get(p);
    if (e || i === undefined) return;
    const c = this.columns;
    c.hash[i] = head.hash;
    c.size[i] = head.size;
    c.mtimeMs[i] = head.mtimeMs;
    c.ctimeMs[i] = head.ctimeMs;
    c.ino[i] = head.ino;
  }

  delete(p: string): void {
    const id = this.idOfPath(p);
    if (id === undefined) return;
    this.unlink(id, p);
    this.changes.set(p, undefined);
    this.pathOfId.delete(id);
  }

  private unlink(id: number, p: string): void {
    const u = this.body(p).unit;
    if (!u) return;
    const drop = (table: KeyLists, k: string) => {
      const i = this.idOf(k, false);
      if (i !== undefined) table.remove(i, id);
    };
    for (const k of u.keys) drop(this.carriers, k);
    for (const k of u.reads) drop(this.readers, k);
  }

  /** Write the state (to a temporary file, then renamed). Failing to write is not an error: the next run is a full one. */
  write(dir: string, version: string, key: string, startedAt: number): boolean {
    if (this.base === 0) this.base = this.strings.length;
    // The key table only grows between compactions: when it has doubled, everything is written afresh.
    if (this.strings.length > 2 * this.base + 1000) {
      const s = RunState.empty();
      for (const p of this.paths.sort()) s.set(p, this.head(p)!, this.body(p));
      return s.write(dir, version, key, startedAt);
    }
    const c = this.columns;
    let files: Columns;
    if ([...this.changes].every(([p, e]) => e !== undefined && this.rows.has(p))) {
      // No file added or removed: the columns as read, with the changed rows replaced.
      for (const [p, e] of this.changes) this.put(c, this.rows.get(p)!, e!);
      files = c;
    } else {
      files = { id: [], path: [], hash: [], size: [], mtimeMs: [], ctimeMs: [], ino: [], flags: [], body: [] };
      for (const p of this.paths.sort()) {
        const e = this.changes.get(p);
        const i = this.rows.get(p)!;
        const at = files.path.length;
        if (e) this.put(files, at, e);
        else {
          files.id[at] = c.id[i];
          files.hash[at] = c.hash[i];
          files.size[at] = c.size[i];
          files.mtimeMs[at] = c.mtimeMs[i];
          files.ctimeMs[at] = c.ctimeMs[i];
          files.ino[at] = c.ino[i];
          files.flags[at] = c.flags[i];
          files.body[at] = c.body[i];
        }
        files.path[at] = p;
      }
    }
    const stored: Stored = { startedAt, nextId: this.nextId, base: this.base, strings: this.strings, readers: this.readers.flat(this.strings.length), carriers: this.carriers.flat(this.strings.length), files };
    const payload = JSON.stringify(stored);
    const head = JSON.stringify({ magic: MAGIC, format: STATE_FORMAT, version, key, sha256: createHash('sha256').update(payload).digest('hex') });
    return writeReplacing(path.join(dir, STATE_FILE), `${head}\n${payload}`);
  }

  private put(c: Columns, at: number, e: Entry): void {
    c.id[at] = e.id;
    c.hash[at] = e.hash;
    c.size[at] = e.size;
    c.mtimeMs[at] = e.mtimeMs;
    c.ctimeMs[at] = e.ctimeMs;
    c.ino[at] = e.ino;
    c.flags[at] = e.flags;
    c.body[at] = this.encode(e.body);
  }
}
