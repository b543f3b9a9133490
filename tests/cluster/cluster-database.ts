import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll } from "vitest";
import { closeAndDropTestDatabase } from "@/tests/integration/support/drop-test-database";

// The multi-instance test's own database and queue prefix, made fresh (and migrated); every process it starts uses them,
// and both are removed at the end.
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `modelport_cluster_${randomBytes(6).toString("hex")}`;
const ROOT = path.resolve(import.meta.dirname, "../..");

const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
await admin.end();

const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
process.env.QUEUE_PREFIX = name;
execFileSync(path.join(ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
  cwd: ROOT,
  env: process.env,
  stdio: "ignore",
});

afterAll(async () => {
  await closeAndDropTestDatabase(ADMIN_URL, name);
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  for await (const keys of redis.scanStream({ match: `${name}:*`, count: 500 }) as AsyncIterable<string[]>)
    if (keys.length > 0) await redis.unlink(...keys);
  redis.disconnect();
});
