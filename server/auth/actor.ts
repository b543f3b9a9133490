import type { Role } from "@/server/db/generated/enums";

/** Who is acting: a signed-in person, or a pipeline using one of that person's API tokens. */
export type Actor = {
  userId: string;
  role: Role;
  tokenId?: string;
};
