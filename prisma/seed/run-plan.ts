import { lossCurves, scoreCurve, type CurvePoint } from "@/prisma/seed/curves";
import type { DemoModel } from "@/prisma/seed/demo-catalog";
import type { Random } from "@/training/random";

export const DEMO_STEPS = 120;

export type PlannedRun = {
  name: string;
  params: Record<string, string | number>;
  gitCommit: string;
  datasetRef: string;
  tags: Record<string, string>;
  metrics: { key: string; points: CurvePoint[] }[];
  finalPrimary: number;
  failed: boolean;
};

/**
 * How good a hyper-parameter choice is: each parameter has a sweet spot in its grid and quality falls off with the
 * distance from it, so the compare view's parallel-coordinates and scatter charts show real structure.
 */
export function parameterQuality(model: DemoModel, chosen: Record<string, string | number>, random: Random): number {
  let quality = 1;
  for (const [name, grid] of Object.entries(model.params)) {
    const sweetSpot = Math.floor(grid.length * 0.55);
    const distance = Math.abs(grid.indexOf(chosen[name] as never) - sweetSpot) / Math.max(1, grid.length - 1);
    quality *= 1 - 0.45 * distance;
  }
  return Math.min(1, Math.max(0, quality + random.normal() * 0.03));
}

export function planRun(model: DemoModel, index: number, random: Random): PlannedRun {
  const params = Object.fromEntries(Object.entries(model.params).map(([name, grid]) => [name, random.pick(grid)]));
  const quality = parameterQuality(model, params, random);
  const { best, worst, shape, key } = model.primaryMetric;
  const finalPrimary = worst + (best - worst) * quality;
  const failed = random.uniform() < 0.06;
  const steps = failed ? random.int(15, 60) : DEMO_STEPS;
  const timeConstant = random.between(12, 35);
  const overfit = shape === "score" ? (1 - quality) * 0.4 : 0.15;
  const primary = scoreCurve(
    {
      steps,
      finalScore: finalPrimary,
      initialScore: shape === "score" ? worst * 0.7 : worst * 2.2,
      timeConstant,
      overfit,
      noise: Math.abs(best - worst) * 0.015,
    },
    random,
  );
  const losses = lossCurves(
    { steps, finalScore: 0.55 + 0.4 * quality, initialScore: 0, timeConstant, overfit, noise: 0.004 },
    random,
  );
  return {
    name: `${model.name.split("-")[0]}-${String(index + 1).padStart(3, "0")}`,
    params,
    gitCommit: Array.from({ length: 40 }, () => "0123456789abcdef"[random.int(0, 15)]).join(""),
    datasetRef: `s3://demo-datasets/${model.name}/${random.pick(["2026-09-01", "2026-10-01", "2026-11-01"])}/train.parquet`,
    tags: {
      trigger: random.pick(["scheduled", "manual", "ci"]),
      framework: model.format === "VLLM" ? "peft" : "xgboost",
    },
    metrics: [
      { key, points: primary },
      { key: "train_loss", points: losses.train },
      { key: "val_loss", points: losses.validation },
    ],
    finalPrimary,
    failed,
  };
}
