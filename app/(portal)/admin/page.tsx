import { redirect } from "next/navigation";
import { ForbiddenState } from "@/components/admin/forbidden-state";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";

export const metadata = { title: "Administration" };

export default async function Page() {
  const user = await currentUser();
  if (user && can(user.role, "users:manage")) redirect("/admin/users");
  if (user && can(user.role, "audit:read")) redirect("/admin/audit");
  return <ForbiddenState title="Administration" requirement="it needs the manager or admin role" />;
}
