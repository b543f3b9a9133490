import { execFileSync } from "node:child_process";
import pg from "pg";
import type { TestProject } from "vitest/node";

const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

async function adminQuery(sql: string) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(sql);
  await admin.end();
}

/** Migrates a template database of this run's own; every test file clones its database from it. */
export default async function globalSetup(project: TestProject) {
  const template = `modelport_test_template_${process.pid}`;
  await adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${template}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${template}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url.toString() },
    stdio: ["ignore", "ignore", "inherit"],
  });
  project.provide("templateDatabase", template);
  return async () => adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
}
