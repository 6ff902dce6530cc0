/**
 * Reading a run's files into `buildModel` inputs, with bounded memory: each file is read, hashed,
 * looked up in the cache, parsed (here or in a worker thread) and its text dropped, unless a later
 * step reads it. With a `sink` (a `ModelBuilder`), each input is handed on in file order as soon as
 * it is complete, so that its extract is dropped once its resources are built; the run then never
 * holds more than the typed model and the files in flight.
 */
import fs from 'node:fs';
import { contentHash, type FileCache } from './cache.js';
import { initHcl } from './hcl/parse.js';
import { commentsOf, extractFile, isTerraformSource, keepsText, type FileExtract, type LoadInput, type LoadProblem, type SourceFile } from './loader.js';
import { loadTerraformConfiguration, terraformConfigurations, type TerraformResult } from './terraform-hcl.js';
import { ParsePool, WORKER_THRESHOLD, workerCount } from './workers.js';

/** A file to read: its display path and absolute path, or its text (standard input, sources given as text). */
export interface FileToRead {
  readonly path: string;
  readonly abs?: string;
  readonly text?: string;
  /** Read for its suppression comments only (a Helm chart's `Chart.yaml`); its text is kept. */
  readonly commentsOnly?: boolean;
  /** Keep the text (standard input). */
  readonly keepText?: boolean;
}

export interface ReadOptions {
  readonly cache?: FileCache;
  /** Worker threads: `auto` (default: when there is enough to parse), `off`, or a number. */
  readonly concurrency?: number | 'auto' | 'off';
  /** Bytes to parse before workers start (default `WORKER_THRESHOLD`; 0 starts them at once). */
  readonly workerThreshold?: number;
  /**
   * Receives each input, in file order, as soon as it and every file before it are read (a
   * `ModelBuilder`'s `add`), so that no extract outlives its file; `inputs` is then empty.
   */
  readonly sink?: (input: LoadInput) => void;
}

export interface ReadResult {
  readonly inputs: LoadInput[];
  readonly problems: LoadProblem[];
  /** How the files were parsed (for `--debug` and the benchmark). */
  readonly stats: { readonly cached: number; readonly parsed: number; readonly inWorkers: number; readonly workers: number };
}

/** The cache entry of a Terraform configuration: keyed by its first file, hashed over all of its files. */
const TERRAFORM_KEY = (first: string) => `terraform:${first}`;

