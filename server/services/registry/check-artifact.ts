import type { ModelFormat } from "@/contracts/enums";
import type { Signature } from "@/contracts/signature";
import { badRequest } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import {
  checkContainerArtifact,
  checkVllmArtifact,
  type LlmProfile,
} from "@/server/services/registry/archive-artifact";
import { checkOnnxArtifact, type StoredArtifact } from "@/server/services/registry/onnx-artifact";

/**
 * Checks that the artifact is what its format says and returns the signature to store (undefined: none) and, for
 * VLLM, the model's shape and weight size (the launch check sizes the KV cache and the startup probe from them).
 * ONNX: onnxruntime loads it, and the signature is read from the graph or must match it. VLLM: a tar archive of a
 * Hugging Face model directory; a signature is optional (vLLM's OpenAI-compatible API is the interface). CONTAINER:
 * a model.tar.gz, and a signature is required, since nothing in the archive says what the container accepts.
 */
export async function checkVersionArtifact(
  ctx: Pick<ServiceContext, "artifacts">,
  format: ModelFormat,
  artifact: StoredArtifact,
  signature: Signature | undefined,
): Promise<{ signature: Signature | undefined; llm?: LlmProfile }> {
  switch (format) {
    case "ONNX":
      return { signature: await checkOnnxArtifact(ctx, artifact, signature) };
    case "VLLM":
      return { signature, llm: await checkVllmArtifact(ctx, artifact) };
    case "CONTAINER":
      if (!signature) {
        throw badRequest(
          "A CONTAINER version needs a signature: nothing in its model.tar.gz says what the container accepts",
        );
      }
      await checkContainerArtifact(ctx, artifact);
      return { signature };
  }
}
