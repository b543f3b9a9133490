type SqlRunner = { $executeRawUnsafe: (sql: string) => Promise<number> };

/**
 * The team, data scientist and experiment every bench's runs belong to (ids bench_team, bench_user, bench_exp).
 * `demo` lets the dev sign-in accept the user, for benches that sign in to a portal.
 */
export async function seedBenchOwner(db: SqlRunner, { demo = false }: { demo?: boolean } = {}) {
  await db.$executeRawUnsafe(`INSERT INTO "Team"(id, name) VALUES ('bench_team', 'Bench team')`);
  await db.$executeRawUnsafe(
    `INSERT INTO "User"(id, email, name, role, "teamId", "isDemo") VALUES ('bench_user', 'bench@example.test', 'Bench User', 'DATA_SCIENTIST', 'bench_team', ${demo})`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Experiment"(id, name, "createdById") VALUES ('bench_exp', 'bench-experiment', 'bench_user')`,
  );
}
