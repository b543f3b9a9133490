import { randomBytes } from "node:crypto";
import pg from "pg";

export const E2E_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/modelport_e2e";

/** Runs one query against the end-to-end database, so tests can check what the UI wrote. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export function uniqueSuffix() {
  return randomBytes(3).toString("hex");
}

/**
 * A person of the test's own in `team` (its name), inserted as SSO's first sign-in would: only the owning team may
 * change its models, runs and endpoints. Marked as a demo user: this is a demo install, and the development sign-in
 * the tests use accepts demo users only.
 */
export async function createPerson(role: string, label: string, team = "Fraud & Risk") {
  const suffix = uniqueSuffix();
  const email = `${label}-${suffix}@e2e.test`;
  const name = `${label[0]!.toUpperCase()}${label.slice(1)} ${suffix}`;
  await query(
    `INSERT INTO "User"(id, email, name, role, "teamId", "isDemo")
     VALUES ($1, $2, $3, $4::"Role", (SELECT id FROM "Team" WHERE name = $5), true)`,
    [`e2e_${suffix}`, email, name, role, team],
  );
  return { id: `e2e_${suffix}`, email, name };
}
