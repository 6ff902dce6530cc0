/** "Did you mean" for misspelt keys and rule ids. */
import { editDistance } from '../edit-distance.js';

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The closest candidate, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const lc = c.toLowerCase();
    // A candidate that ends with the word (`token-expiration-minimum` for the id) is a good guess too.
    const d = lc.endsWith(`/${w}`) || commonPrefix(w, lc) >= Math.max(8, Math.ceil(w.length * 0.6)) ? 1 : editDistance(w, lc);
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c ? ` (did you mean "${c}"?)` : '';
}
