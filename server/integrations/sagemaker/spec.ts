import { z } from "zod";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import { instanceTypeSchema } from "@/server/integrations/sagemaker/config";
import { permanent } from "@/server/integrations/sagemaker/errors";
import { SAGEMAKER_NAME_PATTERN } from "@/server/integrations/sagemaker/names";

const MAX_PRODUCTION_VARIANTS = 10;
const nameSchema = z
  .string()
  .regex(SAGEMAKER_NAME_PATTERN, "SageMaker names use letters, digits and dashes (at most 63 characters)");

const variantSchema = z.object({
  variantName: nameSchema,
  artifactUri: z.string().min(1, "Every variant needs an artifact URI"),
  artifactSha256: z.string().regex(/^[0-9a-f]{64}$/, "artifactSha256 must be 64 lower-case hex digits"),
  weight: z.number().min(0).max(100),
  instanceType: instanceTypeSchema.optional(),
  instanceCount: z.number().int().min(1).optional(),
});

const endpointSpecSchema = z.object({
  endpointName: nameSchema,
  variants: z
    .array(variantSchema)
    .min(1, "An endpoint needs at least one variant")
    .max(MAX_PRODUCTION_VARIANTS, `A SageMaker endpoint has at most ${MAX_PRODUCTION_VARIANTS} production variants`)
    .refine((variants) => new Set(variants.map((variant) => variant.variantName)).size === variants.length, {
      message: "Variant names must be unique within an endpoint",
    })
    .refine((variants) => Math.abs(variants.reduce((sum, variant) => sum + variant.weight, 0) - 100) < 1e-6, {
      message: "Variant weights must add up to 100",
    }),
});

/** Rejects a spec SageMaker would refuse, before anything is created. */
export function assertValidSpec(spec: EndpointSpec): void {
  const parsed = endpointSpecSchema.safeParse(spec);
  if (!parsed.success) throw permanent(`Invalid SageMaker endpoint spec:\n${z.prettifyError(parsed.error)}`);
}

export function assertValidWeights(weights: Record<string, number>): void {
  const invalid = Object.entries(weights).filter(
    ([, weight]) => !Number.isFinite(weight) || weight < 0 || weight > 100,
  );
  if (invalid.length > 0)
    throw permanent(
      `Weights must be between 0 and 100 (got ${invalid.map(([name, weight]) => `${name}=${weight}`).join(", ")})`,
    );
  if (Object.keys(weights).length === 0) throw permanent("Give at least one variant weight");
}