export async function readFiles(files: readonly FileToRead[], opts: ReadOptions = {}): Promise<ReadResult> {
  const cache = opts.cache;
  const sink = opts.sink;
  const problems: LoadProblem[] = [];
  // undefined: not read yet; null: nothing to build (unreadable, or already given to the sink).
  const inputs: (LoadInput | null | undefined)[] = new Array(files.length);
  let next = 0;
  const deliver = (): void => {
    if (!sink) return;
    for (; next < inputs.length && inputs[next] !== undefined; next++) {
      const x = inputs[next];
      inputs[next] = null;
      if (x) sink(x);
    }
  };
  const later: Promise<void>[] = [];
  const workers = workerCount(opts.concurrency);
  const threshold = opts.workerThreshold ?? WORKER_THRESHOLD;
  let pool: ParsePool | undefined;
  let toParse = 0;
  let cached = 0;
  let parsed = 0;
  let inWorkers = 0;

  const readText = (f: FileToRead): string | undefined => {
    if (f.text !== undefined) return f.text;
    try {
      return fs.readFileSync(f.abs!, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      problems.push({ message: `cannot read file (${code})`, code: 'READ_ERROR', span: { file: f.path, line: 1, column: 1, endLine: 1, endColumn: 1 } });
      return undefined;
    }
  };
  const baseOf = (f: FileToRead, src: SourceFile, hash: string): LoadInput => ({
    path: f.path,
    ...(f.abs ? { abs: f.abs } : {}),
    comments: commentsOf(src),
    ...(f.keepText || f.commentsOnly || keepsText(f.path) ? { text: src.text } : {}),
    ...(hash ? { hash } : {}),
  });
  const sourceOf = (f: FileToRead, text: string): SourceFile => ({ path: f.path, text, ...(f.abs ? { abs: f.abs } : {}), ...(f.commentsOnly ? { commentsOnly: true } : {}) });

  // Terraform first: one configuration per directory, cached as a whole, its result placed at its
  // first file (so that the other files can be handed on as they are read).
  const terraform: { index: number; src: SourceFile; hash: string }[] = [];
  for (let index = 0; index < files.length; index++) {
    const f = files[index];
    if (!isTerraformSource(f)) continue;
    const text = readText(f);
    if (text === undefined) {
      inputs[index] = null;
      continue;
    }
    const src = sourceOf(f, text);
    const hash = cache ? contentHash(text) : '';
    terraform.push({ index, src, hash });
    inputs[index] = baseOf(f, src, hash);
  }
  if (terraform.length > 0) {
    const byPath = new Map(terraform.map((t) => [t.src.path, t]));
    for (const group of terraformConfigurations(terraform.map((t) => t.src))) {
      const first = byPath.get(group[0].path)!;
      const hash = cache ? contentHash(group.map((s) => `${s.path}\0${byPath.get(s.path)!.hash}`).join('\n')) : '';
      let result = cache?.get(TERRAFORM_KEY(first.src.path), hash) as TerraformResult | undefined;
      if (result) cached++;
      else {
        await initHcl();
        result = loadTerraformConfiguration(group);
        parsed++;
        cache?.set(TERRAFORM_KEY(first.src.path), hash, result);
      }
      inputs[first.index] = { ...inputs[first.index]!, terraform: result };
    }
  }

  // Texts sent to workers and not yet parsed: reading waits when they pass this, so that memory
  // does not grow with the repository.
  const MAX_IN_FLIGHT = 16 * 1024 * 1024;
  let inFlight = 0;
  const flight: Promise<void>[] = [];
  try {
    for (let index = 0; index < files.length; index++) {
      const f = files[index];
      if (inputs[index] !== undefined) {
        deliver();
        continue; // Terraform, read above
      }
      const text = readText(f);
      if (text === undefined) {
        inputs[index] = null;
        deliver();
        continue;
      }
      const src = sourceOf(f, text);
      const hash = cache ? contentHash(text) : '';
      const base = baseOf(f, src, hash);
      if (f.commentsOnly || text.trim() === '') {
        inputs[index] = base;
        deliver();
        continue;
      }
      const hit = cache?.get(f.path, hash) as FileExtract | null | undefined;
      if (hit !== undefined) {
        cached++;
        inputs[index] = withExtract(base, hit ?? undefined, text);
        deliver();
        continue;
      }
      parsed++;
      // CDK/Pulumi programs are read here (their parser is loaded once, in this thread).
      const inWorker = !/\.ts$/i.test(f.path) && workers > 0 && (pool !== undefined || (toParse += text.length) > threshold);
      if (!inWorker) {
        const x = extractFile(src);
        cache?.set(f.path, hash, x ?? null);
        inputs[index] = withExtract(base, x, text);
        deliver();
        continue;
      }
      pool ??= new ParsePool(workers);
      inWorkers++;
      const size = text.length;
      inFlight += size;
      const done = pool
        .parse(src)
        // A worker that fails (out of memory on a hostile file, say) leaves the file to this thread.
        .catch(() => extractFile(src))
        .then((x) => {
          inFlight -= size;
          cache?.set(f.path, hash, x ?? null);
          inputs[index] = withExtract(base, x, src.text);
          deliver();
        });
      later.push(done);
      flight.push(done);
      if (inFlight > MAX_IN_FLIGHT) {
        pool.flush();
        while (inFlight > MAX_IN_FLIGHT / 2 && flight.length > 0) await flight.shift();
      }
    }
    pool?.flush();
    await Promise.all(later);
  } finally {
    await pool?.close();
  }
  deliver();
  return { inputs: inputs.filter((x): x is LoadInput => !!x), problems, stats: { cached, parsed, inWorkers, workers: pool ? workers : 0 } };
}

/** The input with its extract; the text is kept for Helm output (its templates' lines are read for related locations). */
function withExtract(base: LoadInput, x: FileExtract | undefined, text: string): LoadInput {
  if (!x) return base;
  return { ...base, extract: x, ...(x.rendered.length > 0 && base.text === undefined ? { text } : {}) };
}
