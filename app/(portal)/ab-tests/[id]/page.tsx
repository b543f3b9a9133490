import type { Metadata } from "next";
import { AbTestDetail } from "@/components/abtests/ab-test-detail";

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "A/B test" };

export default async function Page({ params }: Props) {
  const { id } = await params;
  return <AbTestDetail id={id} />;
}
