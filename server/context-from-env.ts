import { db } from "@/server/db/client";
import { env, type Env } from "@/server/env";
import { redisHotMirror } from "@/server/integrations/feature-store/hot-mirror";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { localRuntimeConfigFromEnv } from "@/server/integrations/local-runtime/config";
import { withAnswerCache } from "@/server/integrations/prometheus/answer-cache";
import { PrometheusClient, type PrometheusSource } from "@/server/integrations/prometheus/client";
import { createCloudWatchClient } from "@/server/integrations/sagemaker/cloudwatch-metrics";
import type { ComponentPredictionSource } from "@/server/integrations/sagemaker/component-predictions";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { artifactStoreFromSettings } from "@/server/services/artifacts/store";
import type { SystemContext } from "@/server/services/context";
import { durationSeconds } from "@/server/services/drift/query";

let built: SystemContext | undefined;

/**
 * The one place the real clients are built from the environment: the tRPC context, the REST layer, the worker and
 * the seed hand the result to services. Built once per process (the environment is read once too), so connection
 * pools and the Prometheus answer cache are shared by every request.
 */
export function systemContextFromEnv(): SystemContext {
  built ??= buildSystemContext();
  return built;
}

function prometheusFromEnv(settings: Env): PrometheusSource {
  const client = new PrometheusClient(settings.PROMETHEUS_URL, { timeoutMs: settings.PROMETHEUS_TIMEOUT_MS });
  const ttlMs = settings.PROMETHEUS_ANSWER_CACHE_MS;
  return ttlMs > 0 ? withAnswerCache(client, { ttlMs, maxEntries: 2_000 }) : client;
}

/** Built on first use: a portal without SageMaker never reads its configuration. */
function sageMakerPredictionsFromEnv(): () => ComponentPredictionSource {
  let built: ComponentPredictionSource | undefined;
  return () => (built ??= SageMakerTarget.fromEnv().predictions());
}

function buildSystemContext(): SystemContext {
  const settings = env();
  const sagemakerRegion = settings.MODELPORT_SAGEMAKER_REGION ?? settings.AWS_REGION;
  return {
    db: db(),
    prometheus: prometheusFromEnv(settings),
    runtime: localRuntimeClient(localRuntimeConfigFromEnv()),
    artifacts: artifactStoreFromSettings(settings),
    clock: () => new Date(),
    featureMirror: redisHotMirror(settings.FEATURE_REDIS_URL ?? settings.REDIS_URL, settings.FEATURE_KEY_PREFIX),
    settings: {
      driftWindowSeconds: durationSeconds(settings.DRIFT_WINDOW),
      artifactMaxBytes: settings.ARTIFACT_MAX_BYTES,
      artifactUrlSecret: settings.ARTIFACT_URL_SECRET,
      restRateLimitPerMinute: settings.REST_RATE_LIMIT_PER_MINUTE,
      referenceSampleMaxRows: settings.REFERENCE_SAMPLE_MAX_ROWS,
      referenceSampleMaxBytes: settings.REFERENCE_SAMPLE_MAX_BYTES,
      asyncInference: {
        maxCsvBytes: settings.ASYNC_MAX_PAYLOAD_BYTES,
        maxJsonBytes: settings.ASYNC_MAX_JSON_PAYLOAD_BYTES,
        callbackHosts: settings.ASYNC_CALLBACK_ALLOWED_HOSTS,
      },
    },
    sageMakerPredictions: sageMakerPredictionsFromEnv(),
    ...(sagemakerRegion && {
      cloudwatch: createCloudWatchClient({
        region: sagemakerRegion,
        cloudWatchEndpointUrl: settings.MODELPORT_SAGEMAKER_CLOUDWATCH_ENDPOINT_URL,
      }),
    }),
  };
}
