import { z } from "zod";
import { featureBinsSchema } from "@/contracts/feature-bins";
import { signatureSchema, type Signature } from "@/contracts/signature";
import { MAX_INT4 } from "@/contracts/limits";
import { onlineFeaturesSchema, type OnlineFeatures } from "@/contracts/online-features";

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const nameSchema = (what: string) =>
  z.string().regex(NAME_PATTERN, `${what} names use lower-case letters, digits and '-' (at most 63 characters)`);

export const endpointNameSchema = nameSchema("Endpoint");

export const DEFAULT_BATCHING = { maxBatchSize: 32, maxQueueDelayMs: 2 };

export const batchingSchema = z.object({
  maxBatchSize: z.number().int().min(1).max(1024).default(DEFAULT_BATCHING.maxBatchSize),
  maxQueueDelayMs: z.number().min(0).max(100).default(DEFAULT_BATCHING.maxQueueDelayMs),
});

/** The runtime serves tabular models: every input holds exactly one value per row ([batch] or [batch, 1]). */
export function tabularSignatureProblem(signature: Signature): string | undefined {
  for (const input of signature.inputs) {
    const shape = input.shape;
    if (shape === undefined) continue;
    const rowDims = shape.slice(1);
    if (shape.length === 0 || shape.length > 2 || rowDims.some((dim) => dim !== 1)) {
      return `Input "${input.name}" has shape [${shape.join(", ")}]; the runtime serves one value per row per input ([-1] or [-1, 1])`;
    }
  }
  return undefined;
}

export const variantConfigSchema = z
  .object({
    variantName: nameSchema("Variant"),
    modelName: z.string().min(1).max(200).optional(),
    modelVersion: z.number().int().min(1).max(MAX_INT4).optional(),
    modelPath: z.string().min(1).max(4096),
    sha256: z.string().regex(/^[a-f0-9]{64}$/, "sha256 is 64 lower-case hex digits"),
    signature: signatureSchema.superRefine((signature, ctx) => {
      const problem = tabularSignatureProblem(signature);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    weight: z.number().min(0).max(100),
    /**
     * A shadow gets no live traffic (its weight is 0): after each request is answered by a live variant, the same rows
     * are mirrored to it, its predictions captured and measured under its own name and never sent to the caller.
     */
    shadow: z.boolean().optional(),
    /** Reference bins of the version's inputs: served rows are counted into modelport_runtime_feature_value for drift. */
    featureBins: z.array(featureBinsSchema).max(1000).optional(),
    /** What the variant is billed as (a priced instance type) and how many; exported as an instance gauge for cost. */
    instanceType: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "instance types use letters, digits, '.', '_' and '-'")
      .default("local-cpu"),
    instanceCount: z.number().int().min(1).max(1000).default(1),
  })
  .superRefine((variant, ctx) => {
    const inputs = new Set(variant.signature.inputs.map((input) => input.name));
    const unknown = (variant.featureBins ?? [])
      .filter((feature) => !inputs.has(feature.name))
      .map((feature) => `"${feature.name}"`);
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["featureBins"],
        message: `featureBins name input(s) the signature does not have: ${unknown.join(", ")}`,
      });
    }
  });

/** Each shadow costs every request a second inference, so an endpoint mirrors to at most this many. */
export const MAX_SHADOW_VARIANTS = 4;

const WEIGHT_TOLERANCE = 1e-6;
const sumsTo100 = (weights: number[]) => Math.abs(weights.reduce((s, w) => s + w, 0) - 100) < WEIGHT_TOLERANCE;

/** A predict key's sha256, hex: the runtime keeps only this and compares digests in constant time. */
export const predictKeySha256Schema = z
  .string()
  .regex(/^[a-f0-9]{64}$/, "predictKeySha256 is 64 lower-case hex digits");

/**
 * The endpoint's capture policy on the runtime: each predicted row is appended to the capture stream with probability
 * `rate` (0 = none, 1 = every row). The portal's Endpoint.captureRate; changed live with PUT .../capture.
 */
export const captureConfigSchema = z.object({ rate: z.number().min(0).max(1).default(1) });
export const DEFAULT_CAPTURE = { rate: 1 };

/**
 * How sticky routing hashes a routing key: with a salt (an A/B test's), the key is hashed together with it, so two
 * tests with different salts split the same callers independently. Absent: the unsalted hash (assignments as before).
 */
export const routingConfigSchema = z.object({
  salt: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "A routing salt is 1–64 letters, digits, '_' or '-'"),
});

/** The full desired state of one endpoint (PUT is idempotent: the same body twice changes nothing). */
/**
 * Scale to zero: after `idleSeconds` without a request the endpoint's models are unloaded (it costs nothing while it
 * sleeps); the next request wakes it, and every request answers 503 with Retry-After until it serves again.
 */
