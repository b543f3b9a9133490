import type { z } from "zod";
import { notFound } from "@/server/errors";
import type { versionAbTestsInput, versionAbTestsOutput } from "@/server/services/abtests/schemas";
import type { ReadContext } from "@/server/services/context";

/**
 * The A/B tests a version took part in, newest first, with its role, the decision and the evidence frozen with it
 * (shown on the version's page; the same snapshot is in the audit log).
 */
export async function abTestsOfVersion(
  ctx: ReadContext,
  input: z.infer<typeof versionAbTestsInput>,
): Promise<z.infer<typeof versionAbTestsOutput>> {
  const version = await ctx.db.modelVersion.findFirst({
    where: { version: input.version, model: { name: input.modelName } },
    select: { id: true },
  });
  if (!version) throw notFound(`Version ${input.version} of model "${input.modelName}"`);
  const arms = await ctx.db.abTestArm.findMany({
    where: { versionId: version.id },
    orderBy: { test: { createdAt: "desc" } },
    take: 50,
    select: {
      role: true,
      stoppedAt: true,
      stopReason: true,
      test: {
        select: {
          id: true,
          name: true,
          status: true,
          decision: true,
          decidedAt: true,
          evidence: true,
          startedAt: true,
          endedAt: true,
          endpoint: { select: { name: true } },
          decidedBy: { select: { id: true, name: true } },
        },
      },
    },
  });
  return arms.map(({ test, ...arm }) => ({
    ...arm,
    id: test.id,
    name: test.name,
    status: test.status,
    endpointName: test.endpoint.name,
    startedAt: test.startedAt,
    endedAt: test.endedAt,
    decision: test.decision,
    decidedAt: test.decidedAt,
    decidedBy: test.decidedBy,
    winnerVersion: winnerOf(test.evidence),
  }));
}

function winnerOf(evidence: unknown): number | null {
  if (typeof evidence !== "object" || evidence === null || !("winnerVersion" in evidence)) return null;
  return typeof evidence.winnerVersion === "number" ? evidence.winnerVersion : null;
}
