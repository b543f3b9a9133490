import type { AsyncServing } from "@/contracts/async-serving";
import type { ComponentHosting } from "@/contracts/component-hosting";
import type { Signature } from "@/contracts/signature";
import type { OnlineFeatures } from "@/contracts/online-features";
import type { ModelShape } from "@/contracts/vllm";

/**
 * One interface for every place a model version can be served: the embedded local runtime, Amazon SageMaker and
 * Kubernetes (ONNX runtime or vLLM). Deployment workers only talk to this interface; every method is idempotent so
 * a retried job can call it again safely.
 */
export type TargetKind = "local" | "sagemaker" | "kubernetes";

export type VariantSpec = {
  /** Stable per (endpoint, model version), e.g. "fraud-detector-xgb-v7". Lower-case letters, digits and dashes. */
  variantName: string;
  modelName: string;
  version: number;
  format: "ONNX" | "VLLM" | "CONTAINER";
  /** Where the target fetches the model from: a local file path (local), s3:// URI (SageMaker), or a path/URI the
   *  serving image understands (Kubernetes). */
  artifactUri: string;
  artifactSha256: string;
  /**
   * The registry artifact's own file name (e.g. "model.onnx", "model.tar.gz"), for targets that copy the artifact and
   * must keep its name and packaging (SageMaker). Absent: the last segment of `artifactUri`.
   */
  artifactFileName?: string;
  signature: Signature;
  /** Share of traffic, 0–100; the weights of an endpoint's live variants sum to 100. */
  weight: number;
  /**
   * A shadow (an A/B test's shadow mode) takes no live traffic (weight 0): it receives a mirrored copy of the live
   * requests, its answers are dropped and its predictions captured. Local runtime: mirrored after each answer;
   * SageMaker: a shadow production variant; Kubernetes: the HTTPRoute's RequestMirror filter.
   */
  shadow?: boolean;
  /** Sizing; each target maps these to its own terms and falls back to its configured defaults. */
  instanceType?: string;
  instanceCount?: number;
  gpus?: number;
  /** The version's frozen reference bins, for targets that export per-feature histograms (drift); absent without a profile. */
  featureBins?: FeatureBinsSpec[];
  /**
   * VLLM versions registered with a model directory: its config.json's KV-cache fields (null when it lacks them) and
   * the weights' size, for the launch check and the startup probe. Absent for versions registered before either.
   */
  llm?: { shape: ModelShape | null; weightBytes: number };
};

/** Bins of one input as registered (see contracts/feature-bins.ts): edges when NUMERIC, categories when CATEGORICAL. */
export type FeatureBinsSpec = { name: string; kind: "NUMERIC" | "CATEGORICAL"; edges: number[]; categories: string[] };

export type EndpointSpec = {
  endpointName: string;
  variants: VariantSpec[];
  /** The endpoint's capture rate (Endpoint.captureRate, 0–1); the local runtime samples predicted rows at it (default 1). */
  captureRate?: number;
  /**
   * Sticky assignment for an A/B test: a caller's routing key is hashed with this salt, so two tests split the same
   * callers independently. Only the local runtime routes by key; SageMaker and Kubernetes split by weight per request
   * (SageMaker is sticky only when the caller names a `TargetVariant`).
   */
  routing?: { salt: string };
  /** Local runtime only: scale to zero after this many idle seconds (Endpoint.scaleToZeroIdleSeconds). */
  scaleToZeroIdleSeconds?: number | null;
  /** Local runtime only: a feature lookup before the model and/or a rule-based fallback (Endpoint.onlineFeatures). */
  onlineFeatures?: OnlineFeatures | null;
  /** SageMaker only: serve asynchronously (AsyncInferenceConfig, backlog scaling) instead of in real time. */
  asyncInference?: AsyncServing | null;
  /**
   * SageMaker only: host the live variants' versions as inference components on one managed fleet (each request names
   * its version's component) instead of on dedicated instances; a replaced version serves until its successor runs.
   */
  componentHosting?: ComponentHosting | null;
};

export type RolloutStrategy =
  | { kind: "all-at-once" }
  | { kind: "canary"; canaryPercent: number; bakeSeconds: number }
  | { kind: "linear"; stepPercent: number; stepBakeSeconds: number };

export type EndpointStatus = "absent" | "creating" | "updating" | "healthy" | "failed";

export type VariantState = {
  variantName: string;
  weight: number;
  ready: boolean;
  /** Mirrored to, never answering (see VariantSpec.shadow). */
  shadow?: boolean;
  /** Replicas / instances currently serving, when the target reports it. */
  replicas?: number;
};

export type EndpointState = {
  endpointName: string;
  status: EndpointStatus;
  /** Why the endpoint failed or rolled back, in the target's own words. */
  message?: string;
  /**
   * Set when the target's last update failed or the target rolled it back by itself (SageMaker reports such an
   * endpoint `InService` with a `FailureReason`): the endpoint serves its previous configuration.
   */
  failureReason?: string;
  variants: VariantState[];
};

export type VariantSizing = { instanceType: string; instanceCount: number };

/**
 * How a candidate takes traffic. `stepwise`: the deployment applies it at 0%, moves weights with `setWeights` and
 * bakes each step itself. `native`: one `apply` carrying the rollout does the whole shift (SageMaker blue/green);
 * the target bakes, watches its own alarms and rolls itself back, and `waitUntilSettled` reports the outcome.
 */
export type TrafficShifting = "stepwise" | "native";

export interface DeploymentTarget {
  readonly kind: TargetKind;
  readonly trafficShifting: TrafficShifting;
  /** How long an apply may take to settle on this target, from the target's configuration. */
  readonly settleTimeoutMs: number;
  /**
   * The variant name a version takes on this target's endpoints. Stepwise targets name it after the version (two
   * versions share an endpoint during a rollout); native ones keep a stable slot name so blue/green can shift between
   * fleets, which requires unchanged variant names.
   */
  variantName(modelName: string, version: number): string;
  /** What the variant will run on once applied (the spec's sizing or this target's defaults), recorded for cost. */
  sizing(variant: VariantSpec): VariantSizing;
  /**
   * Makes the endpoint serve exactly these variants at these weights, creating it if needed. Applying the same spec
   * twice changes nothing. `rollout` lets targets with native traffic shifting (SageMaker blue/green) use it.
   */
  apply(spec: EndpointSpec, options?: { rollout?: RolloutStrategy; signal?: AbortSignal }): Promise<EndpointState>;
  /** Changes only the traffic weights of variants the endpoint already has. */
  setWeights(endpointName: string, weights: Record<string, number>): Promise<EndpointState>;
  /** What the target reports now. */
  describe(endpointName: string): Promise<EndpointState>;
  /** Polls until the endpoint is healthy or failed, or the timeout passes (then it answers with the last state). */
  waitUntilSettled(
    endpointName: string,
    options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal },
  ): Promise<EndpointState>;
  /** Removes the endpoint and everything created for it; deleting an absent endpoint is not an error. */
  delete(endpointName: string): Promise<void>;
}
