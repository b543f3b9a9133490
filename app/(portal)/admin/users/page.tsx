import { Suspense } from "react";
import { ForbiddenState } from "@/components/admin/forbidden-state";
import { UsersPage } from "@/components/admin/users-page";
import { LoadingState } from "@/components/ui/loading-state";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";

export const metadata = { title: "Users" };

export default async function Page() {
  const user = await currentUser();
  if (!user || !can(user.role, "users:manage"))
    return <ForbiddenState title="Users" requirement="managing users needs the admin role" />;
  return (
    <Suspense fallback={<LoadingState label="Loading users…" />}>
      <UsersPage />
    </Suspense>
  );
}
