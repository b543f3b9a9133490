import type { Metadata } from "next";
import { Suspense } from "react";
import { LatencyPage } from "@/components/latency/latency-page";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata: Metadata = { title: "Latency" };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState label="Loading the latency dashboard…" />}>
      <LatencyPage />
    </Suspense>
  );
}
