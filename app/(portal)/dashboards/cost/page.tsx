import type { Metadata } from "next";
import { Suspense } from "react";
import { CostPage } from "@/components/cost/cost-page";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata: Metadata = { title: "Cost" };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState label="Loading the cost dashboard…" />}>
      <CostPage />
    </Suspense>
  );
}
