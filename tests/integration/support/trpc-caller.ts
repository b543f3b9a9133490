import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";

/** A tRPC caller acting as the given user, with the same context shape the route handler builds. */
export async function trpcCallerFor(userId: string) {
  const user = await db().user.findUniqueOrThrow({ where: { id: userId }, include: { team: true } });
  return createCaller({ system: systemContextFromEnv(), user });
}
