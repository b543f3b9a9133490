import type { Db } from "@/server/db/client";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import type { ServiceContext } from "@/server/services/context";
import { createExperiment } from "@/server/services/experiments/experiments";
import { createRun, finishRun } from "@/server/services/experiments/runs";
import { logBatch } from "@/server/services/experiments/log-batch";
import { createModel } from "@/server/services/registry/create-model";
import { registerVersion } from "@/server/services/registry/register-version";
import { moveAliasForRelease, setAlias } from "@/server/services/registry/set-alias";
import type { Signature } from "@/contracts/signature";
import type { DemoModel } from "@/prisma/seed/demo-catalog";
import { demoArtifact, seedOf } from "@/prisma/seed/demo-artifacts";
import { seededRandom } from "@/training/random";
import { planRun, type PlannedRun } from "@/prisma/seed/run-plan";

const RUNS_PER_EXPERIMENT = 24;
const DAY = 24 * 3600 * 1000;

/** The interface every demo version's artifact has: five transaction features and a score, or prompt → completion. */
function signatureFor(model: DemoModel): Signature {
  if (model.taskType === "LLM") {
    return {
      inputs: [{ name: "prompt", type: "string", shape: [null] }],
      outputs: [{ name: "completion", type: "string", shape: [null] }],
    };
  }
  const features = ["amount", "merchant_category", "hour_of_day", "distance_km", "basket_size"];
  return {
    inputs: features.map((name) => ({
      name,
      type: name === "merchant_category" ? "string" : "float32",
      shape: [null],
    })),
    outputs: [{ name: model.taskType === "REGRESSION" ? "prediction" : "score", type: "float32", shape: [null] }],
  };
}

type DemoArtifact = ReturnType<typeof demoArtifact>;

/** A run with its params and curves; a run that becomes a version gets its artifact while it still runs. */
async function seedRun(
  ctx: ServiceContext,
  model: DemoModel,
  plan: PlannedRun,
  startedAt: Date,
  artifact: DemoArtifact | null,
) {
  const run = await createRun(ctx, {
    experimentName: `${model.name}-training`,
    name: plan.name,
    gitCommit: plan.gitCommit,
    datasetRef: plan.datasetRef,
    tags: { ...plan.tags, demo: "true" },
    startTime: startedAt,
  });
  const timestampOf = (step: number) => startedAt.getTime() + step * 20_000;
  await logBatch(ctx, run.id, {
    params: plan.params,
    metrics: plan.metrics.flatMap((m) =>
      m.points.map((p) => ({ key: m.key, value: p.value, step: p.step, timestamp: timestampOf(p.step) })),
    ),
  });
  if (artifact) {
    await uploadArtifact(ctx, {
      runId: run.id,
      path: artifact.path,
      contentType: artifact.contentType,
      body: new Blob([new Uint8Array(artifact.bytes)]).stream(),
    });
  }
  const endTime = new Date(timestampOf(plan.metrics[0]?.points.length ?? 1));
  await finishRun(ctx, run.id, { status: plan.failed ? "FAILED" : "FINISHED", endTime });
  return run;
}

/** The runs registered as versions: the last four of those the team found better than every earlier one. */
function registeredRuns(model: DemoModel, plans: PlannedRun[]): Set<number> {
  const better = (a: number, b: number) => (model.primaryMetric.shape === "score" ? a > b : a < b);
  const champions: number[] = [];
  plans.forEach((plan, index) => {
    if (plan.failed) return;
    const best = champions[champions.length - 1];
    if (best === undefined || better(plan.finalPrimary, plans[best]!.finalPrimary)) champions.push(index);
  });
  return new Set(champions.slice(-4));
}

/** One demo model: its training experiment (runs with curves), registered versions and alias history. */
export async function seedModel(database: Db, ctx: ServiceContext, model: DemoModel) {
  const random = seededRandom(seedOf(model.name));
  const now = Date.now();
  // The training experiment belongs to the model's team, like the model (the owner may be of another team).
  await createExperiment(ctx, { name: `${model.name}-training`, team: model.team });
  const plans = Array.from({ length: RUNS_PER_EXPERIMENT }, (_, i) => planRun(model, i, random));
  const toRegister = registeredRuns(model, plans);
  const signature = signatureFor(model);
  const registered: { id: string; plan: PlannedRun; artifact: DemoArtifact }[] = [];
  for (const [i, plan] of plans.entries()) {
    const startedAt = new Date(now - (RUNS_PER_EXPERIMENT - i) * 2.5 * DAY);
    const artifact = toRegister.has(i) ? demoArtifact(model, plan, signature) : null;
    const run = await seedRun(ctx, model, plan, startedAt, artifact);
    if (artifact) registered.push({ id: run.id, plan, artifact });
  }

  await createModel(ctx, {
    name: model.name,
    team: model.team,
    taskType: model.taskType,
    tags: model.tags,
    description: model.description,
    outcomeClasses: model.outcome?.classes,
    decisionThreshold: model.outcome?.decisionThreshold,
  });
  // Versions are registered as the team found better runs over time.
  for (const run of registered) {
    await registerVersion(ctx, model.name, {
      runId: run.id,
      artifactPath: run.artifact.path,
      format: model.format,
      signature,
      description: `Trained by ${run.plan.name}; ${model.primaryMetric.key} ${run.plan.finalPrimary.toFixed(3)} offline.`,
    });
  }
  const count = registered.length;
  if (count >= 2) {
    await moveAliasForRelease(ctx, model.name, "production", {
      version: count - 1,
      reason: "Passed offline evaluation and a week of shadow traffic",
    });
    await setAlias(ctx, model.name, "staging", {
      version: count,
      reason: "New candidate from the latest training run",
    });
  }
  if (count >= 3) {
    await setAlias(ctx, model.name, "champion", { version: count - 1, reason: "Best offline score on the golden set" });
    await moveAliasForRelease(ctx, model.name, "production", {
      version: count,
      reason: "Canary at 10% for 24h: no guardrail breach, metric up",
    });
  }
  await database.experiment.updateMany({ where: { name: `${model.name}-training` }, data: { isDemo: true } });
  await database.registeredModel.update({ where: { name: model.name }, data: { isDemo: true } });
}
