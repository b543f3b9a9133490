import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { registerThroughApi } from "@/tests/integration/deployments/real-models";
import { spoilBlob } from "@/tests/integration/conformance/local-blob";

/** Two real ONNX fraud models with one signature, registered in turn as a model's versions. */
const BUILT = ["fraud-gbt", "fraud-logreg"] as const;

/** Real ONNX models written to a temporary directory, registered through the REST API as a pipeline would. */
export function builtModels(prefix: string) {
  let models: { directory: string; manifest: ManifestEntry[] } | undefined;
  let registered = 0;
  return {
    write: async () => {
      const directory = await mkdtemp(path.join(os.tmpdir(), prefix));
      models = { directory, manifest: (await writeModels(directory)).manifest };
    },
    remove: async () => {
      if (models) await rm(models.directory, { recursive: true, force: true });
    },
    register: async (token: string, modelName: string) => {
      if (!models) throw new Error("write() the models first");
      const built = BUILT[registered++ % BUILT.length];
      return registerThroughApi(
        token,
        modelName,
        models.manifest.find((m) => m.name === built)!,
        models.directory,
      );
    },
  };
}

/**
 * Spoils a blob for a stand-in that cannot load models itself: the bytes are replaced, and the sha256 joins `spoiled`,
 * from which the stand-in's rules decide that its model cannot start.
 */
export function spoilerFor(spoiled: Set<string>) {
  return async (sha256: string) => {
    const restore = await spoilBlob(sha256);
    spoiled.add(sha256);
    return async () => {
      spoiled.delete(sha256);
      await restore();
    };
  };
}
