/**
 * What a cached run keeps for the next (`--cache`), beside the extract cache (src/load/cache.ts):
 * for each file its content hash and file-system metadata, its suppression comments, and, for
 * each file that resources were built from, the index keys those resources carry, the keys their
 * checks read, a digest of the resources, their findings and problems. src/incremental.ts reads it
 * to check again only what a change can reach.
 *
 * A run after a one-file change reads and writes this file, so its cost is kept proportional to
 * the change: the index from each key to the files that read it and to the files that carry it is
 * stored as such, and each file is one line whose metadata comes first and whose body (JSON) is
 * parsed only when the run needs it (the file changed, is checked again, or has findings, problems,
 * comments or ignore annotations, which its flags say), and written back as it was read otherwise.
 *
 * Layout (`run-v1.state`: not an extension a walk reads, should the cache lie inside the
 * repository): a header line (JSON: format, tool version, the key of the options that affect
 * findings, the payload's SHA-256), then the payload: a line of JSON (when the run began, the
 * table of keys, readers and carriers by key number) and one line per file
 * (`id path hash size mtimeMs ctimeMs ino flags body`, tab-separated, the path as a JSON string).
 * A file that is missing, truncated, corrupt, of another format or version, or made with other
 * options is ignored (the run is a full one) and rewritten. It is written to a temporary file and
 * renamed, so concurrent runs never leave a torn file.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from '../engine/types.js';
import type { CommentDirective } from '../suppress/comments.js';
import type { LoadProblem } from './loader.js';
import type { Located } from '../model/span.js';

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
  /** The ignore annotations of its resources, by resource key (for suppressions). */
  readonly ignores?: readonly { readonly key: string; readonly value: Located<string> }[];
}

export interface FileBody {
  readonly comments: readonly CommentDirective[];
  /** What was built from the file (absent: nothing). */
  readonly unit?: UnitRecord;
}

/** What the flags of a file's line say its body holds. */
export interface FileFlags {
  readonly findings: boolean;
  readonly problems: boolean;
  readonly comments: boolean;
  readonly ignores: boolean;
}

interface StoredBody {
  readonly c?: readonly CommentDirective[];
  readonly u?: { readonly k: readonly number[]; readonly r: readonly number[]; readonly f?: readonly Finding[]; readonly p?: readonly LoadProblem[]; readonly d: string; readonly i?: UnitRecord['ignores'] };
}

interface Entry extends FileHead {
  readonly id: number;
  readonly flags: string;
  /** The body as stored (JSON, keys by number), or undefined once replaced by `body`. */
  raw?: string;
  body?: FileBody;
}

interface Meta {
  readonly startedAt: number;
  readonly nextId: number;
  /** The size of the key table when it was last written from scratch (it is then compacted when it doubles). */
  readonly base: number;
  readonly strings: string[];
  readonly readers: number[][];
  readonly carriers: number[][];
}

