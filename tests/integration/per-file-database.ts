import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { closeAndDropTestDatabase } from "@/tests/integration/support/drop-test-database";

// Each test file gets its own database cloned from the migrated template, so files never collide.
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `modelport_test_${randomBytes(6).toString("hex")}`;

const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDatabase")}`);
await admin.end();

const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
process.env.ARTIFACT_ROOT = `/tmp/modelport-test-artifacts/${name}`;
process.env.QUEUE_PREFIX = name;
// Each file's hot feature values (and its mirror's marker) under a prefix of its own in the shared Redis.
process.env.FEATURE_KEY_PREFIX = `${name}-features`;

afterAll(async () => {
  await closeAndDropTestDatabase(ADMIN_URL, name);
});
