import { setTimeout as sleep } from "node:timers/promises";
import { systemContextFromEnv } from "@/server/context-from-env";
import { closeQueues } from "@/server/jobs/define-job";
import { actingAs } from "@/server/services/context";
import { MIN_BASELINE_UNITS } from "@/server/services/abtests/measured-baseline";
import { startAbTest } from "@/server/services/abtests/lifecycle";
import { createAbTest } from "@/server/services/abtests/setup";
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

/** Whether the champion serves staging alone and has the outcomes a measured baseline needs. */
async function ready(): Promise<boolean> {
  const endpoint = await database.endpoint.findUnique({
    where: { name: ENDPOINT },
    select: { id: true, variants: { where: { weight: { gt: 0 } }, select: { versionId: true } } },
  });
  if (!endpoint || endpoint.variants.length !== 1) return false;
  const outcomes = await database.predictionOutcome.count({
    where: { endpointId: endpoint.id, source: "FEEDBACK", versionId: endpoint.variants[0]!.versionId },
  });
  return outcomes >= MIN_BASELINE_UNITS;
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
  const test = await createAbTest(scientist, {
    endpointName: ENDPOINT,
    name: TEST_NAME,
    assignment: "STICKY",
    championWeight: 50,
    challengers: [{ version: challenger.version, weight: 50 }],
    preRegistration: { primaryMetric: "accuracy", mde: 0.03 },
    secondary: ["precision", "recall", "score_shift", "cost_per_1k"],
  });
  await startAbTest(scientist, { testId: test.id, mode: "RUNNING" });
  log(`"${TEST_NAME}" set up and started on ${ENDPOINT} (v${challenger.version} challenges the champion)`);
}

await main();
await closeQueues();
await database.$disconnect();
