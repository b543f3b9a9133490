import type { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import type { RunDetail, RunListItem } from "@/server/services/experiments/schemas";

const runListSelect = {
  id: true,
  name: true,
  status: true,
  startTime: true,
  endTime: true,
  gitCommit: true,
  datasetRef: true,
  tags: true,
  user: { select: { name: true } },
  params: { select: { key: true, value: true }, orderBy: { key: "asc" } },
  metrics: { select: { key: true, lastValue: true }, orderBy: { key: "asc" } },
} satisfies Prisma.RunSelect;

type RunListRow = Prisma.RunGetPayload<{ select: typeof runListSelect }>;

/** Run tags are a JSON object of strings; anything else in the column is ignored. */
export function tagRecord(json: Prisma.JsonValue): Record<string, string> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return {};
  return Object.fromEntries(
    Object.entries(json).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

function toListItem(row: RunListRow): RunListItem {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    startTime: row.startTime,
    endTime: row.endTime,
    userName: row.user.name,
    gitCommit: row.gitCommit,
    datasetRef: row.datasetRef,
    tags: tagRecord(row.tags),
    metrics: Object.fromEntries(row.metrics.map((m) => [m.key, m.lastValue])),
    params: Object.fromEntries(row.params.map((p) => [p.key, p.value])),
  };
}

/** Loads runs as list items, in the order of `ids` (ids that do not exist are skipped). */
export async function runListItems(ctx: ReadContext, ids: string[]): Promise<RunListItem[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.run.findMany({ where: { id: { in: ids } }, select: runListSelect });
  const byId = new Map(rows.map((row) => [row.id, toListItem(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function getRun(ctx: ReadContext, runId: string): Promise<RunDetail> {
  const row = await ctx.db.run.findUnique({
    where: { id: runId },
    select: {
      ...runListSelect,
      experimentId: true,
      createdAt: true,
      experiment: { select: { name: true } },
      artifacts: {
        select: { id: true, path: true, sizeBytes: true, sha256: true, contentType: true, createdAt: true },
        orderBy: { path: "asc" },
      },
      versions: {
        select: { id: true, version: true, model: { select: { name: true } } },
        orderBy: [{ createdAt: "asc" }],
      },
      metrics: {
        select: { key: true, lastValue: true, lastStep: true, minValue: true, maxValue: true, pointCount: true },
        orderBy: { key: "asc" },
      },
    },
  });
  if (!row) throw notFound("Run");
  return {
    ...toListItem(row),
    experimentId: row.experimentId,
    experimentName: row.experiment.name,
    createdAt: row.createdAt,
    artifacts: row.artifacts.map((a) => ({ ...a, sizeBytes: Number(a.sizeBytes) })),
    versions: row.versions.map((v) => ({ id: v.id, modelName: v.model.name, version: v.version })),
    metricSeries: row.metrics,
  };
}
