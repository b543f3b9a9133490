import { TRPCError } from "@trpc/server";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import type { SystemContext } from "@/server/services/context";
import { givenUser } from "@/tests/integration/fixtures";

/**
 * A tRPC caller acting as the given user, with the same context shape the route handler builds; a test with its own
 * clients (a test Prometheus, a fixed clock) passes its system context so the caller and the service see the same.
 */
export async function trpcCallerFor(userId: string, system: SystemContext = systemContextFromEnv()) {
  const user = await db().user.findUniqueOrThrow({ where: { id: userId }, include: { team: true } });
  return createCaller({ system, user });
}

/** A person of `role` in `team` with a tRPC caller acting as them. */
export async function personWithCaller(role: Role, team: string) {
  const given = await givenUser(role, team);
  return { ...given, caller: await trpcCallerFor(given.user.id) };
}

/** "OK" when the call succeeds, else its tRPC error code (or the error's text when it is not a tRPC error). */
export const trpcOutcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
  );
