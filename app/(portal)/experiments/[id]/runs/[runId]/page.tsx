import { RunPage } from "@/components/experiments/run/run-page";

export const metadata = { title: "Run" };

export default async function RunRoute({ params }: { params: Promise<{ id: string; runId: string }> }) {
  const { runId } = await params;
  return <RunPage runId={runId} />;
}
