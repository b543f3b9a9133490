import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";
import { enabledSignInMethods } from "@/server/auth/options";

export const dynamic = "force-dynamic";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return (
    <AppShell
      user={{ name: user.name, email: user.email, role: user.role }}
      canAdmin={can(user.role, "users:manage")}
      canAudit={can(user.role, "audit:read")}
      canLabel={can(user.role, "labels:annotate") || can(user.role, "labels:review")}
      devLogin={enabledSignInMethods().dev}
    >
      {children}
    </AppShell>
  );
}
