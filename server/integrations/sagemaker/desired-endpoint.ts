import type { AsyncInferenceConfig, CreateModelCommandInput, DataCaptureConfig } from "@aws-sdk/client-sagemaker";
import type { AsyncScaling } from "@/contracts/async-serving";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import {
  asyncInferenceConfig,
  createEndpointConfigInput,
  dataCaptureConfig,
  productionVariants,
  shadowProductionVariants,
  type DesiredVariant,
} from "@/server/integrations/sagemaker/endpoint-config";
import type { ArtifactUpload } from "@/server/integrations/sagemaker/model-artifacts";
import { createModelInput, modelDataPlan } from "@/server/integrations/sagemaker/model-definition";
import { assertValidSpec } from "@/server/integrations/sagemaker/spec";

/** Everything apply will ask SageMaker for, computed (and validated) before any call. */
export type DesiredEndpoint = {
  /** Registry artifacts to put on S3 before the models that read them are created, one per object. */
  artifacts: ArtifactUpload[];
  models: (CreateModelCommandInput & { ModelName: string })[];
  variants: DesiredVariant[];
  /** SageMaker's ShadowProductionVariants: at most one, mirrored every request the production variant answers. */
  shadowVariants: DesiredVariant[];
  configName: string;
  configInput: ReturnType<typeof createEndpointConfigInput>;
  /** Data capture of the endpoint's capture policy (absent when the spec carries none, or serves asynchronously). */
  dataCapture?: DataCaptureConfig;
  asyncConfig?: AsyncInferenceConfig;
  asyncScaling?: AsyncScaling | null;
};

export function desiredEndpoint(spec: EndpointSpec, config: SageMakerConfig): DesiredEndpoint {
  assertValidSpec(spec);
  const models = spec.variants.map((variant) => createModelInput(spec.endpointName, variant, config));
  const modelNames = new Map(models.map((model, index) => [spec.variants[index]?.variantName ?? "", model.ModelName]));
  const variants = productionVariants(spec, modelNames, config);
  const shadowVariants = shadowProductionVariants(spec, modelNames, config);
  const serving = spec.asyncInference ?? undefined;
  // An asynchronous endpoint's requests and answers are S3 objects already: no data capture beside them.
  const dataCapture = serving ? undefined : dataCaptureConfig(spec.captureRate, config);
  const asyncConfig = serving && asyncInferenceConfig(spec.endpointName, serving, config);
  const configInput = createEndpointConfigInput(
    spec.endpointName,
    { variants, shadowVariants, asyncConfig, asyncScaling: serving?.scaling },
    dataCapture,
  );
  const uploads = spec.variants.flatMap((variant) => modelDataPlan(variant, config).upload ?? []);
  const artifacts = [...new Map(uploads.map((upload) => [upload.uri, upload])).values()];
  return {
    artifacts,
    models,
    variants,
    shadowVariants,
    configName: configInput.EndpointConfigName,
    configInput,
    dataCapture,
    asyncConfig,
    asyncScaling: serving?.scaling,
  };
}
