import type { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";

/**
 * Locks an item's row for the rest of the transaction (SELECT … FOR UPDATE) and reads it with its queue and model:
 * whoever acts on an item second waits, then sees the first one's change (no lost update, no double review).
 */
export async function lockItem(tx: Prisma.TransactionClient, itemId: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "LabelItem" WHERE id = ${itemId} FOR UPDATE`;
  if (locked.length === 0) throw notFound("Label item");
  return tx.labelItem.findUniqueOrThrow({
    where: { id: itemId },
    include: { queue: { include: { model: true } } },
  });
}
