/**
 * Values the model keeps for the whole run, stored so that they hold no more memory than they
 * need: the loaders call these where a list or a string becomes part of the model.
 */

/**
 * The array at its exact length: V8 gives an array filled by `push` room for 16 elements, about
 * 120 bytes more than a short list needs.
 */
export function exact<A extends readonly unknown[]>(a: A): A {
  return a.length === 0 ? a : (a.slice() as unknown as A);
}

/**
 * A copy of `s` that shares no memory with the text it was cut from. V8 represents a substring of
 * 13 characters or more as a view of its parent, so one such value kept by the model would keep
 * its whole file's text alive.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
