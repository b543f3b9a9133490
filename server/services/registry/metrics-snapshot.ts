import type { z } from "zod";
import type { Prisma } from "@/server/db/generated/client";
import type { metricsSnapshotOutput } from "@/server/services/registry/schemas";

export type MetricsSnapshot = z.infer<typeof metricsSnapshotOutput>;

/** The latest value of each metric series, leaving out NaN and ±Infinity, which JSON cannot hold. */
export function snapshotFromSeries(series: { key: string; lastValue: number }[]): MetricsSnapshot {
  const snapshot: MetricsSnapshot = {};
  for (const { key, lastValue } of [...series].sort((a, b) => a.key.localeCompare(b.key))) {
    if (Number.isFinite(lastValue)) snapshot[key] = lastValue;
  }
  return snapshot;
}

/** Reads a stored snapshot back, ignoring anything that is not a finite number. */
export function readMetricsSnapshot(json: Prisma.JsonValue): MetricsSnapshot {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return {};
  const snapshot: MetricsSnapshot = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === "number" && Number.isFinite(value)) snapshot[key] = value;
  }
  return snapshot;
}

/**
 * The metrics worth a column in a versions table: those most versions report, then by name.
 * Rarely-logged metrics would make a wide, mostly empty table.
 */
export function pickKeyMetrics(snapshots: MetricsSnapshot[], max = 5): string[] {
  const counts = new Map<string, number>();
  for (const snapshot of snapshots) {
    for (const key of Object.keys(snapshot)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([keyA, countA], [keyB, countB]) => countB - countA || keyA.localeCompare(keyB))
    .slice(0, max)
    .map(([key]) => key);
}
