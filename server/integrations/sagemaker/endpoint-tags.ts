import type { DescribeEndpointCommandOutput, Tag } from "@aws-sdk/client-sagemaker";
import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import { TAG_EXPECTED_CONFIG, TAG_PREVIOUS_CONFIG } from "@/server/integrations/sagemaker/names";

/**
 * What Modelport records on the endpoint itself, so a later wait — even in another process after a crash — can tell
 * a rolled-back update from a success and knows which config to restore.
 */
export type EndpointRecord = {
  /** The config Modelport last asked the endpoint to run. */
  expected?: string;
  /** The config the endpoint served, InService, before that request. */
  previous?: string;
};

const KEYS = { expected: TAG_EXPECTED_CONFIG, previous: TAG_PREVIOUS_CONFIG } as const;

export async function readEndpointRecord(
  api: SageMakerApi,
  live: DescribeEndpointCommandOutput,
): Promise<EndpointRecord> {
  if (!live.EndpointArn) return {};
  const tags = await api.listTags(live.EndpointArn);
  const value = (key: string) => tags.find((tag) => tag.Key === key)?.Value;
  return { expected: value(TAG_EXPECTED_CONFIG), previous: value(TAG_PREVIOUS_CONFIG) };
}

/** Writes only what changed, in one AddTags (none when nothing did). */
export async function writeEndpointRecord(
  api: SageMakerApi,
  live: DescribeEndpointCommandOutput,
  wanted: EndpointRecord,
): Promise<void> {
  if (!live.EndpointArn) return;
  const current = await readEndpointRecord(api, live);
  const changed: Tag[] = (Object.keys(KEYS) as (keyof EndpointRecord)[])
    .filter((key) => wanted[key] !== undefined && wanted[key] !== current[key])
    .map((key) => ({ Key: KEYS[key], Value: wanted[key] }));
  if (changed.length > 0) await api.addTags(live.EndpointArn, changed);
}
