import type { WorkerJob } from "@/server/jobs/define-job";
import { abTestTrafficJob } from "@/server/jobs/abtest-traffic";
import { abTestWatchJob } from "@/server/jobs/abtest-watch";
import { asyncInferenceJob, asyncSweepJob, asyncWebhookJob } from "@/server/jobs/async-inference";
import { batchInferenceJob } from "@/server/jobs/batch-inference";
import { captureRetentionJob } from "@/server/jobs/capture-retention";
import { costForecastJob } from "@/server/jobs/cost-forecast";
import { deployJob } from "@/server/jobs/deploy";
import { driftScanJob } from "@/server/jobs/drift-scan";
import { featureSyncJob } from "@/server/jobs/feature-sync";
import { gateEvaluationJob } from "@/server/jobs/gate-evaluation";
import { healthCheckJob } from "@/server/jobs/health-check";
import { labelSamplingJob } from "@/server/jobs/label-sampling";
import { sageMakerCaptureImportJob } from "@/server/jobs/sagemaker-capture-import";
import { sloCheckJob } from "@/server/jobs/slo-check";

/** Every job the worker process runs; those with a schedule are registered (once, by id) at each start. */
export const WORKER_JOBS: readonly WorkerJob[] = [
  healthCheckJob,
  deployJob,
  abTestTrafficJob,
  abTestWatchJob,
  driftScanJob,
  costForecastJob,
  sloCheckJob,
  sageMakerCaptureImportJob,
  labelSamplingJob,
  gateEvaluationJob,
  captureRetentionJob,
  batchInferenceJob,
  asyncInferenceJob,
  asyncWebhookJob,
  asyncSweepJob,
  featureSyncJob,
];
