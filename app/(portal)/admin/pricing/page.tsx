import { Suspense } from "react";
import { ForbiddenState } from "@/components/admin/forbidden-state";
import { PricingPage } from "@/components/cost/pricing-page";
import { LoadingState } from "@/components/ui/loading-state";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";

export const metadata = { title: "Pricing" };

export default async function Page() {
  const user = await currentUser();
  if (!user || !can(user.role, "pricing:manage"))
    return <ForbiddenState title="Pricing" requirement="editing prices needs the admin role" />;
  return (
    <Suspense fallback={<LoadingState label="Loading prices…" />}>
      <PricingPage />
    </Suspense>
  );
}
