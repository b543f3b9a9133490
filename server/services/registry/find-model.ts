import type { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";
import { notFound } from "@/server/errors";

export const modelNotFound = (name: string) => notFound(`Model "${name}"`);
export const versionNotFound = (name: string, version: number) => notFound(`Version ${version} of model "${name}"`);

/** The model's id, or a 404 naming it. */
export async function findModelId(ctx: ReadContext, name: string): Promise<string> {
  const model = await ctx.db.registeredModel.findUnique({ where: { name }, select: { id: true } });
  if (!model) throw modelNotFound(name);
  return model.id;
}

/**
 * Locks the model row until the transaction ends, so version numbering, duplicate checks and
 * alias moves of one model happen one at a time.
 */
export async function lockModel(tx: Prisma.TransactionClient, name: string): Promise<{ id: string; name: string }> {
  const rows = await tx.$queryRaw<{ id: string; name: string }[]>`
    SELECT "id", "name" FROM "RegisteredModel" WHERE "name" = ${name} FOR UPDATE`;
  const model = rows[0];
  if (!model) throw modelNotFound(name);
  return model;
}

/** Bumps updatedAt so lists sorted by "updated" show models with recent versions or alias moves first. */
export async function touchModel(tx: Prisma.TransactionClient, modelId: string, at: Date) {
  await tx.registeredModel.update({ where: { id: modelId }, data: { updatedAt: at }, select: { id: true } });
}

/** For pages that answer 404 before rendering: nothing, or a 404 naming the model. */
export async function assertModelExists(ctx: ReadContext, name: string): Promise<void> {
  if ((await ctx.db.registeredModel.count({ where: { name } })) === 0) throw modelNotFound(name);
}

/** For pages that answer 404 before rendering: nothing, or a 404 naming the version. */
export async function assertVersionExists(ctx: ReadContext, name: string, version: number): Promise<void> {
  if ((await ctx.db.modelVersion.count({ where: { version, model: { name } } })) === 0) {
    throw versionNotFound(name, version);
  }
}
