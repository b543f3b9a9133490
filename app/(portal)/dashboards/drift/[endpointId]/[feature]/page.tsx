import type { Metadata } from "next";
import { DriftFeaturePage } from "@/components/drift/drift-feature-page";

export const metadata: Metadata = { title: "Drift · feature" };

type Props = { params: Promise<{ endpointId: string; feature: string }> };

export default async function Page({ params }: Props) {
  const { endpointId, feature } = await params;
  return <DriftFeaturePage endpointId={endpointId} feature={feature} />;
}
