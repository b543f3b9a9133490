import type { Metadata } from "next";
import { AgreementPanel } from "@/components/labels/agreement-panel";

export const metadata: Metadata = { title: "Agreement" };

type Props = { params: Promise<{ queueId: string }> };

export default async function Page({ params }: Props) {
  const { queueId } = await params;
  return <AgreementPanel queueId={queueId} />;
}
