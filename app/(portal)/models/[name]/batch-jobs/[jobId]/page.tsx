import type { Metadata } from "next";
import { BatchJobPage } from "@/components/batch/batch-job-page";

type Props = { params: Promise<{ name: string; jobId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: `Batch job · ${name}` };
}

export default async function Page({ params }: Props) {
  const { name, jobId } = await params;
  return <BatchJobPage modelName={name} jobId={jobId} />;
}
