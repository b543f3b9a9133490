import type { Role } from "@/server/db/generated/enums";

/**
 * Who is acting: a signed-in person, or a pipeline using one of that person's API tokens. `teamId` is the team the
 * person belongs to now (read from their user row at each request), which decides what they may change
 * (contracts/ownership.ts); null when they are in no team.
 */
export type Actor = {
  userId: string;
  role: Role;
  teamId: string | null;
  tokenId?: string;
};

/** A person (their user row) acting for themselves, e.g. signing in or having a release finish for them. */
export function actorOf(user: { id: string; role: Role; teamId: string | null }): Actor {
  return { userId: user.id, role: user.role, teamId: user.teamId };
}
