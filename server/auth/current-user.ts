import { cookies } from "next/headers";
import { cache } from "react";
import { userFromSessionCookie } from "@/server/auth/session-cookie";

/**
 * The signed-in person of this request (from its session row), read fresh so role changes apply at once. A page
 * render asks once however many places need it (the layout and the page's reads).
 */
export const currentUser = cache(async () => userFromSessionCookie(await cookies()));

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof currentUser>>>;
