import type {
  CreateEndpointConfigCommandInput,
  DescribeEndpointConfigCommandOutput,
  ProductionVariant,
} from "@aws-sdk/client-sagemaker";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import { instanceTypeSchema, type SageMakerConfig } from "@/server/integrations/sagemaker/config";
import {
  TAG_ENDPOINT,
  canonicalJson,
  contentHash,
  endpointConfigResourceName,
} from "@/server/integrations/sagemaker/names";

type Defined<T> = { [K in keyof T]-?: NonNullable<T[K]> };
export type DesiredVariant = Defined<
  Pick<
    ProductionVariant,
    "VariantName" | "ModelName" | "InstanceType" | "InitialInstanceCount" | "InitialVariantWeight"
  >
>;

const byName = (a: { VariantName?: string }, b: { VariantName?: string }) =>
  (a.VariantName ?? "") < (b.VariantName ?? "") ? -1 : 1;

/** One ProductionVariant per spec variant, sorted by name so equal specs give byte-equal requests. */
export function productionVariants(
  spec: EndpointSpec,
  modelNames: ReadonlyMap<string, string>,
  config: SageMakerConfig,
): DesiredVariant[] {
  return spec.variants
    .map((variant) => ({
      VariantName: variant.variantName,
      ModelName: modelNames.get(variant.variantName) ?? "",
      InstanceType: instanceTypeSchema.parse(variant.instanceType ?? config.defaultInstanceType),
      InitialInstanceCount: variant.instanceCount ?? config.defaultInstanceCount,
      InitialVariantWeight: variant.weight,
    }))
    .sort(byName);
}

/** The config's name hashes its variants (weights included): the same spec always maps to the same config. */
export function createEndpointConfigInput(
  endpointName: string,
  variants: DesiredVariant[],
): CreateEndpointConfigCommandInput & { EndpointConfigName: string } {
  return {
    EndpointConfigName: endpointConfigResourceName(endpointName, contentHash(variants)),
    ProductionVariants: variants,
    Tags: [{ Key: TAG_ENDPOINT, Value: endpointName }],
  };
}

function comparable(variants: readonly ProductionVariant[] | undefined, withWeights: boolean): string {
  return canonicalJson(
    [...(variants ?? [])].sort(byName).map((variant) => ({
      name: variant.VariantName,
      model: variant.ModelName,
      instanceType: variant.InstanceType,
      count: variant.InitialInstanceCount,
      weight: withWeights ? variant.InitialVariantWeight : undefined,
    })),
  );
}

export function isSameEndpointConfig(
  wanted: readonly ProductionVariant[],
  existing: DescribeEndpointConfigCommandOutput,
): boolean {
  return comparable(wanted, true) === comparable(existing.ProductionVariants, true);
}

/** Same variants on the same models and instances: only traffic weights can differ, so no new fleet is needed. */
export function differsOnlyInWeights(
  wanted: readonly ProductionVariant[],
  live: readonly ProductionVariant[] | undefined,
): boolean {
  return comparable(wanted, false) === comparable(live, false);
}
