import type { z } from "zod";
import { ROLES } from "@/contracts/enums";
import { ROLE_LABELS } from "@/contracts/permissions";
import type { demoUserListOutput } from "@/server/services/admin/schemas";
import type { ReadContext } from "@/server/services/context";

/** The seeded demo people the development sign-in offers, in role order: only what the sign-in page shows. */
export async function listDemoUsers(ctx: ReadContext): Promise<z.infer<typeof demoUserListOutput>> {
  const users = await ctx.db.user.findMany({
    where: { isDemo: true },
    select: { email: true, name: true, role: true, team: { select: { name: true } } },
    orderBy: [{ role: "asc" }, { name: "asc" }],
  });
  return users
    .sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role))
    .map((u) => ({ email: u.email, name: u.name, roleLabel: ROLE_LABELS[u.role], team: u.team?.name ?? null }));
}
