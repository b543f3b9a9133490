import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const sageMakerCaptureImportPayload = z.object({});

/**
 * Imports SageMaker endpoints' data capture from S3 into the capture stream every SAGEMAKER_CAPTURE_IMPORT_EVERY_MS
 * (a no-op until SageMaker is configured). Each variant's cursor makes a retried or overlapping run resume, not redo.
 */
export const sageMakerCaptureImportJob = defineJob({
  queue: "capture-import",
  name: "sagemaker-capture-import",
  schema: sageMakerCaptureImportPayload,
  handler: async () => (await import("@/server/jobs/handlers/sagemaker-capture-import")).handleSageMakerCaptureImport,
  defaults: { attempts: 3, backoff: { type: "exponential", delay: 10_000 }, removeOnComplete: 100, removeOnFail: 100 },
  schedule: { every: (settings) => settings.SAGEMAKER_CAPTURE_IMPORT_EVERY_MS },
  singleFlightKey: () => "sagemaker-capture-import",
});
