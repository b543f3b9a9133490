import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/server/db/generated/client";
import { env } from "@/server/env";

export type Db = PrismaClient;

export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

const globalForDb = globalThis as unknown as { modelportDb?: Db };

/** The process-wide client (one pool, reused across Next.js hot reloads). */
export function db(): Db {
  globalForDb.modelportDb ??= createDb(env().DATABASE_URL);
  return globalForDb.modelportDb;
}
