import type { Prisma } from "@/server/db/generated/client";
import type { Actor } from "@/server/auth/actor";

export type AuditEntry = {
  action: string;
  entityType: string;
  entityId: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
};

/** Writes one audit row. Call it inside the same transaction as the change it records. */
export async function recordAudit(tx: Prisma.TransactionClient, actor: Actor, entry: AuditEntry) {
  await tx.auditLog.create({
    data: {
      actorId: actor.userId,
      tokenId: actor.tokenId ?? null,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: entry.before,
      after: entry.after,
    },
  });
}

/** Writes one audit row for something the system did by itself (no person or token acted): actorId is null. */
export async function recordSystemAudit(tx: Prisma.TransactionClient, entry: AuditEntry) {
  await tx.auditLog.create({ data: { actorId: null, tokenId: null, ...entry } });
}
