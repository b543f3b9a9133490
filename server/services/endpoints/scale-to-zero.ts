import type { z } from "zod";
import { scaleToZeroInput } from "@/contracts/scale-to-zero";
import { AppError, notFound } from "@/server/errors";
import { LocalRuntimeError } from "@/server/integrations/local-runtime/runtime-control-client";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import type { ScaleToZeroSetting } from "@/server/services/endpoints/schemas";

/**
 * Sets how long an endpoint of the local runtime may stay idle before it scales to zero (audited, in one
 * transaction), then tells the runtime, which changes it in place. PostgreSQL is the source of truth: every
 * deployment of the endpoint carries it, so a runtime that did not answer gets it with the next one.
 */
export async function setScaleToZero(
  ctx: ServiceContext,
  rawInput: z.input<typeof scaleToZeroInput>,
): Promise<ScaleToZeroSetting> {
  const input = parseInput(scaleToZeroInput, rawInput);
  const idleSeconds = input.idleMinutes === null ? null : input.idleMinutes * 60;
  const saved = await ctx.db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findUnique({ where: { id: input.endpointId } });
    if (!endpoint) throw notFound("Endpoint");
    if (endpoint.target !== "LOCAL")
      throw new AppError(
        "UNPROCESSABLE",
        `Scale to zero is set here for endpoints of the local runtime; ${endpoint.name} is on ${endpoint.target}`,
      );
    await tx.endpoint.update({ where: { id: endpoint.id }, data: { scaleToZeroIdleSeconds: idleSeconds } });
    await recordAudit(tx, ctx.actor, {
      action: "endpoint.scale-to-zero",
      entityType: "Endpoint",
      entityId: endpoint.id,
      before: { idleSeconds: endpoint.scaleToZeroIdleSeconds },
      after: { idleSeconds },
    });
    return endpoint;
  });
  return { endpointId: saved.id, idleSeconds, runtime: await applyToRuntime(ctx, saved.name, idleSeconds) };
}

async function applyToRuntime(ctx: ServiceContext, name: string, idleSeconds: number | null) {
  try {
    return (await ctx.runtime.control().putScaleToZero(name, idleSeconds)) ? "applied" : "not-serving";
  } catch (error) {
    if (error instanceof LocalRuntimeError) return "unreachable";
    throw error;
  }
}
