export type DiffChange = "added" | "removed" | "changed" | "unchanged";

export type DiffEntry = { key: string; before: unknown; after: unknown; change: DiffChange };

type PlainObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is PlainObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

function classify(before: unknown, after: unknown): DiffChange {
  if (before === undefined) return after === undefined ? "unchanged" : "added";
  if (after === undefined) return "removed";
  return canonical(before) === canonical(after) ? "unchanged" : "changed";
}

/**
 * Compares an audit row's before and after key by key (keys of `before` first, in their order).
 * Null or missing sides count as "no value", so a creation shows every key as added.
 */
export function diffAuditValues(before: unknown, after: unknown): DiffEntry[] {
  const b = before ?? undefined;
  const a = after ?? undefined;
  if ((b === undefined || isPlainObject(b)) && (a === undefined || isPlainObject(a))) {
    const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
    return keys.map((key) => {
      const beforeValue = b?.[key];
      const afterValue = a?.[key];
      return { key, before: beforeValue, after: afterValue, change: classify(beforeValue, afterValue) };
    });
  }
  return [{ key: "(value)", before: b, after: a, change: classify(b, a) }];
}

/** How a value reads in the diff table: strings as they are, everything else as JSON, absent as an em dash. */
export function formatDiffValue(value: unknown): string {
  if (value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
