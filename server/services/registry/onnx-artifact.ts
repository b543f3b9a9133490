import type { Signature } from "@/contracts/signature";
import { AppError } from "@/server/errors";
import { deriveSignature, matchSignature } from "@/server/integrations/onnx/graph-signature";
import { inspectOnnxModel, OnnxLoadError } from "@/server/integrations/onnx/inspect-model";
import { describeGraphValue, type ModelGraph } from "@/server/integrations/onnx/model-graph";
import type { ServiceContext } from "@/server/services/context";

export type StoredArtifact = { path: string; sha256: string };

async function loadGraph(ctx: Pick<ServiceContext, "artifacts">, artifact: StoredArtifact): Promise<ModelGraph> {
  const bytes = new Uint8Array(await new Response(await ctx.artifacts.get(artifact.sha256)).arrayBuffer());
  try {
    return await inspectOnnxModel(bytes);
  } catch (error) {
    if (!(error instanceof OnnxLoadError)) throw error;
    throw new AppError(
      "UNPROCESSABLE",
      `Artifact "${artifact.path}" is not an ONNX model onnxruntime can load: ${error.message}`,
    );
  }
}

const graphSummary = (graph: ModelGraph) => ({
  inputs: graph.inputs.map((value) => `${value.name}: ${describeGraphValue(value)}`),
  outputs: graph.outputs.map((value) => `${value.name}: ${describeGraphValue(value)}`),
});

/**
 * Loads the artifact in onnxruntime and returns the signature to store: the given one checked against the graph
 * (and completed from it where it gave no shape), or, when none was given, the one read from the graph. A model
 * onnxruntime cannot load, or a signature that does not fit it, is refused with a 422 naming every mismatch.
 */
export async function checkOnnxArtifact(
  ctx: Pick<ServiceContext, "artifacts">,
  artifact: StoredArtifact,
  signature: Signature | undefined,
): Promise<Signature> {
  const graph = await loadGraph(ctx, artifact);
  const check = signature ? matchSignature(signature, graph) : deriveSignature(graph);
  if (check.ok) return check.signature;
  const what = signature
    ? `The signature does not match the ONNX graph of "${artifact.path}"`
    : `No signature can be read from the ONNX graph of "${artifact.path}"`;
  throw new AppError("UNPROCESSABLE", `${what}: ${check.problems.join("; ")}`, {
    problems: check.problems,
    graph: graphSummary(graph),
  });
}
