import { classesOf as classesOfModel } from "@/contracts/outcomes";
import { QUALITY_RANGES } from "@/contracts/quality";
import { notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { capturedCounts, countKey } from "@/server/services/quality/captured-counts";
import { addDays, dayOf, dayRange, startOfUtcDay } from "@/server/services/quality/days";
import { groundTruth, type TruthRow } from "@/server/services/quality/ground-truth";
import { responseRates } from "@/server/services/quality/response-rates";
import {
  qualityDashboardOutput,
  qualityInput,
  type QualityDashboard,
  type QualityInput,
} from "@/server/services/quality/schemas";
import { MIN_LABELLED, segmentQuality, type QualityKind, type WeightedTruth } from "@/server/services/quality/segment";

/**
 * Invariants: every number comes from outcome rows of the source the caller chose, weighted by 1/π; a number behind
 * fewer than MIN_LABELLED labelled rows is withheld, an undefined ratio is null (never 0); the unknown share is only
 * given for days the prediction log still holds in full (retention drops whole day partitions but keeps labelled rows,
 * so older days would look fully known).
 */
type QualityContext = Pick<ServiceContext, "db" | "clock">;

const KINDS: Record<string, QualityKind> = { CLASSIFICATION: "classification", REGRESSION: "regression" };

const key = (...parts: string[]) => parts.join("\u0000");

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export async function qualityDashboard(ctx: QualityContext, raw: QualityInput): Promise<QualityDashboard> {
  const input = parseInput(qualityInput, raw);
  const now = input.at ?? ctx.clock();
  const { start, end, days } = dayRange(now, QUALITY_RANGES[input.range]);
  const endpoints = await ctx.db.endpoint.findMany({
    where: input.endpointId ? { id: input.endpointId } : {},
    select: {
      id: true,
      name: true,
      captureRetentionDays: true,
      model: { select: { name: true, isDemo: true, taskType: true, outcomeClasses: true } },
      variants: { select: { variantName: true } },
    },
    orderBy: { name: "asc" },
  });
  if (input.endpointId && endpoints.length === 0) throw notFound("Endpoint");
  const ids = endpoints.map((e) => e.id);
  const [truths, counts] = await Promise.all([
    groundTruth(ctx, ids, input.source, start, end),
    capturedCounts(ctx, ids, start, end),
  ]);
  const truthsBySegment = groupBy(truths, (t: TruthRow) => key(t.endpointId, t.variantName, dayOf(t.predictedAt)));
  const options = { confidence: input.confidence, minLabelled: MIN_LABELLED };

  const result = endpoints.map((endpoint) => {
    const kind = KINDS[endpoint.model.taskType] ?? "unsupported";
    const capturedFrom = addDays(startOfUtcDay(addDays(now, -endpoint.captureRetentionDays)), 1);
    /** A rolled-up day's frozen count; else the live count while the log holds the day in full; else unknown. */
    const capturedOn = (variantName: string, day: string) => {
      const k = countKey(endpoint.id, variantName, day);
      if (counts.rolledUpDays.has(day)) return counts.rolledUp.get(k) ?? 0;
      return day >= dayOf(capturedFrom) ? (counts.live.get(k) ?? 0) : null;
    };
    const variantNames = new Set([
      ...endpoint.variants.map((v) => v.variantName),
      ...truths.filter((t) => t.endpointId === endpoint.id).map((t) => t.variantName),
      ...(counts.variants.get(endpoint.id) ?? []),
    ]);
    const variants = [...variantNames].sort().map((variantName) => {
      const counted = days.map((day) => {
        const rows = truthsBySegment.get(key(endpoint.id, variantName, day)) ?? [];
        const captured = capturedOn(variantName, day);
        return { day, truths: rows, captured, known: captured === null ? null : rows.length };
      });
      const rates = responseRates(input.source, counted);
      const perDay = counted.map((d, i) => ({
        ...d,
        rows: d.truths.map((t): WeightedTruth => ({ ...t, responseRate: rates[i]!, stratum: d.day })),
      }));
      const heldDays = perDay.filter((d) => d.captured !== null);
      const totalCounts =
        heldDays.length === 0
          ? { captured: null, known: null }
          : {
              captured: heldDays.reduce((sum, d) => sum + (d.captured ?? 0), 0),
              known: heldDays.reduce((sum, d) => sum + d.rows.length, 0),
            };
      return {
        variantName,
        total: segmentQuality(
          kind,
          endpoint.model.outcomeClasses,
          perDay.flatMap((d) => d.rows),
          totalCounts,
          { ...options, withCalibration: true },
        ),
        days: perDay.map((d) => ({
          day: d.day,
          ...segmentQuality(
            kind,
            endpoint.model.outcomeClasses,
            d.rows,
            { captured: d.captured, known: d.known },
            { ...options, withCalibration: false },
          ),
        })),
      };
    });
    return {
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      modelName: endpoint.model.name,
      isDemo: endpoint.model.isDemo,
      kind,
      classes: kind === "classification" ? [...classesOfModel(endpoint.model.outcomeClasses)] : [],
      capturedFrom,
      variants,
    };
  });

  return qualityDashboardOutput.parse({
    range: input.range,
    source: input.source,
    confidence: input.confidence,
    minLabelled: MIN_LABELLED,
    start,
    end: now,
    days,
    endpoints: result,
  });
}
