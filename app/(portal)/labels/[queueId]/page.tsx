import type { Metadata } from "next";
import { Suspense } from "react";
import { LabellingPage } from "@/components/labels/labelling-page";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata: Metadata = { title: "Label" };

type Props = { params: Promise<{ queueId: string }> };

export default async function Page({ params }: Props) {
  const { queueId } = await params;
  return (
    <Suspense fallback={<LoadingState label="Loading items to label…" />}>
      <LabellingPage queueId={queueId} />
    </Suspense>
  );
}
