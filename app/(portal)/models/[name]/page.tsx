import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { ModelDetail } from "@/components/registry/model-detail";
import { LoadingState } from "@/components/ui/loading-state";
import { db } from "@/server/db/client";
import { modelExists } from "@/server/services/registry/find-model";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).name };
}

export default async function ModelPage({ params }: Props) {
  const { name } = await params;
  if (!(await modelExists({ db: db() }, name))) notFound();
  return (
    <Suspense fallback={<LoadingState label="Loading model…" />}>
      <ModelDetail name={name} />
    </Suspense>
  );
}
