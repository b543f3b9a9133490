/** Run selection for comparison, kept in selection order so colours stay stable. */

import { MAX_COMPARE_RUNS } from "@/components/experiments/shared/url";

/** Applies a react-table selection record to the ordered list: kept ids stay in place, new ones go last. */
export function applySelection(previous: readonly string[], record: Readonly<Record<string, boolean>>): string[] {
  const kept = previous.filter((id) => record[id] === true);
  const keptSet = new Set(kept);
  const added = Object.keys(record).filter((id) => record[id] === true && !keptSet.has(id));
  return [...kept, ...added];
}

export function selectionRecord(selected: readonly string[]): Record<string, boolean> {
  return Object.fromEntries(selected.map((id) => [id, true]));
}

export type CompareReadiness = { ok: true } | { ok: false; reason: string };

export function compareReadiness(count: number): CompareReadiness {
  if (count < 2) return { ok: false, reason: "Select at least 2 runs to compare" };
  if (count > MAX_COMPARE_RUNS)
    return {
      ok: false,
      reason: `At most ${MAX_COMPARE_RUNS} runs can be compared; ${count - MAX_COMPARE_RUNS} too many selected`,
    };
  return { ok: true };
}
