import type { Metadata } from "next";
import { DeploymentDetail } from "@/components/deployments/deployment-detail";

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Deployment" };

export default async function DeploymentPage({ params }: Props) {
  const { id } = await params;
  return <DeploymentDetail id={id} />;
}
