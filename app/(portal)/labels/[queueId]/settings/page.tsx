import type { Metadata } from "next";
import { QueueSettingsPage } from "@/components/labels/queue-settings-page";

export const metadata: Metadata = { title: "Queue settings" };

type Props = { params: Promise<{ queueId: string }> };

export default async function Page({ params }: Props) {
  const { queueId } = await params;
  return <QueueSettingsPage queueId={queueId} />;
}
