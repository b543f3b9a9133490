import { Suspense } from "react";
import { ComparePage } from "@/components/experiments/compare/compare-page";
import { CompareSkeleton } from "@/components/experiments/compare/compare-skeleton";

export const metadata = { title: "Compare runs" };

export default function CompareRoute() {
  return (
    <Suspense fallback={<CompareSkeleton />}>
      <ComparePage />
    </Suspense>
  );
}
