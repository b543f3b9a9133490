import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { givenUser } from "@/tests/integration/fixtures";

// The restore drill (scripts/ops/restore-drill.sh) run for real against this file's own database: pg_dump -Fc,
// pg_restore into a fresh database, row counts compared table by table, then this release's migrations checked against
// the restored copy's.
const ROOT = path.resolve(import.meta.dirname, "../../..");
const SCRIPT = path.join(ROOT, "scripts/ops/restore-drill.sh");
const DRILL_TIMEOUT_MS = 60_000;

type DrillOutcome = { code: number; stdout: string; stderr: string };

function runDrill(database: string, extraEnv: Record<string, string> = {}): Promise<DrillOutcome> {
  const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL, RESTORE_DRILL_DATABASE: database, ...extraEnv };
  return new Promise((resolve) => {
    execFile("bash", [SCRIPT], { cwd: ROOT, env, timeout: DRILL_TIMEOUT_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The script's `count <table> <source> <restored> <status>` lines, by table. */
function countsOf(stdout: string) {
  const rows = stdout
    .split("\n")
    .filter((line) => line.startsWith("count "))
    .map((line) => line.split(" "))
    .map(([, table, source, restored, status]) => [table, { source, restored, status }] as const);
  return new Map(rows);
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const result = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  await client.end();
  return result.rowCount === 1;
}

const suffix = path.basename(new URL(process.env.DATABASE_URL ?? "").pathname).slice(-12);

describe("the restore drill (scripts/ops/restore-drill.sh)", () => {
  beforeAll(async () => {
    await givenUser("ADMIN", "Drill team A");
    await givenUser("VIEWER", "Drill team B");
    await givenUser("REVIEWER", "Drill team B");
  });

  it(
    "restores a dump into a fresh database whose every table has the source's rows, and migrates it",
    async () => {
      const target = `drill_ok_${suffix}`;
      const outcome = await runDrill(target);

      expect(outcome.stderr).toBe("");
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toContain("restore drill: ok");
      const counts = countsOf(outcome.stdout);
      const users = String(await db().user.count());
      const teams = String(await db().team.count());
      expect(counts.get("User")).toEqual({ source: users, restored: users, status: "ok" });
      expect(counts.get("Team")).toEqual({ source: teams, restored: teams, status: "ok" });
      const migrations = (await readdir(path.join(ROOT, "prisma/migrations"), { withFileTypes: true })).filter(
        (entry) => entry.isDirectory(),
      ).length;
      expect(counts.get("_prisma_migrations")?.restored).toBe(String(migrations));
      expect([...counts.values()].every((row) => row.status === "ok")).toBe(true);
      expect(counts.size).toBeGreaterThan(40);
      expect(await databaseExists(target)).toBe(false);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    "fails when the restored copy differs from the source (a table lost after the restore)",
    async () => {
      const target = `drill_damaged_${suffix}`;
      const outcome = await runDrill(target, {
        RESTORE_DRILL_AFTER_RESTORE: `psql -X -q "$RESTORED_DATABASE_URL" -c 'DROP TABLE "Team" CASCADE'`,
      });

      expect(outcome.code).not.toBe(0);
      expect(outcome.stderr).toContain("restore drill: FAILED");
      expect(outcome.stdout).not.toContain("restore drill: ok");
      const teams = String(await db().team.count());
      expect(countsOf(outcome.stdout).get("Team")).toEqual({ source: teams, restored: "missing", status: "MISMATCH" });
      expect(countsOf(outcome.stdout).get("User")?.status).toBe("ok");
      expect(await databaseExists(target)).toBe(false);
    },
    DRILL_TIMEOUT_MS,
  );
});
