/**
 * What the bundle's program (`dist/bundle/irsa-lint.cjs`, built by scripts/bundle.mjs) exports:
 * the CLI, the GitHub Action and the parse worker, each started by its launcher next to it
 * (`cli.cjs`, `action.cjs`, `parse-worker.cjs`; see src/bundle/launch.cts).
 */
export { startCli } from '../cli.js';
export { startAction } from '../action/main.js';

/** A parse worker thread (src/load/workers.ts): its module registers the message handler. */
export async function startParseWorker(): Promise<void> {
  await import('../load/parse-worker.js');
}
