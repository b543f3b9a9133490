import type { GroundTruthSource } from "@/contracts/quality";
import type { ReadContext } from "@/server/services/context";

/** One prediction's ground truth as the estimators use it (the outcome row of the chosen source). */
export type TruthRow = {
  predictionId: string;
  endpointId: string;
  variantName: string;
  predictedAt: Date;
  predictedLabel: string | null;
  predictedValue: number | null;
  score: number | null;
  label: string | null;
  value: number | null;
  inclusionProbability: number;
};

const SOURCES = { review: ["REVIEW"], feedback: ["FEEDBACK"], combined: ["FEEDBACK", "REVIEW"] } as const;

/**
 * The ground truth of the predictions made in [start, end) on the given endpoints. `combined` keeps one row per
 * prediction: its API feedback when there is one, else its accepted review label — each with the inclusion
 * probability of the source it came from.
 */
export async function groundTruth(
  ctx: ReadContext,
  endpointIds: readonly string[],
  source: GroundTruthSource,
  start: Date,
  end: Date,
): Promise<TruthRow[]> {
  const rows = await ctx.db.predictionOutcome.findMany({
    where: {
      endpointId: { in: [...endpointIds] },
      predictedAt: { gte: start, lt: end },
      source: { in: [...SOURCES[source]] },
    },
    select: {
      predictionId: true,
      source: true,
      endpointId: true,
      variantName: true,
      predictedAt: true,
      predictedLabel: true,
      predictedValue: true,
      score: true,
      label: true,
      value: true,
      inclusionProbability: true,
    },
    orderBy: [{ predictedAt: "asc" }, { id: "asc" }],
  });
  const byPrediction = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const seen = byPrediction.get(row.predictionId);
    if (!seen || (seen.source === "REVIEW" && row.source === "FEEDBACK")) byPrediction.set(row.predictionId, row);
  }
  return [...byPrediction.values()].map(({ source: _source, ...row }) => row);
}
