import type { Metadata } from "next";
import { ApprovalsPage } from "@/components/deployments/approvals-page";

export const metadata: Metadata = { title: "Approvals" };

type Props = { searchParams: Promise<{ requested?: string | string[] }> };

export default async function Page({ searchParams }: Props) {
  const { requested } = await searchParams;
  return <ApprovalsPage requested={typeof requested === "string" ? requested : null} />;
}
