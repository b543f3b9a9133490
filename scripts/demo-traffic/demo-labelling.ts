import type { LabelValue } from "@/contracts/labels";
import { DEMO_LABEL_CREWS } from "@/prisma/seed/demo-catalog";
import { actorOf } from "@/server/auth/actor";
import { AppError, notFound } from "@/server/errors";
import { enqueue } from "@/server/jobs/define-job";
import { labelSamplingJob } from "@/server/jobs/label-sampling";
import { actingAs, type ServiceContext, type SystemContext } from "@/server/services/context";
import { freezeGoldenSetFromLabels } from "@/server/services/labels/golden-sets-from-labels";
import { nextItemsToLabel, submitAnnotation } from "@/server/services/labels/labelling";
import { createLabelQueue, updateLabelQueue } from "@/server/services/labels/queues";
import { adjudicateItem, listItemsToReview, reviewItem } from "@/server/services/labels/review";
import type { Random } from "@/training/random";
import { numberLabel, type DemoTruths } from "@/scripts/demo-traffic/demo-truths";

export const DEMO_QUEUE_NAME = "DEMO review";
export const DEMO_GOLDEN_SET = "demo-reviewed";
/** Accepted items a model's DEMO queue needs before its reviewed golden set is frozen; the crew then stops. */
export const DEMO_GOLDEN_ROWS = 60;
const PAGE = 25;
/** The DEMO queue's daily budget while the crew builds the golden set (paced over the day: ~8 items a minute), and
 * after, when what is sampled waits for people. */
const DEMO_BUDGET = { building: 12_000, after: 300 } as const;
/** How often the second annotator of a pair gets an item wrong, so agreement and adjudication have something to show. */
const SLIP_RATE = { classes: 0.08, number: 0.15 } as const;

type CrewEmails = { annotators: readonly [string, string]; reviewer: string };
type Crew = { annotators: ServiceContext[]; reviewer: ServiceContext };
type Options = {
  /** Crews by team name (default: the demo catalogue's). */
  crews?: Readonly<Record<string, CrewEmails | undefined>>;
  /** How sampling is asked for (default: a label-sampling job, as "Sample now" enqueues). */
  requestSampling?: (queueId: string) => Promise<unknown>;
};
type DemoQueue = { queueId: string; modelName: string; crew: Crew };
export type LabellingStep = { labelled: number; reviewed: number; frozen: string[] };

/**
 * The DEMO label crews (prisma/seed/demo-catalog.ts): per demo classifier and regressor served on the local runtime,
 * a "DEMO review" queue (overlap 2) created through the queue service; each step asks for sampling (as "Sample now"
 * does), two DEMO annotators label the sampled items whose true value the generator knows (the second slips now and
 * then), a DEMO reviewer accepts agreeing labels and settles disagreeing ones with the true value, and once
 * DEMO_GOLDEN_ROWS are accepted a crew member freezes them into the "demo-reviewed" golden set and the crew stops —
 * later items are left to people. Everything goes through the services the labelling and review pages call.
 */
