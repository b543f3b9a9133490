import { cookies } from "next/headers";
import { userFromSessionCookie } from "@/server/auth/session-cookie";

/** The signed-in person of this request (from its session row), read fresh so role changes apply at once. */
export async function currentUser() {
  return userFromSessionCookie(await cookies());
}

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof currentUser>>>;
