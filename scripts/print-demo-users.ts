import { db } from "@/server/db/client";
import { ROLE_LABELS } from "@/contracts/permissions";

const users = await db().user.findMany({ where: { isDemo: true }, orderBy: { email: "asc" } });
for (const u of users) console.log(`    ${ROLE_LABELS[u.role].padEnd(15)} ${u.email}`);
await db().$disconnect();
