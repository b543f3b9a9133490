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

/** A person of the test's own (users come from SSO, so tests insert them as the sign-in would). */
/** A person of `team` (its name): only the owning team may change its models, runs and endpoints. */
export async function createPerson(role: string, label: string, team = "Fraud & Risk") {
  const suffix = uniqueSuffix();
  const email = `${label}-${suffix}@e2e.test`;
  const name = `${label[0]!.toUpperCase()}${label.slice(1)} ${suffix}`;
  await query(
    `INSERT INTO "User"(id, email, name, role, "teamId")
     VALUES ($1, $2, $3, $4::"Role", (SELECT id FROM "Team" WHERE name = $5))`,
    [`e2e_${suffix}`, email, name, role, team],
  );
  return { id: `e2e_${suffix}`, email, name };
}
