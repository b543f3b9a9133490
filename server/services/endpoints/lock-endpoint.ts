import type { Prisma } from "@/server/db/generated/client";

/**
 * Holds the endpoint's row until the transaction ends. Decisions that exclude each other on one endpoint (an A/B test
 * and the asynchronous mode) take it first, so two people acting at once are decided one after the other.
 */
export async function lockEndpointRow(tx: Prisma.TransactionClient, endpointId: string): Promise<void> {
  await tx.$executeRaw`SELECT id FROM "Endpoint" WHERE id = ${endpointId} FOR UPDATE`;
}
