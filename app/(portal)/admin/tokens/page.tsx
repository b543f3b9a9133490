import { Suspense } from "react";
import { ForbiddenState } from "@/components/admin/forbidden-state";
import { AllTokensPage } from "@/components/admin/all-tokens-page";
import { LoadingState } from "@/components/ui/loading-state";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";

export const metadata = { title: "All API tokens" };

export default async function Page() {
  const user = await currentUser();
  if (!user || !can(user.role, "tokens:manage"))
    return <ForbiddenState title="All API tokens" requirement="managing everyone's tokens needs the admin role" />;
  return (
    <Suspense fallback={<LoadingState label="Loading tokens…" />}>
      <AllTokensPage />
    </Suspense>
  );
}
