import type { Db } from "@/server/db/client";

/** The account a person gets on first sign-in (SSO): a viewer until an admin grants more. */
export async function ensureUser(database: Db, person: { email: string; name: string }) {
  const email = person.email.toLowerCase();
  return database.user.upsert({ where: { email }, create: { email, name: person.name }, update: {} });
}
