import type { Metadata } from "next";
import { Suspense } from "react";
import { ReviewPage } from "@/components/labels/review-page";
import { LoadingState } from "@/components/ui/loading-state";

export const metadata: Metadata = { title: "Review labels" };

type Props = { params: Promise<{ queueId: string }> };

export default async function Page({ params }: Props) {
  const { queueId } = await params;
  return (
    <Suspense fallback={<LoadingState label="Loading items to review…" />}>
      <ReviewPage queueId={queueId} />
    </Suspense>
  );
}