export const scaleToZeroSchema = z.object({
  idleSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600),
});
export type ScaleToZero = z.infer<typeof scaleToZeroSchema>;

/** PUT /v1/control/endpoints/:name/scale-to-zero: turns it on (with its idle time) or off, in place. */
export const scaleToZeroSettingSchema = z.object({ scaleToZero: scaleToZeroSchema.nullable() });

/** PUT /v1/control/endpoints/:name/online-features: sets (or, with null, removes) them in place. */
export const onlineFeaturesSettingSchema = z.object({ onlineFeatures: onlineFeaturesSchema.nullable() });

export const endpointConfigSchema = z
  .object({
    variants: z.array(variantConfigSchema).min(1).max(16),
    batching: batchingSchema.default(DEFAULT_BATCHING),
    /**
     * When set, predictions must send the key whose sha256 this is (`Authorization: Bearer <key>` or
     * `x-api-key: <key>`); the runtime answers 401 otherwise. Absent: predictions need no key.
     */
    predictKeySha256: predictKeySha256Schema.optional(),
    capture: captureConfigSchema.default(DEFAULT_CAPTURE),
    routing: routingConfigSchema.optional(),
    scaleToZero: scaleToZeroSchema.optional(),
    /** A feature lookup before the model and/or a rule-based fallback when it fails (contracts/online-features.ts). */
    onlineFeatures: onlineFeaturesSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const names = config.variants.map((v) => v.variantName);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate)
      ctx.addIssue({ code: "custom", path: ["variants"], message: `Variant "${duplicate}" appears twice` });
    config.variants.forEach((v, i) => {
      if (v.shadow && v.weight !== 0)
        ctx.addIssue({
          code: "custom",
          path: ["variants", i, "weight"],
          message: `Shadow variant "${v.variantName}" gets no live traffic: its weight must be 0`,
        });
    });
    const live = config.variants.filter((v) => !v.shadow);
    if (live.length === 0)
      ctx.addIssue({ code: "custom", path: ["variants"], message: "At least one variant must not be a shadow" });
    if (config.variants.length - live.length > MAX_SHADOW_VARIANTS)
      ctx.addIssue({ code: "custom", path: ["variants"], message: `At most ${MAX_SHADOW_VARIANTS} shadow variants` });
    if (live.length > 0 && !sumsTo100(live.map((v) => v.weight))) {
      ctx.addIssue({ code: "custom", path: ["variants"], message: "Variant weights must sum to 100" });
    }
  });

export const weightsSchema = z.object({ weights: z.record(z.string(), z.number().min(0).max(100)) });

/** For tests only: makes a variant fail or slow down on purpose, e.g. to prove a canary guardrail rolls back. */
export const faultInjectionSchema = z.object({
  errorRate: z.number().min(0).max(1),
  extraLatencyMs: z.number().int().min(0).max(60_000).default(0),
});

export type VariantConfig = z.infer<typeof variantConfigSchema>;
export type EndpointConfig = z.infer<typeof endpointConfigSchema>;
/** What a control client sends: fields with defaults (batching, instanceType, instanceCount) may be left out. */
export type EndpointConfigInput = z.input<typeof endpointConfigSchema>;
export type BatchingConfig = z.infer<typeof batchingSchema>;
export type CaptureConfig = z.infer<typeof captureConfigSchema>;
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
export type FaultInjection = z.infer<typeof faultInjectionSchema>;

export { sumsTo100 };

/** A scale-to-zero endpoint's models: loaded, unloaded after its idle time, or loading again for a request. */
export type SleepState = "awake" | "asleep" | "waking";

export type EndpointView = {
  endpointName: string;
  status: "healthy" | "updating";
  batching: BatchingConfig;
  /** Predictions must send the endpoint's predict key (absent from older runtimes). */
  predictKeyRequired?: boolean;
  /** The capture policy in force (absent from older runtimes). */
  capture?: CaptureConfig;
  /** The routing salt in force; absent when sticky routing is unsalted (and from older runtimes). */
  routing?: RoutingConfig;
  /** With scale to zero: whether its models are loaded now, and after how long idle they are unloaded. */
  sleep?: { state: SleepState; idleSeconds: number };
  /** The feature lookup and fallback in force (absent when none, and from older runtimes). */
  onlineFeatures?: OnlineFeatures;
  variants: Array<{
    variantName: string;
    modelName?: string;
    modelVersion?: number;
    modelPath: string;
    sha256: string;
    weight: number;
    /** The signature's input feature names, so clients (e.g. the traffic generator) know what rows to send (absent from older runtimes). */
    inputs?: string[];
    ready: boolean;
    /** Mirrored to, never answering (absent when false, and from older runtimes). */
    shadow?: boolean;
    faultInjection?: FaultInjection;
  }>;
};
