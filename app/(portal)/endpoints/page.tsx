import type { Metadata } from "next";
import { Suspense } from "react";
import { EndpointsPage } from "@/components/endpoints/endpoints-page";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata: Metadata = { title: "Endpoints" };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState label="Loading endpoints…" />}>
      <EndpointsPage />
    </Suspense>
  );
}
