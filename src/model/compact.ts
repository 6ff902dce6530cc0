/**
 * Values the model keeps for the whole run, stored so that they hold no more memory than they
 * need: the loaders call these where a list or a string becomes part of the model.
 */

/**
 * The array at its exact length: V8 gives an array filled by `push` room for 16 elements, about
 * 120 bytes more than a short list needs.
 */
export function exact<A extends readonly unknown[]>(a: A): A {
  return a.length === 0 ? (NONE as unknown as A) : (a.slice() as unknown as A);
}

/** The one empty list of the model (frozen: an array object costs 32 bytes even when empty). */
export const NONE: readonly never[] = Object.freeze([]);

/** `NONE` as a list of `T`, for the loaders' functions that return one. */
export function none<T>(): T[] {
  return NONE as unknown as T[];
}

/**
 * A copy of `s` that shares no memory with the text it was cut from. V8 represents a substring of
 * 13 characters or more as a view of its parent, so one such value kept by the model would keep
 * its whole file's text alive.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** Strings this long or shorter are shared (`intern`): names, namespaces, keys, ARNs, regions. */
const INTERNED_LENGTH = 96;
/** Entries kept before the table starts afresh, so that a long-lived process holds a bounded table. */
const INTERNED_ENTRIES = 1 << 17;
const interned = new Map<string, string>();

/**
 * One copy of each short string the model keeps: a repository repeats the same names, regions,
 * keys and ARNs in every file, and each loaded copy is a string of its own (about 40 bytes). The
 * copy kept is `own(s)`. The table holds strings that values of the model hold too, up to
 * `INTERNED_ENTRIES` of them (then it starts afresh; values interned before keep their copies).
 */
export function intern(s: string): string {
  if (s.length > INTERNED_LENGTH) return own(s);
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size >= INTERNED_ENTRIES) interned.clear();
  const kept = own(s);
  interned.set(kept, kept);
  return kept;
}

/** A value that carries the key it is listed under. */
export interface Keyed {
  readonly key: { readonly value: string };
}

/**
 * A read-only map of values by their own key (`value.key.value`), kept as one exact list: a `Map`
 * costs about 300 bytes however few its entries, and most maps of the model (labels, annotations,
 * a ConfigMap's keys) hold one to three. A lookup reads the list, which for `KEYED_LIST_MAX`
 * entries or fewer is as fast as hashing the key.
 */
export class KeyedList<V extends Keyed> implements ReadonlyMap<string, V> {
  /** The one value, or the list of them (a list of one costs 56 bytes more than its value). */
  private readonly held: V | readonly V[];

  constructor(list: readonly V[]) {
    this.held = list.length === 1 ? list[0] : list;
  }

  private get list(): readonly V[] {
    const h = this.held;
    return Array.isArray(h) ? h : [h as V];
  }

  get size(): number {
    const h = this.held;
    return Array.isArray(h) ? h.length : 1;
  }

  get(key: string): V | undefined {
    const h = this.held;
    if (!Array.isArray(h)) return (h as V).key.value === key ? (h as V) : undefined;
    for (const v of h as readonly V[]) if (v.key.value === key) return v;
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  forEach(f: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const v of this.list) f.call(thisArg, v, v.key.value, this);
  }

  *entries(): MapIterator<[string, V]> {
    for (const v of this.list) yield [v.key.value, v];
  }

  *keys(): MapIterator<string> {
    for (const v of this.list) yield v.key.value;
  }

  values(): MapIterator<V> {
    return this.list.values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'KeyedList';
  }
}

/** The most entries a `KeyedList` holds; a longer list becomes a `Map`. */
const KEYED_LIST_MAX = 8;
/** The one empty map of the model: every resource without annotations, labels or AWS profiles holds it. */
export const NO_KEYS: ReadonlyMap<string, never> = new KeyedList<never>(NONE);

/**
 * The values by their key, as `Map.set` in their order would leave them: a key given twice keeps
 * its first place and its last value.
 */
export function keyed<V extends Keyed>(values: readonly V[]): ReadonlyMap<string, V> {
  if (values.length === 0) return NO_KEYS;
  if (values.length > KEYED_LIST_MAX) {
    const m = new Map<string, V>();
    for (const v of values) m.set(v.key.value, v);
    return m;
  }
  const list: V[] = [];
  next: for (const v of values) {
    for (let i = 0; i < list.length; i++) {
      if (list[i].key.value === v.key.value) {
        list[i] = v;
        continue next;
      }
    }
    list.push(v);
  }
  return new KeyedList(exact(list));
}
