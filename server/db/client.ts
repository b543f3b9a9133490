import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/server/db/generated/client";
import { env } from "@/server/env";

export type Db = PrismaClient;

/** A client whose sessions PostgreSQL ends when they sit idle inside a transaction (see DB_IDLE_IN_TRANSACTION_TIMEOUT_MS). */
export function createDb(databaseUrl: string, idleInTransactionTimeoutMs: number): Db {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      idle_in_transaction_session_timeout: idleInTransactionTimeoutMs,
    }),
  });
}

const globalForDb = globalThis as unknown as { modelportDb?: Db };

/** The process-wide client (one pool, reused across Next.js hot reloads). */
export function db(): Db {
  globalForDb.modelportDb ??= createDb(env().DATABASE_URL, env().DB_IDLE_IN_TRANSACTION_TIMEOUT_MS);
  return globalForDb.modelportDb;
}
