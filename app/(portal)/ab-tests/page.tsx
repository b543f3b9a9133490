import type { Metadata } from "next";
import { Suspense } from "react";
import { AbTestsPage } from "@/components/abtests/ab-tests-page";
import { LoadingState } from "@/components/ui/loading-state";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";

export const metadata: Metadata = { title: "A/B tests" };

export default async function Page() {
  const user = await currentUser();
  return (
    <Suspense fallback={<LoadingState label="Loading A/B tests…" />}>
      <AbTestsPage canSetUp={user !== null && can(user.role, "abtests:manage")} />
    </Suspense>
  );
}
