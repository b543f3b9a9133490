import { removeAliasInput } from "@/contracts/registry";
import type { z } from "zod";
import { notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { aliasEventSelect, toAliasEvent } from "@/server/services/registry/alias-event-view";
import { lockModel, touchModel } from "@/server/services/registry/find-model";
import { assertAliasMovable } from "@/server/services/registry/protected-aliases";
import { parseInput } from "@/server/services/parse-input";
import { modelRefSchema, type aliasRemovedOutput } from "@/server/services/registry/schemas";

/** Removes an alias (not a protected one); the event log keeps that it pointed somewhere until now. */
export async function removeAlias(
  ctx: ServiceContext,
  name: string,
  alias: string,
  rawInput: z.input<typeof removeAliasInput> = {},
): Promise<z.infer<typeof aliasRemovedOutput>> {
  const modelName = parseInput(modelRefSchema, name);
  const input = parseInput(removeAliasInput, rawInput);
  const reason = input.reason ?? "";
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, modelName);
    await assertAliasMovable(tx, alias);
    const current = await tx.modelAlias.findUnique({
      where: { modelId_alias: { modelId: model.id, alias } },
      select: { versionId: true, version: { select: { version: true } } },
    });
    if (!current) throw notFound(`Alias "${alias}" on model "${model.name}"`);

    const now = new Date();
    await tx.modelAlias.delete({ where: { modelId_alias: { modelId: model.id, alias } } });
    const event = await tx.aliasEvent.create({
      data: {
        modelId: model.id,
        alias,
        fromVersionId: current.versionId,
        toVersionId: null,
        actorId: ctx.actor.userId,
        reason,
        createdAt: now,
      },
      select: aliasEventSelect,
    });
    await touchModel(tx, model.id, now);
    await recordAudit(tx, ctx.actor, {
      action: "alias.remove",
      entityType: "ModelAlias",
      entityId: `${model.id}:${alias}`,
      before: { model: model.name, alias, version: current.version.version },
      after: { model: model.name, alias, version: null, reason },
    });
    return { model: model.name, alias, previousVersion: current.version.version, event: toAliasEvent(event) };
  });
}
