import type { z } from "zod";
import { capturePolicyInput } from "@/contracts/capture-policy";
import { notFound } from "@/server/errors";
import { LocalRuntimeError } from "@/server/integrations/local-runtime/runtime-control-client";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import type { CapturePolicy } from "@/server/services/capture/schemas";

/**
 * Sets an endpoint's capture policy (audited, in one transaction), then tells the local runtime the new rate so it
 * takes effect without a redeploy. PostgreSQL is the source of truth: a runtime that does not answer gets the rate
 * with the endpoint's next deployment, and the answer says so.
 */
export async function setCapturePolicy(
  ctx: ServiceContext,
  rawInput: z.input<typeof capturePolicyInput>,
): Promise<CapturePolicy> {
  const input = parseInput(capturePolicyInput, rawInput);
  const updated = await ctx.db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findUnique({ where: { id: input.endpointId } });
    if (!endpoint) throw notFound("Endpoint");
    const saved = await tx.endpoint.update({
      where: { id: endpoint.id },
      data: { captureRate: input.rate, captureRetentionDays: input.retentionDays },
      select: { id: true, name: true, target: true, captureRate: true, captureRetentionDays: true },
    });
    await recordAudit(tx, ctx.actor, {
      action: "endpoint.capture",
      entityType: "Endpoint",
      entityId: endpoint.id,
      before: { rate: endpoint.captureRate, retentionDays: endpoint.captureRetentionDays },
      after: { rate: saved.captureRate, retentionDays: saved.captureRetentionDays },
    });
    return saved;
  });
  const { target, ...policy } = updated;
  return { ...policy, runtime: target === "LOCAL" ? await applyToRuntime(ctx, updated) : "not-local" };
}

async function applyToRuntime(ctx: ServiceContext, endpoint: { name: string; captureRate: number }) {
  try {
    const view = await ctx.runtime.control().putCapture(endpoint.name, endpoint.captureRate);
    return view ? "applied" : "not-serving";
  } catch (error) {
    if (error instanceof LocalRuntimeError) return "unreachable";
    throw error;
  }
}
