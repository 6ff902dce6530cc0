/**
 * Parsing YAML and JSON files in worker threads. The main thread reads the files (and looks them
 * up in the cache); batches of texts go to the workers, which return each file's extract (plain
 * data, copied back by structured clone). Results are placed by file, so the model and the report
 * are the same, in the same order, as when everything is parsed on the main thread.
 *
 * Workers are started only when asked for (`--concurrency N`, see `workerCount`): `lint()` then
 * parses on the main thread until the text still to parse passes a threshold, and hands the rest
 * to the pool.
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { FileExtract, SourceFile } from './loader.js';

/** `worker_threads`, loaded when a pool starts: most runs parse on the main thread and never need it. */
function threads(): typeof import('node:worker_threads') {
  return createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
}

/** Bytes of text to parse before workers are started (measured with `npm run bench`, see README). */
export const WORKER_THRESHOLD = 2_000_000;
/** Bytes per message to a worker: big enough to amortise a round trip, small enough to balance. */
const BATCH_BYTES = 256 * 1024;

/**
 * How many workers `concurrency` asks for (0: none). `auto` starts none: since YAML documents are
 * read by the direct reader (src/load/yaml-block.ts), a file is parsed on the main thread in less
 * time than the main thread takes to deserialize a worker's result for it. On the 1,000-app
 * benchmark repository, structuredClone of the extracts takes 300 to 400 ms against 90 to 250 ms
 * to parse them; the 10,000-app run took 5.8 to 6.6 s with one worker on two cores instead of 3.2 to
 * 5.7 s, with twice the memory (`--concurrency 1` against `off`). A number starts that many: for
 * repositories whose documents mostly go to `yaml` (templated or anchored YAML), on many cores.
 */
export function workerCount(concurrency: number | 'auto' | 'off' | undefined): number {
  if (typeof concurrency === 'number') return Math.max(0, Math.floor(concurrency));
  return 0;
}

/**
 * A new worker running the parse worker next to this module: the bundle's (when bundled: its
 * launcher sets `__irsaLintWorker` to `dist/bundle/parse-worker.cjs`), the compiled JavaScript, or
 * the TypeScript source through tsx (tests run the sources).
 */
function startWorker(): Worker {
  const { Worker } = threads();
  const bundled = (globalThis as { __irsaLintWorker?: string }).__irsaLintWorker;
  if (bundled) return new Worker(new URL(bundled), { stdout: false, stderr: false });
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', self), { stdout: false, stderr: false });
  const tsx = import.meta.resolve('tsx/esm/api');
  const script = new URL('./parse-worker.ts', self).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); })`, { eval: true, stdout: false, stderr: false });
}

interface Pending {
  readonly resolve: (r: (FileExtract | undefined)[]) => void;
  readonly reject: (e: unknown) => void;
}

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly load: number[] = [];
  private nextId = 0;
  private batch: SourceFile[] = [];
  private batchBytes = 0;
  private batchResults: ((r: FileExtract | undefined) => void)[] = [];
  private batchErrors: ((e: unknown) => void)[] = [];

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (m: { id: number; results?: (FileExtract | undefined)[]; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.load[i]--;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.results ?? []);
      });
      w.on('error', (e) => {
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(e);
        }
      });
      this.workers.push(w);
      this.load.push(0);
    }
  }

  /** The extract of one file, parsed by a worker. */
  parse(src: SourceFile): Promise<FileExtract | undefined> {
    return new Promise((resolve, reject) => {
      this.batch.push({ path: src.path, text: src.text, ...(src.abs ? { abs: src.abs } : {}) });
      this.batchResults.push(resolve);
      this.batchErrors.push(reject);
      this.batchBytes += src.text.length;
      if (this.batchBytes >= BATCH_BYTES) this.flush();
    });
  }

  /** Send what is queued. */
  flush(): void {
    if (this.batch.length === 0) return;
    const sources = this.batch;
    const results = this.batchResults;
    const errors = this.batchErrors;
    this.batch = [];
    this.batchResults = [];
    this.batchErrors = [];
    this.batchBytes = 0;
    // The least busy worker.
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.load[i] < this.load[w]) w = i;
    const id = this.nextId++;
    this.load[w]++;
    this.pending.set(id, {
      resolve: (r) => results.forEach((f, k) => f(r[k])),
      reject: (e) => errors.forEach((f) => f(e)),
    });
    this.workers[w].postMessage({ id, sources });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
