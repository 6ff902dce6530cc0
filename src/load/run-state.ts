/**
 * What a cached run keeps for the next (`--cache`), beside the extract cache (src/load/cache.ts):
 * for each file its content hash and file-system metadata, its suppression comments, and, for
 * each file that resources were built from, the index keys those resources carry, the keys their
 * checks read, their findings and problems. src/incremental.ts reads it to check again only what a
 * change can reach.
 *
 * One file (`run-v1.state`: not an extension a walk reads, should the cache lie inside the
 * repository): a first line with the format, the tool version, the key of the options that
 * affect findings and the SHA-256 of the rest, then the payload. A file that is missing, truncated,
 * corrupt, of another format or version, or made with other options is ignored (the run is a full
 * one) and rewritten. It is written to a temporary file and renamed.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from '../engine/types.js';
import type { CommentDirective } from '../suppress/comments.js';
import type { LoadProblem } from './loader.js';
import type { Located } from '../model/span.js';

/** Bumped whenever the payload changes shape, or what a key means (`indexKeys`). */
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

/** What was built from a file, and what its checks did. */
export interface UnitRecord<K = string> {
  /** The index keys of its resources (`indexKeys`, without repeats); the resources' own keys are those of `#`. */
  readonly keys: readonly K[];
  /** The keys that the checks of its resources read. */
  readonly reads: readonly K[];
  /** What those checks reported (before suppressions). */
  readonly findings: readonly Finding[];
  /** Parse and load problems of the file. */
  readonly problems: readonly LoadProblem[];
  /** A digest of the resources themselves: a change that leaves it equal (a comment, say) changes no finding. */
  readonly digest: string;
  /** The ignore annotations of its resources, by resource key (for suppressions). */
  readonly ignores?: readonly { readonly key: string; readonly value: Located<string> }[];
}

export interface FileRecord<K = string> extends FileStat {
  readonly hash: string;
  readonly comments: readonly CommentDirective[];
  /** What was built from the file (absent: nothing). */
  readonly unit?: UnitRecord<K>;
}

export interface RunStateData<K = string> {
  /** When the run that wrote it began (ms since the epoch): a file changed later than that is read again. */
  readonly startedAt: number;
  readonly files: Readonly<Record<string, FileRecord<K>>>;
}

/** As stored: keys are numbers into one table of strings (most keys recur across files). */
interface Stored extends RunStateData<number> {
  readonly strings: readonly string[];
}

export function statOf(st: fs.Stats): FileStat {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

/**
 * Can the record stand for the file without reading it? Its metadata must be unchanged, and it
 * must have been last modified well before the recorded run began: a file written in the same
 * instant as it was read (within the file system's timestamp granularity) is read again.
 */
export function unchangedByStat(rec: FileRecord, st: FileStat, startedAt: number): boolean {
  return rec.size === st.size && rec.mtimeMs === st.mtimeMs && rec.ctimeMs === st.ctimeMs && rec.ino === st.ino && st.mtimeMs < startedAt - 2000;
}

/** The state in `dir` for this version and options key; undefined when there is none usable. */
export function readRunState(dir: string, version: string, key: string): RunStateData | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const nl = text.indexOf('\n');
  if (nl < 0) return undefined;
  try {
    const head = JSON.parse(text.slice(0, nl)) as { magic?: unknown; format?: unknown; version?: unknown; key?: unknown; sha256?: unknown };
    if (head.magic !== MAGIC || head.format !== STATE_FORMAT || head.version !== version || head.key !== key) return undefined;
    const payload = text.slice(nl + 1);
    if (createHash('sha256').update(payload).digest('hex') !== head.sha256) return undefined;
    const data = JSON.parse(payload) as Stored;
    if (!data || typeof data.startedAt !== 'number' || !data.files || typeof data.files !== 'object' || !Array.isArray(data.strings)) return undefined;
    const strings = data.strings;
    const files: Record<string, FileRecord> = {};
    for (const [p, rec] of Object.entries(data.files)) {
      const u = rec.unit;
      files[p] = u ? { ...rec, unit: { ...u, keys: u.keys.map((i) => strings[i]), reads: u.reads.map((i) => strings[i]) } } : (rec as unknown as FileRecord);
    }
    return { startedAt: data.startedAt, files };
  } catch {
    return undefined;
  }
}

/** Write the state (to a temporary file, then renamed). Failing to write is not an error: the next run is a full one. */
export function writeRunState(dir: string, version: string, key: string, data: RunStateData): boolean {
  const ids = new Map<string, number>();
  const strings: string[] = [];
  const id = (k: string): number => {
    let i = ids.get(k);
    if (i === undefined) {
      ids.set(k, (i = strings.length));
      strings.push(k);
    }
    return i;
  };
  const files: Record<string, FileRecord<number>> = {};
  for (const [p, rec] of Object.entries(data.files)) {
    const u = rec.unit;
    files[p] = u ? { ...rec, unit: { ...u, keys: u.keys.map(id), reads: u.reads.map(id) } } : (rec as FileRecord<never>);
  }
  const stored: Stored = { startedAt: data.startedAt, strings, files };
  const payload = JSON.stringify(stored);
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
