import type { Metadata } from "next";
import { DriftFleetPage } from "@/components/drift/drift-fleet-page";

export const metadata: Metadata = { title: "Drift" };

export default function Page() {
  return <DriftFleetPage />;
}
