import { z } from "zod";
import { signatureSchema } from "../../server/services/registry/schemas";
import { tabularSignatureProblem } from "../serving/signature-validation";

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const nameSchema = (what: string) =>
  z.string().regex(NAME_PATTERN, `${what} names use lower-case letters, digits and '-' (at most 63 characters)`);

export const endpointNameSchema = nameSchema("Endpoint");

export const DEFAULT_BATCHING = { maxBatchSize: 32, maxQueueDelayMs: 2 };

export const batchingSchema = z.object({
  maxBatchSize: z.number().int().min(1).max(1024).default(DEFAULT_BATCHING.maxBatchSize),
  maxQueueDelayMs: z.number().min(0).max(100).default(DEFAULT_BATCHING.maxQueueDelayMs),
});

export const variantConfigSchema = z.object({
  variantName: nameSchema("Variant"),
  modelName: z.string().min(1).max(200).optional(),
  modelVersion: z.number().int().min(1).optional(),
  modelPath: z.string().min(1).max(4096),
  sha256: z.string().regex(/^[a-f0-9]{64}$/, "sha256 is 64 lower-case hex digits"),
  signature: signatureSchema.superRefine((signature, ctx) => {
    const problem = tabularSignatureProblem(signature);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  weight: z.number().min(0).max(100),
});

const WEIGHT_TOLERANCE = 1e-6;
const sumsTo100 = (weights: number[]) => Math.abs(weights.reduce((s, w) => s + w, 0) - 100) < WEIGHT_TOLERANCE;

/** The full desired state of one endpoint (PUT is idempotent: the same body twice changes nothing). */
export const endpointConfigSchema = z
  .object({ variants: z.array(variantConfigSchema).min(1).max(16), batching: batchingSchema.default(DEFAULT_BATCHING) })
  .superRefine((config, ctx) => {
    const names = config.variants.map((v) => v.variantName);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) ctx.addIssue({ code: "custom", path: ["variants"], message: `Variant "${duplicate}" appears twice` });
    if (!sumsTo100(config.variants.map((v) => v.weight))) {
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
export type BatchingConfig = z.infer<typeof batchingSchema>;
export type FaultInjection = z.infer<typeof faultInjectionSchema>;

export { sumsTo100 };
