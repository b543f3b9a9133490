import { Suspense } from "react";
import { ModelsPage } from "@/components/registry/models-page";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata = { title: "Models" };

export default function Page() {
  return (
    <Suspense fallback={<LoadingState label="Loading models…" />}>
      <ModelsPage />
    </Suspense>
  );
}
