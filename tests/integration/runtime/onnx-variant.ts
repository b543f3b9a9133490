import path from "node:path";
import type { ManifestEntry } from "@/training/write-models";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";

/** A variant serving one of the real ONNX models writeModels wrote to `directory`, named `<model>-v<version>`. */
export function onnxVariant(
  models: { manifest: ManifestEntry[]; directory: string },
  modelName: string,
  version: number,
  weight: number,
): VariantSpec {
  const entry = models.manifest.find((m) => m.name === modelName)!;
  return {
    variantName: `${modelName}-v${version}`,
    modelName,
    version,
    format: "ONNX",
    artifactUri: path.join(models.directory, entry.file),
    artifactSha256: entry.sha256,
    signature: entry.signature,
    weight,
  };
}
