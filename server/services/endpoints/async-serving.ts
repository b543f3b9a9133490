import type { z } from "zod";
import { setAsyncServingInput } from "@/contracts/async-serving";
import { Prisma } from "@/server/db/generated/client";
import { AppError, conflict, notFound } from "@/server/errors";
import { lockEndpointRow } from "@/server/services/endpoints/lock-endpoint";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import type { AsyncServingSetting } from "@/server/services/endpoints/schemas";
import { parseInput } from "@/server/services/parse-input";

/**
 * Turns an endpoint of SageMaker asynchronous (AsyncInferenceConfig, backlog scaling) or back to real time, audited in
 * one transaction. SageMaker needs a new endpoint config for it, so it takes effect with the endpoint's next
 * deployment or rollback, which read it right before they apply. An asynchronous endpoint serves one variant, so it
 * is refused while an A/B test on the endpoint has not ended (planned ones too: starting one later would apply two
 * variants).
 */
export async function setAsyncServing(
  ctx: ServiceContext,
  rawInput: z.input<typeof setAsyncServingInput>,
): Promise<AsyncServingSetting> {
  const input = parseInput(setAsyncServingInput, rawInput);
  return ctx.db.$transaction(async (tx) => {
    await lockEndpointRow(tx, input.endpointId);
    const endpoint = await tx.endpoint.findUnique({
      where: { id: input.endpointId },
      include: {
        _count: {
          select: { variants: true, abTests: { where: { status: { in: ["PLANNED", "SHADOW", "RUNNING"] } } } },
        },
      },
    });
    if (!endpoint) throw notFound("Endpoint");
    if (endpoint.target !== "SAGEMAKER")
      throw new AppError(
        "UNPROCESSABLE",
        `Asynchronous serving is a SageMaker endpoint mode; ${endpoint.name} is on ${endpoint.target}, where every endpoint also takes asynchronous invocations`,
      );
    if (input.serving && endpoint.componentHosting !== null)
      throw conflict(
        `${endpoint.name} hosts inference components, which answer in real time; an asynchronous endpoint needs dedicated instances`,
      );
    if (input.serving && (endpoint._count.variants > 1 || endpoint._count.abTests > 0))
      throw conflict(
        `${endpoint.name} has an A/B test that has not ended (or serves several variants); an asynchronous endpoint serves one — end the test first`,
      );
    await tx.endpoint.update({ where: { id: endpoint.id }, data: { asyncServing: input.serving ?? Prisma.DbNull } });
    await recordAudit(tx, ctx.actor, {
      action: "endpoint.async-serving",
      entityType: "Endpoint",
      entityId: endpoint.id,
      before: { serving: endpoint.asyncServing },
      after: { serving: input.serving },
    });
    return { endpointId: endpoint.id, serving: input.serving, appliesWith: "next-deployment" as const };
  });
}
