import { setTimeout as sleep } from "node:timers/promises";
import { errorMessage } from "@/lib/error-message";
import { systemContextFromEnv } from "@/server/context-from-env";
import { closeQueues } from "@/server/jobs/define-job";
import { actingAs } from "@/server/services/context";
import { MIN_BASELINE_UNITS } from "@/server/services/abtests/measured-baseline";
import { startAbTest } from "@/server/services/abtests/lifecycle";
import { createAbTest, previewAbTest } from "@/server/services/abtests/setup";
import { setLabelDelay } from "@/server/services/registry/label-delay";

/**
 * The demo's A/B test: once the seeded GBT fraud version serves staging alone and the DEMO generator has reported
 * enough of its outcomes to measure a baseline, the fraud team's data scientist sets up a test of the newest
 * (logistic-regression) version against it and starts it — through the same services the portal's form and buttons
 * call. start.sh runs this after the worker starts; it does nothing when the test exists already.
 */
const MODEL = "fraud-detector-xgb";
const ENDPOINT = `${MODEL}-staging-local`;
const TEST_NAME = "DEMO: GBT vs logistic regression";
const POLL_MS = 5000;
const GIVE_UP_AFTER_MS = 60 * 60_000;
/** The DEMO generator reports most fraud outcomes within 90 s of the prediction (scripts/demo-traffic/feedback-plan.ts). */
const LABEL_DELAY_MINUTES = 2;

const system = systemContextFromEnv();
const database = system.db;
const log = (message: string) => console.log(`[demo A/B test] ${message}`);

/** Outcomes of the champion before setting up: enough for a steady baseline, not just the minimum to measure one. */
const BASELINE_OUTCOMES = Math.max(MIN_BASELINE_UNITS, 200);
/** The effect worth detecting, at most half the way from the champion's accuracy to 100 %. */
const MAX_MDE = 0.03;

/** Whether the champion serves staging alone and has the outcomes for a steady measured baseline. */
async function ready(): Promise<boolean> {
  const endpoint = await database.endpoint.findUnique({
    where: { name: ENDPOINT },
    select: { id: true, variants: { where: { weight: { gt: 0 } }, select: { versionId: true } } },
  });
  if (!endpoint || endpoint.variants.length !== 1) return false;
  const outcomes = await database.predictionOutcome.count({
    where: { endpointId: endpoint.id, source: "FEEDBACK", versionId: endpoint.variants[0]!.versionId },
  });
  return outcomes >= BASELINE_OUTCOMES;
}

async function main() {
  const model = await database.registeredModel.findUnique({
    where: { name: MODEL },
    select: {
      isDemo: true,
      versions: {
        orderBy: { version: "desc" },
        take: 1,
        select: { version: true, createdBy: { select: { id: true, role: true, teamId: true } } },
      },
    },
  });
  const challenger = model?.versions[0];
  if (!model?.isDemo || !challenger) return log(`no demo model ${MODEL}; nothing to do`);
  if (await database.abTest.findFirst({ where: { name: TEST_NAME, endpoint: { name: ENDPOINT } } }))
    return log("the demo test exists already");
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  while (!(await ready())) {
    if (Date.now() > deadline) return log("gave up: staging never had the champion's outcomes to measure a baseline");
    await sleep(POLL_MS);
  }
  const scientist = actingAs(system, {
    userId: challenger.createdBy.id,
    role: challenger.createdBy.role,
    teamId: challenger.createdBy.teamId,
  });
  await setLabelDelay(scientist, MODEL, { labelDelayMinutes: LABEL_DELAY_MINUTES });
  const setup = {
    endpointName: ENDPOINT,
    name: TEST_NAME,
    assignment: "STICKY" as const,
    championWeight: 50,
    challengers: [{ version: challenger.version, weight: 50 }],
    secondary: ["precision" as const, "recall" as const, "score_shift" as const, "cost_per_1k" as const],
  };
  // The measured accuracy decides how large an improvement can be: the plan needs baseline + MDE below 100 %.
  const baseline = await previewAbTest(scientist, {
    ...setup,
    preRegistration: { primaryMetric: "accuracy", mde: 0.001 },
  })
    .then((preview) => preview.preRegistration.baseline)
    .catch((error: unknown) => errorMessage(error));
  if (typeof baseline === "string") return log(`not set up: ${baseline}`);
  const mde = Math.min(MAX_MDE, Math.floor((1 - baseline) * 500) / 1000);
  if (!(mde > 0)) return log("not set up: the champion was right on every outcome, so no improvement can be tested");
  const test = await createAbTest(scientist, { ...setup, preRegistration: { primaryMetric: "accuracy", mde } });
  await startAbTest(scientist, { testId: test.id, mode: "RUNNING" });
  log(`"${TEST_NAME}" set up and started on ${ENDPOINT} (v${challenger.version} challenges the champion)`);
}

await main();
await closeQueues();
await database.$disconnect();
