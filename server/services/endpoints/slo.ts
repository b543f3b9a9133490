import type { z } from "zod";
import { notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { endpointSloInput } from "@/contracts/slo-rules";
import type { EndpointSlo } from "@/server/services/endpoints/schemas";

/** An endpoint's own SLO: its p99 target and availability objective, read by the latency page and the SLO alerts. Audited. */
export async function setEndpointSlo(
  ctx: ServiceContext,
  rawInput: z.input<typeof endpointSloInput>,
): Promise<EndpointSlo> {
  const input = parseInput(endpointSloInput, rawInput);
  return ctx.db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findUnique({ where: { id: input.endpointId } });
    if (!endpoint) throw notFound("Endpoint");
    const updated = await tx.endpoint.update({
      where: { id: endpoint.id },
      data: { sloP99Ms: input.p99Ms, sloAvailability: input.availability },
      select: { id: true, name: true, sloP99Ms: true, sloAvailability: true },
    });
    await recordAudit(tx, ctx.actor, {
      action: "endpoint.slo",
      entityType: "Endpoint",
      entityId: endpoint.id,
      before: { p99Ms: endpoint.sloP99Ms, availability: endpoint.sloAvailability },
      after: { p99Ms: updated.sloP99Ms, availability: updated.sloAvailability },
    });
    return updated;
  });
}
