import { z } from "zod";
import { signatureSchema } from "@/server/services/registry/schemas";
import { tabularSignatureProblem } from "@/runtime/serving/signature-validation";

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const nameSchema = (what: string) =>
  z.string().regex(NAME_PATTERN, `${what} names use lower-case letters, digits and '-' (at most 63 characters)`);

export const endpointNameSchema = nameSchema("Endpoint");

export const DEFAULT_BATCHING = { maxBatchSize: 32, maxQueueDelayMs: 2 };

export const batchingSchema = z.object({
  maxBatchSize: z.number().int().min(1).max(1024).default(DEFAULT_BATCHING.maxBatchSize),
  maxQueueDelayMs: z.number().min(0).max(100).default(DEFAULT_BATCHING.maxQueueDelayMs),
});

/** One input's frozen reference bins (see server/services/monitoring/psi.ts for the bin convention). */
export const featureBinsSchema = z
  .object({
    name: z.string().min(1).max(200),
    kind: z.enum(["NUMERIC", "CATEGORICAL"]),
    edges: z.array(z.number()).max(1000).default([]),
    categories: z.array(z.string().max(1000)).max(1000).default([]),
  })
  .superRefine((feature, ctx) => {
    if (feature.edges.some((edge, i) => i > 0 && !(edge > feature.edges[i - 1]!))) {
      ctx.addIssue({
        code: "custom",
        path: ["edges"],
        message: `Bin edges of "${feature.name}" must be strictly increasing`,
      });
    }
    if (new Set(feature.categories).size !== feature.categories.length) {
      ctx.addIssue({
        code: "custom",
        path: ["categories"],
        message: `Categories of "${feature.name}" must be distinct`,
      });
    }
  });

export const variantConfigSchema = z
  .object({
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

const WEIGHT_TOLERANCE = 1e-6;
const sumsTo100 = (weights: number[]) => Math.abs(weights.reduce((s, w) => s + w, 0) - 100) < WEIGHT_TOLERANCE;

/** The full desired state of one endpoint (PUT is idempotent: the same body twice changes nothing). */
export const endpointConfigSchema = z
  .object({ variants: z.array(variantConfigSchema).min(1).max(16), batching: batchingSchema.default(DEFAULT_BATCHING) })
  .superRefine((config, ctx) => {
    const names = config.variants.map((v) => v.variantName);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate)
      ctx.addIssue({ code: "custom", path: ["variants"], message: `Variant "${duplicate}" appears twice` });
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
/** What a control client sends: fields with defaults (batching, instanceType, instanceCount) may be left out. */
export type EndpointConfigInput = z.input<typeof endpointConfigSchema>;
export type BatchingConfig = z.infer<typeof batchingSchema>;
export type FaultInjection = z.infer<typeof faultInjectionSchema>;

export { sumsTo100 };
