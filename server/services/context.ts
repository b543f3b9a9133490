import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { Actor } from "@/server/auth/actor";
import type { HotFeatureMirror } from "@/server/integrations/feature-store/hot-mirror";
import type { Db } from "@/server/db/client";
import type { ComponentPredictionSource } from "@/server/integrations/sagemaker/component-predictions";
import type { PrometheusSource } from "@/server/integrations/prometheus/client";
import type { LocalRuntimeClient } from "@/server/integrations/local-runtime/client";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";

/** "Now", injectable so a test can fix it. */
export type Clock = () => Date;

/** Settings services need from the deployment's configuration, read once with the clients. */
export type ServiceSettings = {
  /** The production window a drift scan compares against the reference (DRIFT_WINDOW). */
  driftWindowSeconds: number;
  /** The largest artifact an upload may store (ARTIFACT_MAX_BYTES). */
  artifactMaxBytes: number;
  /** The HMAC key of signed artifact download links (ARTIFACT_URL_SECRET). */
  artifactUrlSecret: string;
  /** The REST limit of tokens without their own (REST_RATE_LIMIT_PER_MINUTE); only admins may set more. */
  restRateLimitPerMinute?: number;
  /** The most data rows and bytes a reference sample may have (REFERENCE_SAMPLE_MAX_ROWS/_BYTES; defaults when absent). */
  referenceSampleMaxRows?: number;
  referenceSampleMaxBytes?: number;
  /** Asynchronous inference's payload limits and webhook hosts (ASYNC_*; defaults when absent). */
  asyncInference?: AsyncInferenceSettings;
};

export type AsyncInferenceSettings = { maxCsvBytes: number; maxJsonBytes: number; callbackHosts: readonly string[] };

/**
 * Everything a service may reach besides who is acting: the database and the clients of the systems around it.
 * Built once per transport (tRPC, REST, the worker, the seed) from the environment by `server/context-from-env.ts`;
 * no service reads the environment or builds a client itself.
 */
export type SystemContext = {
  db: Db;
  prometheus: PrometheusSource;
  runtime: LocalRuntimeClient;
  artifacts: ArtifactStore;
  clock: Clock;
  settings: ServiceSettings;
  /** Mirrors stored feature values into Redis (the runtime's hot path); absent: writes stay pending for the sync job. */
  featureMirror?: HotFeatureMirror;
  /** CloudWatch in SageMaker's account and region (invocation counts); absent when no SageMaker target is configured. */
  cloudwatch?: CloudWatchClient;
  /** Predictions for versions of SageMaker component endpoints; throws when SageMaker is not configured. */
  sageMakerPredictions?: () => ComponentPredictionSource;
};

/** What every service function receives: the system context and who is acting. */
export type ServiceContext = SystemContext & { actor: Actor };

/** For read-only services that do not depend on who asks. */
export type ReadContext = Pick<ServiceContext, "db">;

/** For services that write and audit through the database only (also used by the deploy job, acting for a person). */
export type AuditedContext = Pick<ServiceContext, "db" | "actor">;

/** For read-only services over the database and Prometheus (dashboards, alert checks). */
export type MetricsContext = Pick<ServiceContext, "db" | "prometheus" | "clock" | "cloudwatch">;

/** The service context of `actor` (a person, or a pipeline with one of their tokens) on `system`. */
export function actingAs(system: SystemContext, actor: Actor): ServiceContext {
  return { ...system, actor };
}
