import type { Db } from "@/server/db/client";
import { setUserRole, setUserTeam } from "@/server/services/admin/users";
import { actingAs, type ServiceContext, type SystemContext } from "@/server/services/context";
import { DEMO_PEOPLE, DEMO_TEAMS } from "@/prisma/seed/demo-catalog";

/** A demo person as a viewer, found by email when the seed runs again. */
async function ensureUser(database: Db, person: { email: string; name: string }) {
  const email = person.email.toLowerCase();
  return database.user.upsert({ where: { email }, create: { email, name: person.name }, update: {} });
}

/**
 * Teams and people as viewers (what single sign-on creates), then roles and teams set by the demo admin through the
 * same service the admin page uses. The first admin is bootstrapped directly: someone has to be first.
 */
export async function seedPeople(system: SystemContext) {
  const database = system.db;
  const teams = new Map<string, string>();
  for (const name of DEMO_TEAMS) {
    const team = await database.team.create({ data: { name, isDemo: true } });
    teams.set(name, team.id);
  }
  const users = new Map<string, ServiceContext>();
  const [first, ...others] = DEMO_PEOPLE;
  if (!first || first.role !== "ADMIN") throw new Error("The first demo person must be the admin");
  const admin = await ensureUser(database, first);
  await database.user.update({
    where: { id: admin.id },
    data: { role: "ADMIN", isDemo: true, teamId: teams.get(first.team) },
  });
  const adminCtx = actingAs(system, { userId: admin.id, role: "ADMIN", teamId: teams.get(first.team) ?? null });
  users.set(first.email, adminCtx);
  for (const person of others) {
    const user = await ensureUser(database, person);
    await database.user.update({ where: { id: user.id }, data: { isDemo: true } });
    await setUserRole(adminCtx, { userId: user.id, role: person.role });
    await setUserTeam(adminCtx, { userId: user.id, teamId: teams.get(person.team) ?? null });
    users.set(
      person.email,
      actingAs(system, { userId: user.id, role: person.role, teamId: teams.get(person.team) ?? null }),
    );
  }
  return users;
}
