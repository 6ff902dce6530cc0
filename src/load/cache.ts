/**
 * The persistent cache (`--cache`): what the loaders extracted from each file (positioned
 * documents, problems, the results of the TypeScript and Terraform readers), keyed by the file's
 * content hash, so that a run after a small change parses only the files that changed — the
 * pre-commit hook's case, where the whole repository is read for cross-references on every commit.
 *
 * One file holds the whole cache: a header (magic, format version, tool version, the key of the
 * options that affect loading, the payload's length and SHA-256), then the entries: for each file its
 * content hash and its data serialized on its own, as JSON when it is plain JSON data (positioned
 * documents), else with V8's structured serializer (`node:v8`: `Map`s, undefined, non-finite
 * numbers); the outer list is written with `node:v8`. An entry is deserialized only when its file is read with
 * the same hash, and written back as the bytes it was read as: a run after a one-file change
 * serializes one entry, not the whole cache. A file that is
 * missing, truncated, corrupt (checksum), of another format or tool version, or made with other
 * loading options is ignored and rewritten, never trusted. It is written to a temporary file and
 * renamed, so concurrent runs (pre-commit splitting a large commit) never leave a torn file: the
 * last writer wins.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

let v8module: typeof import('node:v8') | undefined;
/** `node:v8`, loaded on first use: a run without a cache (most short ones) never needs it. */
export function v8(): typeof import('node:v8') {
  return (v8module ??= createRequire(import.meta.url)('node:v8') as typeof import('node:v8'));
}

/** Bumped whenever what the loaders extract changes shape. */
export const CACHE_FORMAT = 5;
const MAGIC = Buffer.from('IRSALINTCACHE\n', 'latin1');
const FILE_NAME = `cache-v${CACHE_FORMAT}.bin`;

export interface CacheEntry {
  /** SHA-256 of the file's text (hex). */
  readonly hash: string;
  /** What the loader extracted (any value the structured serializer can write), serialized. */
  readonly bytes: Uint8Array;
}

/** The content hash entries are keyed by. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Where the cache lives by default: `node_modules/.cache/irsa-lint/` of the working directory when
 * it has a `node_modules` (as Babel, ESLint's plugins and Prettier put theirs), otherwise the user's
 * cache directory (`$XDG_CACHE_HOME` or `~/.cache`) under a name derived from the working directory,
 * so that a repository without Node.js gets no new directory.
 */
export function defaultCacheDir(cwd: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (fs.existsSync(path.join(cwd, 'node_modules'))) return path.join(cwd, 'node_modules', '.cache', 'irsa-lint');
  let real = cwd;
  try {
    real = fs.realpathSync(cwd);
  } catch {
    /* keep cwd */
  }
  const base = env.XDG_CACHE_HOME || process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'irsa-lint', createHash('sha256').update(real).digest('hex').slice(0, 16));
}

/** Why a cache file was not used (for `--debug` and tests). */
export type CacheRejection = 'missing' | 'unreadable' | 'foreign' | 'format' | 'version' | 'options' | 'truncated' | 'corrupt';

export class FileCache {
  private readonly entries: Map<string, CacheEntry>;
  private readonly used = new Set<string>();
  private changed = false;
  /** Set when an existing cache file was not used. */
  readonly rejected?: CacheRejection;

  private constructor(
    readonly dir: string,
    private readonly version: string,
    private readonly optionsKey: string,
    entries: Map<string, CacheEntry>,
    rejected?: CacheRejection,
  ) {
    this.entries = entries;
    if (rejected) this.rejected = rejected;
  }

