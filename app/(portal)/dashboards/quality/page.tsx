import type { Metadata } from "next";
import { Suspense } from "react";
import { QualityPage } from "@/components/quality/quality-page";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata: Metadata = { title: "Quality" };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState label="Loading the quality dashboard…" />}>
      <QualityPage />
    </Suspense>
  );
}
