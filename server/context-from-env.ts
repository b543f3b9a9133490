import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { localRuntimeConfigFromEnv } from "@/server/integrations/local-runtime/config";
import { PrometheusClient } from "@/server/integrations/prometheus/client";
import { createCloudWatchClient } from "@/server/integrations/sagemaker/cloudwatch-metrics";
import { artifactStoreFromSettings } from "@/server/services/artifacts/store";
import type { SystemContext } from "@/server/services/context";
import { durationSeconds } from "@/server/services/drift/query";

/**
 * The one place the real clients are built from the environment: the tRPC context, the REST layer, the worker and
 * the seed call it once per request (or once per process) and hand the result to services.
 */
export function systemContextFromEnv(): SystemContext {
  const settings = env();
  const sagemakerRegion = settings.MODELPORT_SAGEMAKER_REGION ?? settings.AWS_REGION;
  return {
    db: db(),
    prometheus: new PrometheusClient(settings.PROMETHEUS_URL, { timeoutMs: settings.PROMETHEUS_TIMEOUT_MS }),
    runtime: localRuntimeClient(localRuntimeConfigFromEnv()),
    artifacts: artifactStoreFromSettings(settings),
    clock: () => new Date(),
    settings: {
      driftWindowSeconds: durationSeconds(settings.DRIFT_WINDOW),
      artifactMaxBytes: settings.ARTIFACT_MAX_BYTES,
      artifactUrlSecret: settings.ARTIFACT_URL_SECRET,
      restRateLimitPerMinute: settings.REST_RATE_LIMIT_PER_MINUTE,
      referenceSampleMaxRows: settings.REFERENCE_SAMPLE_MAX_ROWS,
      referenceSampleMaxBytes: settings.REFERENCE_SAMPLE_MAX_BYTES,
    },
    ...(sagemakerRegion && {
      cloudwatch: createCloudWatchClient({
        region: sagemakerRegion,
        cloudWatchEndpointUrl: settings.MODELPORT_SAGEMAKER_CLOUDWATCH_ENDPOINT_URL,
      }),
    }),
  };
}
