import type { Metadata } from "next";
import { EndpointDetail } from "@/components/endpoints/endpoint-detail";

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Endpoint" };

export default async function EndpointPage({ params }: Props) {
  const { id } = await params;
  return <EndpointDetail id={id} />;
}
