/** Run-table columns for metrics and params, identified as "metrics.<key>" and "params.<key>". */

import type { SortDir } from "@/components/experiments/shared/url";

export type ValueColumn = { id: string; kind: "metric" | "param"; key: string };

const DEFAULT_METRIC_COLUMNS = 3;

export function metricColumnId(key: string): string {
  return `metrics.${key}`;
}

export function paramColumnId(key: string): string {
  return `params.${key}`;
}

export function parseColumnId(id: string): ValueColumn | null {
  if (id.startsWith("metrics.") && id.length > "metrics.".length)
    return { id, kind: "metric", key: id.slice("metrics.".length) };
  if (id.startsWith("params.") && id.length > "params.".length)
    return { id, kind: "param", key: id.slice("params.".length) };
  return null;
}

export function defaultColumnIds(metricKeys: readonly string[]): string[] {
  return metricKeys.slice(0, DEFAULT_METRIC_COLUMNS).map(metricColumnId);
}

/** The columns to show: the chosen ones (or the defaults), keeping only keys the experiment has. */
export function resolveColumns(
  chosen: readonly string[] | null,
  metricKeys: readonly string[],
  paramKeys: readonly string[],
): ValueColumn[] {
  const known = new Set([...metricKeys.map(metricColumnId), ...paramKeys.map(paramColumnId)]);
  return (chosen ?? defaultColumnIds(metricKeys))
    .filter((id) => known.has(id))
    .map(parseColumnId)
    .filter((c): c is ValueColumn => c !== null);
}

export function toggleColumn(current: readonly string[], id: string): string[] {
  return current.includes(id) ? current.filter((c) => c !== id) : [...current, id];
}

/**
 * Clicking a header: the same column flips direction; a new column starts descending for times and
 * metrics (newest, longest, highest first) and ascending for text.
 */
export function nextSort(
  current: { sortBy: string; sortDir: SortDir },
  columnId: string,
): { sortBy: string; sortDir: SortDir } {
  if (current.sortBy === columnId) return { sortBy: columnId, sortDir: current.sortDir === "asc" ? "desc" : "asc" };
  const descendingFirst = columnId === "startTime" || columnId === "duration" || columnId.startsWith("metrics.");
  return { sortBy: columnId, sortDir: descendingFirst ? "desc" : "asc" };
}
