import { Suspense } from "react";
import { ExperimentsList } from "@/components/experiments/list/experiments-list";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Experiments" };

export default function ExperimentsPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading experiments…" />}>
      <ExperimentsList />
    </Suspense>
  );
}
