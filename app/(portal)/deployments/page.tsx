import type { Metadata } from "next";
import { DeploymentsPage } from "@/components/deployments/deployments-page";

export const metadata: Metadata = { title: "Deployments" };

type Props = { searchParams: Promise<{ model?: string | string[] }> };

export default async function Page({ searchParams }: Props) {
  const { model } = await searchParams;
  return <DeploymentsPage modelName={typeof model === "string" && model ? model : null} />;
}
