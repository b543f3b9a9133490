import type { DescribeEndpointCommandOutput } from "@aws-sdk/client-sagemaker";
import { z } from "zod";
import { asyncServingSchema } from "@/contracts/async-serving";
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
  shadow: z.boolean().optional(),
  instanceType: instanceTypeSchema.optional(),
  instanceCount: z.number().int().min(1).optional(),
});

type ParsedVariant = z.infer<typeof variantSchema>;
const live = (variants: ParsedVariant[]) => variants.filter((variant) => !variant.shadow);
const shadows = (variants: ParsedVariant[]) => variants.filter((variant) => variant.shadow);

/**
 * SageMaker's own limits: at most 10 production variants, and with ShadowProductionVariants exactly one production
 * variant and one shadow (API reference: CreateEndpointConfig; developer guide: "Create a shadow test").
 */
const endpointSpecSchema = z
  .object({
    endpointName: nameSchema,
    variants: z
      .array(variantSchema)
      .refine((variants) => live(variants).length >= 1, { message: "An endpoint needs at least one live variant" })
      .refine((variants) => live(variants).length <= MAX_PRODUCTION_VARIANTS, {
        message: `A SageMaker endpoint has at most ${MAX_PRODUCTION_VARIANTS} production variants`,
      })
      .refine((variants) => new Set(variants.map((variant) => variant.variantName)).size === variants.length, {
        message: "Variant names must be unique within an endpoint",
      })
      .refine((variants) => Math.abs(live(variants).reduce((sum, variant) => sum + variant.weight, 0) - 100) < 1e-6, {
        message: "The weights of the live variants must add up to 100",
      })
      .refine((variants) => shadows(variants).every((variant) => variant.weight === 0), {
        message: "A shadow variant takes no live traffic: its weight must be 0",
      })
      .refine((variants) => shadows(variants).length <= 1, {
        message: "SageMaker supports at most one shadow variant per endpoint",
      })
      .refine((variants) => shadows(variants).length === 0 || live(variants).length === 1, {
        message: "An endpoint with a shadow variant has exactly one production variant on SageMaker",
      }),
    asyncInference: asyncServingSchema.nullish(),
  })
  .refine((spec) => !spec.asyncInference || spec.variants.length === 1, {
    message: "An asynchronous SageMaker endpoint serves one variant: no A/B test or shadow beside it",
    path: ["variants"],
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

/** The weights after a change (the ones not named keep theirs) must leave some variant taking traffic. */
export function assertSomeTraffic(live: DescribeEndpointCommandOutput, weights: Record<string, number>): void {
  const total = (live.ProductionVariants ?? []).reduce(
    (sum, variant) => sum + (weights[variant.VariantName ?? ""] ?? variant.DesiredWeight ?? variant.CurrentWeight ?? 0),
    0,
  );
  if (!(total > 0))
    throw permanent(
      `These weights leave endpoint ${live.EndpointName ?? ""} with no variant taking traffic; give one a weight above 0`,
    );
}
