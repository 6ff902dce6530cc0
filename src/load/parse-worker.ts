/**
 * A parse worker (src/load/workers.ts): extracts the YAML and JSON files it is sent, exactly as
 * the main thread does (`extractFile`), and sends the extracts back.
 */
import { parentPort } from 'node:worker_threads';
import { extractFile, type SourceFile } from './loader.js';

// `yaml` reads process.env for debugging flags once per token; in this thread, env is ours to copy.
process.env = { ...process.env };

parentPort?.on('message', (m: { id: number; sources: SourceFile[] }) => {
  try {
    parentPort!.postMessage({ id: m.id, results: m.sources.map((s) => extractFile(s)) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
