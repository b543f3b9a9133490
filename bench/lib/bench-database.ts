import { execFileSync } from "node:child_process";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { env } from "@/server/env";

const ADMIN_URL = process.env.PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type BenchDatabase = ReturnType<typeof createDb>;

/** A freshly migrated database of the benchmark's own, so benchmarks never touch real data. */
export async function freshBenchDatabase(name: string) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url.toString() },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { url: url.toString(), database: createDb(url.toString(), env().DB_IDLE_IN_TRANSACTION_TIMEOUT_MS) };
}