  /** The cache in `dir` for this tool version and loading options (empty when none is usable). */
  static open(dir: string, version: string, optionsKey: string): FileCache {
    const file = path.join(dir, FILE_NAME);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      return new FileCache(dir, version, optionsKey, new Map(), (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable');
    }
    const r = decode(buf, version, optionsKey);
    return typeof r === 'string' ? new FileCache(dir, version, optionsKey, new Map(), r) : new FileCache(dir, version, optionsKey, r);
  }

  /** The entry of `file` when its content still has this hash. */
  get(file: string, hash: string): unknown {
    const e = this.entries.get(file);
    if (!e || e.hash !== hash) return undefined;
    let data: unknown;
    try {
      data = decodeData(e.bytes);
    } catch {
      return undefined; // the checksum held, the bytes did not: parse again (and overwrite)
    }
    this.used.add(file);
    return data;
  }

  set(file: string, hash: string, data: unknown): void {
    this.entries.set(file, { hash, bytes: encodeData(data) });
    this.used.add(file);
    this.changed = true;
  }

  /**
   * Write the cache when it changed: the entries of this run, and earlier entries of files that
   * still exist (`exists`, relative to the working directory), so that linting part of a repository
   * keeps the rest of its cache. Failing to write is not an error: the next run parses again.
   */
  save(exists: (file: string) => boolean): boolean {
    const stale = [...this.entries.keys()].filter((f) => !this.used.has(f) && !exists(f));
    if (!this.changed && stale.length === 0 && !this.rejected) return false;
    for (const f of stale) this.entries.delete(f);
    const payload = v8().serialize([...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const header = encodeHeader(this.version, this.optionsKey, payload);
    return writeReplacing(path.join(this.dir, FILE_NAME), Buffer.concat([header, payload]));
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Write `file` whole: to a temporary file beside it, then renamed over it, so that a reader (or a
 * concurrent writer) never sees a torn file; the last writer wins. False when it cannot be written.
 */
export function writeReplacing(file: string, data: string | Uint8Array): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
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

const JSON_TAG = 0x4a; // 'J'
const V8_TAG = 0x56; // 'V'

/**
 * An entry's data as bytes: JSON when it is plain JSON data (positioned documents are: V8's
 * JSON.parse reads them back about twice as fast as its structured deserializer), else the
 * structured serializer (Maps, undefined, non-finite numbers). One tag byte says which.
 */
function encodeData(data: unknown): Uint8Array {
  let json: string | undefined;
  try {
    json = JSON.stringify(data, function (this: Record<string, unknown>, k: string, v: unknown) {
      // The value before toJSON (a Buffer or Date would come back as something else).
      const raw = k === '' ? data : this[k];
      if (typeof raw === 'number' ? !Number.isFinite(raw) || Object.is(raw, -0) : typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.getPrototypeOf(raw) !== Object.prototype) throw NOT_JSON;
      if (raw === undefined) throw NOT_JSON;
      return v;
    });
  } catch {
    json = undefined;
  }
  if (json !== undefined) {
    const out = Buffer.allocUnsafe(1 + Buffer.byteLength(json));
    out[0] = JSON_TAG;
    out.write(json, 1, 'utf8');
    return out;
  }
  const v = v8().serialize(data);
  const out = Buffer.allocUnsafe(1 + v.length);
  out[0] = V8_TAG;
  v.copy(out, 1);
  return out;
}

const NOT_JSON = new Error('not JSON data');

function decodeData(bytes: Uint8Array): unknown {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] === JSON_TAG) return JSON.parse(b.toString('utf8', 1));
  if (b[0] === V8_TAG) return v8().deserialize(b.subarray(1));
  throw new Error('unknown entry encoding');
}

/** MAGIC, u32 format, u32 length + tool version, u32 length + options key, u64 payload length, 32-byte SHA-256. */
function encodeHeader(version: string, optionsKey: string, payload: Buffer): Buffer {
  const v = Buffer.from(version, 'utf8');
  const k = Buffer.from(optionsKey, 'utf8');
  const out = Buffer.alloc(MAGIC.length + 4 + 4 + v.length + 4 + k.length + 8 + 32);
  let o = MAGIC.copy(out, 0);
  o = out.writeUInt32LE(CACHE_FORMAT, o);
  o = out.writeUInt32LE(v.length, o);
  o += v.copy(out, o);
  o = out.writeUInt32LE(k.length, o);
  o += k.copy(out, o);
  o = out.writeBigUInt64LE(BigInt(payload.length), o);
  createHash('sha256').update(payload).digest().copy(out, o);
  return out;
}

function decode(buf: Buffer, version: string, optionsKey: string): Map<string, CacheEntry> | CacheRejection {
  if (buf.length < MAGIC.length + 12 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return 'foreign';
  let o = MAGIC.length;
  if (buf.readUInt32LE(o) !== CACHE_FORMAT) return 'format';
  o += 4;
  const read = (): string | undefined => {
    if (o + 4 > buf.length) return undefined;
    const n = buf.readUInt32LE(o);
    o += 4;
    if (o + n > buf.length) return undefined;
    const s = buf.toString('utf8', o, o + n);
    o += n;
    return s;
  };
  const v = read();
  if (v === undefined) return 'truncated';
  if (v !== version) return 'version';
  const k = read();
  if (k === undefined) return 'truncated';
  if (k !== optionsKey) return 'options';
  if (o + 8 + 32 > buf.length) return 'truncated';
  const length = Number(buf.readBigUInt64LE(o));
  o += 8;
  const sum = buf.subarray(o, o + 32);
  o += 32;
  if (buf.length - o !== length) return 'truncated';
  const payload = buf.subarray(o);
  if (!createHash('sha256').update(payload).digest().equals(sum)) return 'corrupt';
  try {
    const list = v8().deserialize(payload) as [string, CacheEntry][];
    if (!Array.isArray(list)) return 'corrupt';
    const entries = new Map<string, CacheEntry>();
    for (const item of list) {
      if (!Array.isArray(item) || typeof item[0] !== 'string' || !item[1] || typeof (item[1] as CacheEntry).hash !== 'string' || !((item[1] as CacheEntry).bytes instanceof Uint8Array)) return 'corrupt';
      entries.set(item[0], item[1]);
    }
    return entries;
  } catch {
    return 'corrupt';
  }
}
