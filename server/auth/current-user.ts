import { getServerSession } from "next-auth";
import { db } from "@/server/db/client";
import { authOptions } from "@/server/auth/options";

/** The signed-in person, read fresh from the database so role changes apply at once. */
export async function currentUser() {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  return db().user.findUnique({ where: { id }, include: { team: true } });
}

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof currentUser>>>;
