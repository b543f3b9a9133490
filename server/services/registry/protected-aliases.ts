import { ALWAYS_PROTECTED_ALIASES } from "@/contracts/ownership";
import { setAliasProtectionInput } from "@/contracts/registry";
import type { z } from "zod";
import type { Prisma } from "@/server/db/generated/client";
import { badRequest, forbidden } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { AuditedContext, ReadContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import type { aliasProtectionOutput, protectedAliasListOutput } from "@/server/services/registry/schemas";

const isBuiltIn = (alias: string) => (ALWAYS_PROTECTED_ALIASES as readonly string[]).includes(alias);

export async function isProtectedAlias(db: Prisma.TransactionClient | ReadContext["db"], alias: string) {
  return isBuiltIn(alias) || (await db.protectedAlias.count({ where: { alias } })) > 0;
}

/**
 * Refuses a direct move or removal of a protected alias: those move only as the last step of an approved promotion
 * or an audited rollback (run-deployment.ts, through `moveAliasForRelease`).
 */
export async function assertAliasMovable(tx: Prisma.TransactionClient, alias: string): Promise<void> {
  if (!(await isProtectedAlias(tx, alias))) return;
  throw forbidden(
    `Alias "${alias}" is protected: it moves only through an approved promotion or an audited rollback ` +
      "(request a promotion of the version instead)",
  );
}

export async function listProtectedAliases(ctx: ReadContext): Promise<z.infer<typeof protectedAliasListOutput>> {
  const rows = await ctx.db.protectedAlias.findMany({ orderBy: { alias: "asc" }, select: { alias: true } });
  return [
    ...ALWAYS_PROTECTED_ALIASES.map((alias) => ({ alias, builtIn: true })),
    ...rows.map((row) => ({ alias: row.alias, builtIn: false })),
  ];
}

/** An admin protects an alias on every model, or lifts that protection; `production` is protected always. */
export async function setAliasProtection(
  ctx: AuditedContext,
  rawInput: z.input<typeof setAliasProtectionInput>,
): Promise<z.infer<typeof aliasProtectionOutput>> {
  const input = parseInput(setAliasProtectionInput, rawInput);
  if (isBuiltIn(input.alias)) throw badRequest(`Alias "${input.alias}" is always protected`);
  return ctx.db.$transaction(async (tx) => {
    const before = (await tx.protectedAlias.count({ where: { alias: input.alias } })) > 0;
    if (before === input.protected) return { alias: input.alias, protected: before, changed: false };
    if (input.protected) {
      await tx.protectedAlias.create({ data: { alias: input.alias, createdById: ctx.actor.userId } });
    } else {
      await tx.protectedAlias.delete({ where: { alias: input.alias } });
    }
    await recordAudit(tx, ctx.actor, {
      action: input.protected ? "alias.protect" : "alias.unprotect",
      entityType: "ProtectedAlias",
      entityId: input.alias,
      before: { protected: before },
      after: { protected: input.protected, reason: input.reason },
    });
    return { alias: input.alias, protected: input.protected, changed: true };
  });
}