export function demoLabelling(system: SystemContext, truths: DemoTruths, random: Random, options: Options = {}) {
  const crews: Readonly<Record<string, CrewEmails | undefined>> = options.crews ?? DEMO_LABEL_CREWS;
  const requestSampling = options.requestSampling ?? askForSampling;
  let queues: DemoQueue[] = [];
  const finished = new Set<string>();

  async function crewOf(teamName: string): Promise<Crew | undefined> {
    const emails = crews[teamName];
    if (!emails) return undefined;
    const people = await system.db.user.findMany({
      where: { email: { in: [...emails.annotators, emails.reviewer] }, isDemo: true },
      select: { id: true, email: true, role: true, teamId: true },
    });
    const ctxOf = (email: string) => {
      const person = people.find((p) => p.email === email);
      return person ? actingAs(system, actorOf(person)) : undefined;
    };
    const annotators = emails.annotators.map(ctxOf).filter((ctx) => ctx !== undefined);
    const reviewer = ctxOf(emails.reviewer);
    return annotators.length === 2 && reviewer ? { annotators, reviewer } : undefined;
  }

  async function ensureQueues(): Promise<DemoQueue[]> {
    const models = await system.db.registeredModel.findMany({
      where: {
        isDemo: true,
        taskType: { in: ["CLASSIFICATION", "REGRESSION"] },
        endpoints: { some: { target: "LOCAL", variants: { some: { weight: { gt: 0 } } } } },
      },
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        team: { select: { name: true } },
        labelQueues: { select: { id: true, name: true } },
      },
    });
    const found: DemoQueue[] = [];
    for (const model of models) {
      const crew = model.team ? await crewOf(model.team.name) : undefined;
      if (!crew) continue;
      const existing = model.labelQueues.find((queue) => queue.name === DEMO_QUEUE_NAME);
      const queueId = existing?.id ?? (await createDemoQueue(crew.annotators[0]!, model.name));
      found.push({ queueId, modelName: model.name, crew });
    }
    return found;
  }

  async function labelAs(annotator: ServiceContext, index: number, queueId: string): Promise<number> {
    let labelled = 0;
    let after: string | undefined;
    for (let page = 0; page < 20 && labelled < PAGE; page++) {
      const { items, labelSchema } = await nextItemsToLabel(annotator, { queueId, after, limit: PAGE });
      if (items.length === 0) break;
      const classes = labelSchema.kind === "classes" ? labelSchema.classes : [];
      after = items.at(-1)!.id;
      for (const item of items) {
        const truth = truths.of(item.predictionId);
        if (!truth) continue;
        const value = index === 0 ? truth : slipped(truth, random, classes);
        if (await unlessConflict(submitAnnotation(annotator, { itemId: item.id, round: item.round, value })))
          labelled++;
      }
    }
    return labelled;
  }

  async function review(reviewer: ServiceContext, queue: DemoQueue): Promise<number> {
    const crewIds = new Set(queue.crew.annotators.map((ctx) => ctx.actor.userId));
    const { items } = await listItemsToReview(reviewer, { queueId: queue.queueId, agreement: "all", limit: 50 });
    let reviewed = 0;
    for (const item of items) {
      const truth = truths.of(item.predictionId);
      // Only the crew's own labels: items people labelled wait for people to review.
      if (!truth || !item.annotations.every((a) => crewIds.has(a.annotator.id))) continue;
      const decision = item.agreed
        ? reviewItem(reviewer, { itemId: item.id, round: item.round, decision: "ACCEPT" })
        : adjudicateItem(reviewer, {
            itemId: item.id,
            round: item.round,
            value: truth,
            reason: "DEMO: settled with the traffic generator's true value",
          });
      if (await unlessConflict(decision)) reviewed++;
    }
    return reviewed;
  }

  /** "exists": the model already has the set (an earlier run froze it), so the crew has nothing left to do. */
  async function freezeWhenReady(queue: DemoQueue): Promise<"exists" | "frozen" | "waiting"> {
    const model = await system.db.registeredModel.findUniqueOrThrow({
      where: { name: queue.modelName },
      select: { id: true, goldenSets: { where: { name: DEMO_GOLDEN_SET }, select: { id: true }, take: 1 } },
    });
    if (model.goldenSets.length > 0) return "exists";
    const accepted = await system.db.labelItem.count({ where: { queueId: queue.queueId, status: "ACCEPTED" } });
    if (accepted < DEMO_GOLDEN_ROWS) return "waiting";
    await freezeGoldenSetFromLabels(queue.crew.annotators[0]!, {
      filter: { modelName: queue.modelName, queueId: queue.queueId },
      name: DEMO_GOLDEN_SET,
      description:
        "DEMO: production predictions sampled by the DEMO review queue, labelled by two DEMO annotators with the " +
        "traffic generator's true values and accepted by a DEMO reviewer",
    });
    await lowerBudget(queue);
    return "frozen";
  }

  return {
    async step(): Promise<LabellingStep> {
      if (queues.length === 0) queues = await ensureQueues();
      const summary: LabellingStep = { labelled: 0, reviewed: 0, frozen: [] };
      for (const queue of queues) {
        if (finished.has(queue.queueId)) continue;
        // One queue's trouble never stops the others: a queue deleted meanwhile is looked up afresh next step, and
        // one whose labels cannot be frozen (a person accepted something the golden set refuses) is left to people.
        await stepQueue(queue, summary).catch((error: unknown) => {
          if (!(error instanceof AppError) || (error.code !== "NOT_FOUND" && error.code !== "BAD_REQUEST")) throw error;
          if (error.code === "NOT_FOUND") queues = [];
          else finished.add(queue.queueId);
          console.error(`DEMO labelling: ${queue.modelName}: ${error.message}`);
        });
      }
      return summary;
    },
  };

  async function stepQueue(queue: DemoQueue, summary: LabellingStep) {
    if ((await freezeWhenReady(queue)) === "exists") {
      await lowerBudget(queue);
      finished.add(queue.queueId);
      return;
    }
    await requestSampling(queue.queueId);
    for (const [index, annotator] of queue.crew.annotators.entries())
      summary.labelled += await labelAs(annotator, index, queue.queueId);
    summary.reviewed += await review(queue.crew.reviewer, queue);
    if ((await freezeWhenReady(queue)) === "frozen") {
      finished.add(queue.queueId);
      summary.frozen.push(queue.modelName);
    }
  }

  /** Once the golden set exists, what is sampled waits for people: the budget drops (again, if a stop came between). */
  async function lowerBudget(queue: DemoQueue) {
    const row = await system.db.labelQueue.findUnique({ where: { id: queue.queueId }, select: { dailyBudget: true } });
    if (!row) throw notFound("Label queue");
    if (row.dailyBudget === DEMO_BUDGET.building)
      await updateLabelQueue(queue.crew.annotators[0]!, { queueId: queue.queueId, dailyBudget: DEMO_BUDGET.after });
  }
}

