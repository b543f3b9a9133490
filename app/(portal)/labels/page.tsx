import type { Metadata } from "next";
import { LabelsHome } from "@/components/labels/labels-home";

export const metadata: Metadata = { title: "Label queues" };

type Props = { searchParams: Promise<{ model?: string | string[] }> };

export default async function Page({ searchParams }: Props) {
  const { model } = await searchParams;
  return <LabelsHome model={typeof model === "string" ? model : null} />;
}
