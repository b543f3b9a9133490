import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { VersionDetail } from "@/components/registry/version-detail";
import { api, readForPage } from "@/trpc/server";

type Props = { params: Promise<{ name: string; version: string }> };

/** Only plain positive integers name a version; anything else is a 404. */
const versionNumber = (text: string) => (/^[1-9]\d{0,8}$/.test(text) ? Number(text) : null);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name, version } = await params;
  return { title: `${name} v${version}` };
}

export default async function VersionPage({ params }: Props) {
  const { name, version } = await params;
  const number = versionNumber(version);
  if (number === null) notFound();
  await readForPage(() => api.registry.versionExists({ name, version: number }));
  return <VersionDetail name={name} version={number} />;
}
