import { Redis } from "ioredis";
import type { CaptureRecord } from "@/contracts/prediction-capture";
import { env } from "@/server/env";
import { CaptureObjects } from "@/server/integrations/sagemaker/capture-objects";
import { sageMakerConfigFromEnv } from "@/server/integrations/sagemaker/config";
import { createS3Client } from "@/server/integrations/sagemaker/model-artifacts";
import { importSageMakerCaptures, type CaptureSink } from "@/server/services/capture/sagemaker-import";
import type { SystemContext } from "@/server/services/context";

/** XADDs each record as one stream entry (field `record`, the record as JSON), in one pipeline per object. */
export function captureStreamSink(redis: Redis, streamKey: string): CaptureSink {
  return async (records: CaptureRecord[]) => {
    const pipeline = redis.pipeline();
    for (const record of records) pipeline.xadd(streamKey, "*", "record", JSON.stringify(record));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  };
}

export async function handleSageMakerCaptureImport(_payload: unknown, context: SystemContext) {
  const settings = env();
  if (!settings.MODELPORT_SAGEMAKER_S3_PREFIX) return { skipped: "SageMaker is not configured" };
  const config = sageMakerConfigFromEnv();
  const redis = new Redis(settings.REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    return await importSageMakerCaptures({
      db: context.db,
      objects: new CaptureObjects(createS3Client(config), config.captureS3Prefix),
      sink: captureStreamSink(redis, settings.CAPTURE_STREAM_KEY),
    });
  } finally {
    redis.disconnect();
  }
}
