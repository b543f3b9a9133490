import type { Db } from "@/server/db/client";
import { classesOf } from "@/contracts/outcomes";
import { signatureSchema } from "@/contracts/signature";
import type { OutcomeKind } from "@/scripts/demo-traffic/feedback-plan";

export type DemoEndpoint = { endpointName: string; inputs: string[]; teamId: string; outcome: OutcomeKind };

/**
 * The demo models' endpoints on the local runtime that serve at least one variant: their inputs (from the served
 * version's signature), the owning team (whose token reports feedback) and how outcomes are reported.
 */
export async function demoEndpoints(database: Db): Promise<DemoEndpoint[]> {
  const endpoints = await database.endpoint.findMany({
    where: { target: "LOCAL", model: { isDemo: true }, variants: { some: { weight: { gt: 0 } } } },
    orderBy: { name: "asc" },
    select: {
      name: true,
      model: { select: { teamId: true, taskType: true, outcomeClasses: true } },
      variants: { take: 1, orderBy: { weight: "desc" }, select: { version: { select: { signature: true } } } },
    },
  });
  return endpoints.flatMap((endpoint) => {
    const signature = signatureSchema.safeParse(endpoint.variants[0]?.version.signature);
    if (!signature.success) return [];
    const { taskType, outcomeClasses, teamId } = endpoint.model;
    if (taskType !== "CLASSIFICATION" && taskType !== "REGRESSION") return [];
    const outcome: OutcomeKind =
      taskType === "REGRESSION"
        ? { kind: "regression" }
        : { kind: "classification", classes: classesOf(outcomeClasses) };
    return [{ endpointName: endpoint.name, inputs: signature.data.inputs.map((input) => input.name), teamId, outcome }];
  });
}
