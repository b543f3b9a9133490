import { errorMessage } from "@/lib/error-message";
import { enqueueAbTestTraffic } from "@/server/jobs/abtest-traffic";
import { analyzeTest, type AnalyzeContext } from "@/server/services/abtests/analysis/analyze-test";
import { stopHarmfulChallengers } from "@/server/services/abtests/harm-stop";

export type WatchSummary = {
  analysed: string[];
  /** Challengers taken off traffic by a guardrail at this watch. */
  stopped: string[];
  requeued: string[];
  failed: Array<{ testId: string; reason: string }>;
};

/**
 * One watch over the A/B tests: re-queues traffic moves left pending; gives every running test (traffic settled) a
 * look and takes the challengers its guardrails found harmful off traffic; gives a test that ended since its last look
 * a final one over its whole run. A test whose look fails (its data unreadable) is reported and the others go on.
 */
export async function watchAbTests(ctx: AnalyzeContext): Promise<WatchSummary> {
  const summary: WatchSummary = { analysed: [], stopped: [], requeued: [], failed: [] };
  const pending = await ctx.db.abTest.findMany({
    where: { pendingStatus: { not: null } },
    select: { id: true, transitionSeq: true },
  });
  for (const test of pending) {
    await enqueueAbTestTraffic(test.id, test.transitionSeq);
    summary.requeued.push(test.id);
  }
  const ended = { in: ["STOPPED" as const, "CONCLUDED" as const] };
  const tests = await ctx.db.abTest.findMany({
    where: {
      OR: [
        { status: "RUNNING", pendingStatus: null },
        { status: "SHADOW", pendingStatus: null, startedAt: null, shadowStartedAt: { not: null } },
        { status: ended, startedAt: { not: null }, endedAt: { not: null }, analyzedAt: null },
        { status: ended, startedAt: { not: null }, analyzedAt: { lt: ctx.db.abTest.fields.endedAt } },
      ],
    },
    select: { id: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  for (const test of tests) {
    const outcome = await analyzeTest(ctx, test.id).then(
      (analysis) => ({ analysis }),
      (error: unknown) => ({ error: errorMessage(error) }),
    );
    if ("error" in outcome) {
      summary.failed.push({ testId: test.id, reason: outcome.error });
      continue;
    }
    summary.analysed.push(test.id);
    if (test.status !== "RUNNING") continue;
    const { stopped } = await stopHarmfulChallengers(ctx.db, test.id, outcome.analysis.harm, ctx.clock());
    summary.stopped.push(...stopped);
  }
  return summary;
}
