import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import type { SystemContext } from "@/server/services/context";

/**
 * A tRPC caller acting as the given user, with the same context shape the route handler builds; a test with its own
 * clients (a test Prometheus, a fixed clock) passes its system context so the caller and the service see the same.
 */
export async function trpcCallerFor(userId: string, system: SystemContext = systemContextFromEnv()) {
  const user = await db().user.findUniqueOrThrow({ where: { id: userId }, include: { team: true } });
  return createCaller({ system, user });
}