export function statOf(st: fs.Stats): FileStat {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

/**
 * Can the recorded head stand for the file without reading it? Its metadata must be unchanged,
 * and it must have been last modified well before the recorded run began: a file written in the
 * same instant as it was read (within the file system's timestamp granularity) is read again.
 */
export function unchangedByStat(rec: FileHead, st: FileStat, startedAt: number): boolean {
  return rec.size === st.size && rec.mtimeMs === st.mtimeMs && rec.ctimeMs === st.ctimeMs && rec.ino === st.ino && st.mtimeMs < startedAt - 2000;
}

const NO_FLAGS: FileFlags = { findings: false, problems: false, comments: false, ignores: false };

export class RunState {
  private readonly entries = new Map<string, Entry>();
  private readonly byId = new Map<number, string>();
  private ids?: Map<string, number>;

  private constructor(
    /** When the run that wrote it began (ms since the epoch): a file changed later than that is read again. */
    readonly startedAt: number,
    private nextId: number,
    private base: number,
    private strings: string[],
    private readers: number[][],
    private carriers: number[][],
  ) {}

  static empty(): RunState {
    return new RunState(0, 0, 0, [], [], []);
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
      const lines = payload.split('\n');
      const m = JSON.parse(lines[0]) as Meta;
      if (typeof m.startedAt !== 'number' || !Array.isArray(m.strings) || !Array.isArray(m.readers) || !Array.isArray(m.carriers)) return undefined;
      const s = new RunState(m.startedAt, m.nextId, m.base, m.strings, m.readers, m.carriers);
      for (let i = 1; i < lines.length; i++) {
        const l = lines[i];
        if (l === '') continue;
        const f = l.split('\t', 8);
        if (f.length < 8) return undefined;
        let offset = 0;
        for (let t = 0; t < 8; t++) offset = l.indexOf('\t', offset) + 1;
        const p = f[1].includes('\\') ? (JSON.parse(f[1]) as string) : f[1].slice(1, -1);
        const id = Number(f[0]);
        s.entries.set(p, { id, hash: f[2], size: Number(f[3]), mtimeMs: Number(f[4]), ctimeMs: Number(f[5]), ino: Number(f[6]), flags: f[7], raw: l.slice(offset) });
        s.byId.set(id, p);
      }
      return s;
    } catch {
      return undefined;
    }
  }

  get paths(): IterableIterator<string> {
    return this.entries.keys();
  }

  head(p: string): FileHead | undefined {
    return this.entries.get(p);
  }

  flags(p: string): FileFlags {
    const f = this.entries.get(p)?.flags;
    if (!f || f === '-') return NO_FLAGS;
    return { findings: f.includes('f'), problems: f.includes('p'), comments: f.includes('c'), ignores: f.includes('i') };
  }

  /** The body of a file (parsed on first use). */
  body(p: string): FileBody {
    const e = this.entries.get(p);
    if (!e) return { comments: [] };
    if (e.body) return e.body;
    const b = JSON.parse(e.raw ?? '{}') as StoredBody;
    const s = this.strings;
    const u = b.u;
    e.body = { comments: b.c ?? [], ...(u ? { unit: { keys: u.k.map((i) => s[i]), reads: u.r.map((i) => s[i]), findings: u.f ?? [], problems: u.p ?? [], digest: u.d, ...(u.i ? { ignores: u.i } : {}) } } : {}) };
    return e.body;
  }

  /** Files whose checks read `key`. */
  readersOf(key: string): string[] {
    return this.filesOf(this.readers, key);
  }

  /** Files whose resources carry `key`. */
  carriersOf(key: string): string[] {
    return this.filesOf(this.carriers, key);
  }

  /** The keys of every resource (from the keys resources carry for themselves). */
  resourceKeys(prefix: string): string[] {
    const out: string[] = [];
    this.strings.forEach((k, i) => {
      if (k.startsWith(prefix) && (this.carriers[i]?.length ?? 0) > 0) for (let n = this.carriers[i].length; n > 0; n--) out.push(k.slice(prefix.length));
    });
    return out;
  }

  private filesOf(table: number[][], key: string): string[] {
    const i = this.idOf(key, false);
    if (i === undefined) return [];
    return (table[i] ?? []).map((id) => this.byId.get(id)!);
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

  /** Record a file (replacing what was recorded of it). */
  set(p: string, head: FileHead, body: FileBody): void {
    const before = this.entries.get(p);
    const id = before?.id ?? this.nextId++;
    if (before) this.unlink(before, p);
    const u = body.unit;
    const flags = `${u?.findings.length ? 'f' : ''}${u?.problems.length ? 'p' : ''}${body.comments.length ? 'c' : ''}${u?.ignores?.length ? 'i' : ''}` || '-';
    this.entries.set(p, { id, hash: head.hash, size: head.size, mtimeMs: head.mtimeMs, ctimeMs: head.ctimeMs, ino: head.ino, flags, body });
    this.byId.set(id, p);
    if (u) {
      for (const k of u.keys) (this.carriers[this.idOf(k, true)] ??= []).push(id);
      for (const k of u.reads) (this.readers[this.idOf(k, true)] ??= []).push(id);
    }
  }

  /** The same content under new metadata. */
  touch(p: string, head: FileHead): void {
    const e = this.entries.get(p);
    if (e) this.entries.set(p, { ...e, hash: head.hash, size: head.size, mtimeMs: head.mtimeMs, ctimeMs: head.ctimeMs, ino: head.ino });
  }

  delete(p: string): void {
    const e = this.entries.get(p);
    if (!e) return;
    this.unlink(e, p);
    this.entries.delete(p);
    this.byId.delete(e.id);
  }

  private unlink(e: Entry, p: string): void {
    const u = this.body(p).unit;
    if (!u) return;
    const drop = (table: number[][], k: string) => {
      const i = this.idOf(k, false);
      const l = i === undefined ? undefined : table[i];
      const at = l ? l.indexOf(e.id) : -1;
      if (at >= 0) l!.splice(at, 1);
    };
    for (const k of u.keys) drop(this.carriers, k);
    for (const k of u.reads) drop(this.readers, k);
  }

  /** Write the state (to a temporary file, then renamed). Failing to write is not an error: the next run is a full one. */
  write(dir: string, version: string, key: string, startedAt: number): boolean {
    // The key table only grows between compactions: when it has doubled, everything is written afresh.
    if (this.base === 0) this.base = this.strings.length;
    if (this.strings.length > 2 * this.base + 1000) return this.compacted().writeAs(dir, version, key, startedAt);
    return this.writeAs(dir, version, key, startedAt);
  }

  private compacted(): RunState {
    const s = RunState.empty();
    for (const p of [...this.entries.keys()].sort()) s.set(p, this.entries.get(p)!, this.body(p));
    s.base = s.strings.length;
    return s;
  }

  private writeAs(dir: string, version: string, key: string, startedAt: number): boolean {
    const meta: Meta = { startedAt, nextId: this.nextId, base: this.base, strings: this.strings, readers: Array.from(this.readers, (l) => l ?? []), carriers: Array.from(this.carriers, (l) => l ?? []) };
    const lines = [JSON.stringify(meta)];
    const ids = this.ids;
    for (const p of [...this.entries.keys()].sort()) {
      const e = this.entries.get(p)!;
      let raw = e.raw;
      if (raw === undefined) {
        const b = e.body ?? { comments: [] };
        const u = b.unit;
        const id = (k: string) => (ids ?? this.ids!).get(k)!;
        const stored: StoredBody = {
          ...(b.comments.length ? { c: b.comments } : {}),
          ...(u ? { u: { k: u.keys.map(id), r: u.reads.map(id), ...(u.findings.length ? { f: u.findings } : {}), ...(u.problems.length ? { p: u.problems } : {}), d: u.digest, ...(u.ignores ? { i: u.ignores } : {}) } } : {}),
        };
        raw = JSON.stringify(stored);
      }
      lines.push(`${e.id}\t${JSON.stringify(p)}\t${e.hash}\t${e.size}\t${e.mtimeMs}\t${e.ctimeMs}\t${e.ino}\t${e.flags}\t${raw}`);
    }
    const payload = lines.join('\n');
    const head = JSON.stringify({ magic: MAGIC, format: STATE_FORMAT, version, key, sha256: createHash('sha256').update(payload).digest('hex') });
    const target = path.join(dir, STATE_FILE);
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(tmp, `${head}\n${payload}`);
      fs.renameSync(tmp, target);
      return true;
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        /* nothing to clean */
      }
      return false;
    }
  }
}
