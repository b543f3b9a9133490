import type { z } from "zod";
import { versionNumberSchema } from "@/contracts/registry";
import { servingSlaSchema, setVersionSlaInput, type ServingSla } from "@/contracts/serving-modes";
import { Prisma } from "@/server/db/generated/client";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { versionNotFound } from "@/server/services/registry/find-model";
import { modelRefSchema, type VersionSlaOutput } from "@/server/services/registry/schemas";

/** A version's stored SLA: null when none was declared (an empty object declares nothing either). */
export function readSla(stored: unknown): ServingSla | null {
  if (stored === null || stored === undefined) return null;
  const sla = servingSlaSchema.parse(stored);
  return Object.keys(sla).length > 0 ? sla : null;
}

/**
 * Declares what a version needs of the endpoint that serves it (or clears it), audited in the same transaction.
 * Promotions requested from then on are checked against it; one already pending is checked again when approved.
 */
export async function setVersionSla(
  ctx: ServiceContext,
  name: string,
  version: number,
  rawInput: z.input<typeof setVersionSlaInput>,
): Promise<VersionSlaOutput> {
  const modelName = parseInput(modelRefSchema, name);
  const number = parseInput(versionNumberSchema, version);
  const input = parseInput(setVersionSlaInput, rawInput);
  const sla = input.sla && Object.keys(input.sla).length > 0 ? input.sla : null;
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.modelVersion.findFirst({
      where: { version: number, model: { name: modelName } },
      select: { id: true, sla: true },
    });
    if (!row) throw versionNotFound(modelName, number);
    await tx.modelVersion.update({ where: { id: row.id }, data: { sla: sla ?? Prisma.DbNull } });
    await recordAudit(tx, ctx.actor, {
      action: "version.sla",
      entityType: "ModelVersion",
      entityId: row.id,
      before: { sla: row.sla },
      after: { sla },
    });
    return { model: modelName, version: number, sla };
  });
}