async function createDemoQueue(owner: ServiceContext, modelName: string): Promise<string> {
  const queue = await createLabelQueue(owner, {
    modelName,
    name: DEMO_QUEUE_NAME,
    overlap: 2,
    dailyBudget: DEMO_BUDGET.building,
    sampling: {
      rates: { AUDIT: 0.05, UNCERTAINTY: 0.3, DISAGREEMENT: 0.5, DRIFT: 0.05, FLAGGED: 1 },
      disagreementWindowSeconds: 60,
    },
  });
  return queue.id;
}

/** What "Sample now" does: one sampling job per queue per minute (the job id makes repeats within it no-ops). */
async function askForSampling(queueId: string): Promise<void> {
  const minute = Math.floor(Date.now() / 60_000);
  await enqueue(labelSamplingJob, { queueId }, { jobId: `label-sampling:${queueId}:${minute}` });
}

/** The second annotator's label: the truth, or now and then another class or a misread number. */
export function slipped(truth: LabelValue, random: Random, classes: readonly string[] = []): LabelValue {
  if (truth.kind === "number") {
    if (random.uniform() >= SLIP_RATE.number) return truth;
    return numberLabel(truth.value + (random.uniform() < 0.5 ? -1 : 1) * random.between(0.5, 3));
  }
  if (truth.kind !== "classes" || random.uniform() >= SLIP_RATE.classes) return truth;
  const others = classes.filter((label) => label !== truth.label);
  const label = others[Math.floor(random.uniform() * others.length)];
  return label === undefined ? truth : { kind: "classes", label };
}

/** The item moved on meanwhile (a person labelled or reviewed it first): skip it, the next step sees the news. */
async function unlessConflict<T>(work: Promise<T>): Promise<boolean> {
  return work.then(
    () => true,
    (error: unknown) => {
      if (error instanceof AppError && error.code === "CONFLICT") return false;
      throw error;
    },
  );
}
