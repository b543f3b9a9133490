import type { Metadata } from "next";
import { AbTestSetupPage } from "@/components/abtests/ab-test-setup-page";

export const metadata: Metadata = { title: "Set up an A/B test" };

type Props = { searchParams: Promise<{ endpoint?: string | string[]; model?: string | string[] }> };

export default async function Page({ searchParams }: Props) {
  const { endpoint, model } = await searchParams;
  return (
    <AbTestSetupPage
      endpointId={typeof endpoint === "string" ? endpoint : null}
      modelName={typeof model === "string" ? model : null}
    />
  );
}
