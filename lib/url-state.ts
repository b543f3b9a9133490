/** Pure helpers behind useUrlState: query strings for history entries and stable parsed state. */

/**
 * Query string with a leading "?" or nothing, for history entries. List separators stay readable
 * commas (?runs=a,b); a comma inside an item was escaped by encodeList and arrives here as %252C.
 */
export function toSearch(params: URLSearchParams): string {
  const text = params.toString().replaceAll("%2C", ",");
  return text ? `?${text}` : "";
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => item === b[i]);
  return false;
}

/**
 * `next`, but reusing the previous object's field values (arrays included) where they are equal, so
 * memoised views only recompute when the part of the URL they read changes. Returns `previous`
 * itself when nothing changed, a field that disappeared included.
 */
export function reuseEqualFields<T extends Record<string, unknown>>(previous: T, next: T): T {
  let changed = Object.keys(previous).some((key) => !(key in next));
  const merged = { ...next };
  for (const key of Object.keys(next) as (keyof T)[]) {
    if (sameValue(previous[key], next[key])) merged[key] = previous[key];
    else changed = true;
  }
  return changed ? merged : previous;
}

/** Parse/serialise pair for plain text fields, each present in the URL only when not empty. */
export function textFields<K extends string>(keys: readonly K[]) {
  return {
    parse: (params: URLSearchParams) =>
      Object.fromEntries(keys.map((key) => [key, params.get(key) ?? ""])) as Record<K, string>,
    serialize: (state: Record<K, string>) => {
      const params = new URLSearchParams();
      for (const key of keys) if (state[key]) params.set(key, state[key]);
      return params;
    },
  };
}
