import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import { TABULAR_SIGNATURE } from "@/tests/integration/support/model-artifacts";

/** A tabular ONNX version (amount, hour → probability) in the endpoint's one slot, as the stand-ins can score it. */
export const onnxVariant = (sha256: string): VariantSpec => ({
  variantName: "primary",
  modelName: "fraud-tabular",
  version: 3,
  format: "ONNX",
  artifactUri: `/registry/${sha256}`,
  artifactFileName: "model.onnx",
  artifactSha256: sha256,
  signature: TABULAR_SIGNATURE,
  weight: 100,
});
