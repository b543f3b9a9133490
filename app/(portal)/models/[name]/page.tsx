import type { Metadata } from "next";
import { Suspense } from "react";
import { ModelDetail } from "@/components/registry/model-detail";
import { LoadingState } from "@/components/ui/loading-state";
import { api, readForPage } from "@/trpc/server";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).name };
}

export default async function ModelPage({ params }: Props) {
  const { name } = await params;
  await readForPage(() => api.registry.exists({ name }));
  return (
    <Suspense fallback={<LoadingState label="Loading model…" />}>
      <ModelDetail name={name} />
    </Suspense>
  );
}
