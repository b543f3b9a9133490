import type { z } from "zod";
import { conflict } from "@/server/errors";
import type { AuditedContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { aliasEventSelect, toAliasEvent } from "@/server/services/registry/alias-event-view";
import { lockModel, touchModel, versionNotFound } from "@/server/services/registry/find-model";
import { parseInput } from "@/server/services/parse-input";
import { aliasNameSchema, setAliasInput } from "@/contracts/registry";
import { assertAliasMovable } from "@/server/services/registry/protected-aliases";
import { modelRefSchema, type aliasSetOutput } from "@/server/services/registry/schemas";

type AliasMove = { name: string; alias: string; input: z.input<typeof setAliasInput>; release: boolean };

/**
 * Points an alias at a version (creating or moving it) and records who did it and why. Protected aliases
 * (`production`, and those an admin marks) are refused: they move only through promotions and rollbacks.
 */
export function setAlias(
  ctx: AuditedContext,
  name: string,
  alias: string,
  input: z.input<typeof setAliasInput>,
): Promise<z.infer<typeof aliasSetOutput>> {
  return writeAlias(ctx, { name, alias, input, release: false });
}

/**
 * The last step of an approved promotion or an audited rollback (run-deployment.ts), and the demo seed standing in
 * for past releases: moves the alias even when it is protected. Never reachable from the API directly.
 */
export function moveAliasForRelease(
  ctx: AuditedContext,
  name: string,
  alias: string,
  input: z.input<typeof setAliasInput>,
): Promise<z.infer<typeof aliasSetOutput>> {
  return writeAlias(ctx, { name, alias, input, release: true });
}

async function writeAlias(ctx: AuditedContext, move: AliasMove): Promise<z.infer<typeof aliasSetOutput>> {
  const modelName = parseInput(modelRefSchema, move.name);
  const aliasName = parseInput(aliasNameSchema, move.alias);
  const input = parseInput(setAliasInput, move.input);
  return ctx.db.$transaction(async (tx) => {
    const model = await lockModel(tx, modelName);
    if (!move.release) await assertAliasMovable(tx, aliasName);
    const target = await tx.modelVersion.findUnique({
      where: { modelId_version: { modelId: model.id, version: input.version } },
      select: { id: true, version: true },
    });
    if (!target) throw versionNotFound(model.name, input.version);
    const current = await tx.modelAlias.findUnique({
      where: { modelId_alias: { modelId: model.id, alias: aliasName } },
      select: { versionId: true, version: { select: { version: true } } },
    });
    if (current?.versionId === target.id)
      throw conflict(`Alias "${aliasName}" already points at version ${target.version}`);

    const now = new Date();
    await tx.modelAlias.upsert({
      where: { modelId_alias: { modelId: model.id, alias: aliasName } },
      create: {
        modelId: model.id,
        alias: aliasName,
        versionId: target.id,
        updatedById: ctx.actor.userId,
        updatedAt: now,
      },
      update: { versionId: target.id, updatedById: ctx.actor.userId, updatedAt: now },
    });
    const event = await tx.aliasEvent.create({
      data: {
        modelId: model.id,
        alias: aliasName,
        fromVersionId: current?.versionId ?? null,
        toVersionId: target.id,
        actorId: ctx.actor.userId,
        reason: input.reason,
        createdAt: now,
      },
      select: aliasEventSelect,
    });
    await touchModel(tx, model.id, now);
    await recordAudit(tx, ctx.actor, {
      action: "alias.set",
      entityType: "ModelAlias",
      entityId: `${model.id}:${aliasName}`,
      before: { model: model.name, alias: aliasName, version: current?.version.version ?? null },
      after: { model: model.name, alias: aliasName, version: target.version, reason: input.reason },
    });
    return { model: model.name, alias: aliasName, version: target.version, event: toAliasEvent(event) };
  });
}
