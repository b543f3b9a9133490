import { Suspense } from "react";
import { ExperimentPage } from "@/components/experiments/runs/experiment-page";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Experiment" };

export default async function ExperimentRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<LoadingState label="Loading experiment…" />}>
      <ExperimentPage experimentId={id} />
    </Suspense>
  );
}
