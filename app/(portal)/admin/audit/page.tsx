import { Suspense } from "react";
import { AuditPage } from "@/components/admin/audit-page";
import { ForbiddenState } from "@/components/admin/forbidden-state";
import { LoadingState } from "@/components/ui/loading-state";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";

export const metadata = { title: "Audit log" };

export default async function Page() {
  const user = await currentUser();
  if (!user || !can(user.role, "audit:read")) {
    return <ForbiddenState title="Audit log" requirement="reading the audit log needs the manager or admin role" />;
  }
  return (
    <Suspense fallback={<LoadingState label="Loading the audit log…" />}>
      <AuditPage />
    </Suspense>
  );
}
