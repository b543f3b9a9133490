import type { Metadata } from "next";
import { DriftEndpointPage } from "@/components/drift/drift-endpoint-page";

export const metadata: Metadata = { title: "Drift · endpoint" };

type Props = { params: Promise<{ endpointId: string }> };

export default async function Page({ params }: Props) {
  const { endpointId } = await params;
  return <DriftEndpointPage endpointId={endpointId} />;
}
