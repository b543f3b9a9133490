import type { z } from "zod";
import { abAnalysisSchema } from "@/contracts/abtest-analysis";
import { abMetricRolesSchema, preRegistrationSchema } from "@/contracts/abtests";
import type { Prisma } from "@/server/db/generated/client";
import type { abTestOutput, abTestSummaryOutput } from "@/server/services/abtests/schemas";

export const testInclude = {
  endpoint: { include: { model: { select: { id: true, name: true, teamId: true } } } },
  arms: { include: { version: { select: { version: true } } }, orderBy: [{ role: "asc" }, { variantName: "asc" }] },
  createdBy: { select: { id: true, name: true } },
  decidedBy: { select: { id: true, name: true } },
} as const satisfies Prisma.AbTestInclude;
type TestRow = Prisma.AbTestGetPayload<{ include: typeof testInclude }>;

export function testView(test: TestRow): z.infer<typeof abTestOutput> {
  const { endpoint } = test;
  return {
    id: test.id,
    name: test.name,
    status: test.status,
    pendingStatus: test.pendingStatus,
    transitionError: test.transitionError,
    stopReason: test.stopReason,
    assignment: test.assignment,
    endpoint: { id: endpoint.id, name: endpoint.name, environment: endpoint.environment, target: endpoint.target },
    model: endpoint.model,
    arms: test.arms.map((arm) => ({
      variantName: arm.variantName,
      role: arm.role,
      weight: arm.weight,
      version: arm.version.version,
      versionId: arm.versionId,
      stoppedAt: arm.stoppedAt,
      stopReason: arm.stopReason,
    })),
    preRegistration: preRegistrationSchema.parse(test.preRegistration),
    metrics: abMetricRolesSchema.parse(test.metrics),
    createdBy: test.createdBy,
    decision: test.decision,
    decidedBy: test.decidedBy,
    decidedAt: test.decidedAt,
    promotionId: test.promotionId,
    startedAt: test.startedAt,
    endedAt: test.endedAt,
    createdAt: test.createdAt,
    // A stored analysis that no longer parses (an older shape) shows as none rather than failing the page.
    analysis: abAnalysisSchema.safeParse(test.analysis).data ?? null,
    analyzedAt: test.analyzedAt,
  };
}

/** The list's view of a test, read without its analysis and evidence (omitted from the query). */
export function summaryView(test: Omit<TestRow, "analysis" | "evidence">): z.infer<typeof abTestSummaryOutput> {
  const { analysis: _analysis, ...summary } = testView({ ...test, analysis: null, evidence: null });
  return summary;
}
