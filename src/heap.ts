/**
 * The V8 heap of a process that is the linter's own (the CLI, the GitHub Action).
 *
 * V8 doubles its young generation ("new space") each time a scavenge finds most of it alive, up
 * to 32 MB on Node 20 and 64 MB on Node 24. Building the model of a big repository is exactly
 * that pattern: for seconds, most of what is allocated is model, alive until the run ends, so
 * the young generation grows to its largest and its pages stay committed, while every object the
 * model keeps is promoted to the old generation anyway. Stopping the growth at the first size
 * (`--semi-space-growth-factor=1`, read by V8 whenever it grows the space, so that setting it
 * while the process runs takes effect) trades larger young pages for more, smaller scavenges. On
 * the 10,000-app benchmark repository (27,500 files, 50 MB) the peak RSS of `lint` goes from 275
 * to 224 MB on Node 20 and from 372 to 254 MB on Node 24, for 5 to 8% more time; on the 1,000-app
 * one, from 113 to 85 MB in the same time (/usr/bin/time, three runs each, alternating).
 *
 * The library (`lint()`, `analyze()`) leaves the heap of the process that embeds it alone: only
 * a run given `tuneHeap` (src/api.ts) calls this, as soon as its walk has found
 * `HEAP_TUNING_FILES` files (before the walk of a big tree has allocated much), so that a small run
 * does not load `node:v8` at start.
 */
import { v8 } from './load/cache.js';

/** Files a walk finds before the run bounds the young generation. */
export const HEAP_TUNING_FILES = 200;

let tuned = false;

/** Keep V8's young generation at its first size for the rest of the process (once; any later call does nothing). */
export function boundYoungGeneration(): void {
  if (tuned) return;
  tuned = true;
  v8().setFlagsFromString('--semi-space-growth-factor=1');
}
