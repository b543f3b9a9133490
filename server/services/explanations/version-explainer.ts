import { ExplainUnavailableError, loadExplainer, type Explainer } from "@/lib/explain/explainer";
import { AppError } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";

/** Explaining in the portal reads the whole model into memory: larger models are explained by the runtime only. */
export const MAX_EXPLAINED_MODEL_BYTES = 64 * 1024 * 1024;
/** Parsed explainers kept per portal process (by artifact digest, so a version's is shared by every reader). */
const KEPT = 16;
const explainers = new Map<string, Promise<Explainer>>();

export type ExplainedArtifact = { sha256: string; path: string; sizeBytes: bigint };

async function parse(ctx: Pick<ServiceContext, "artifacts">, artifact: ExplainedArtifact): Promise<Explainer> {
  const bytes = new Uint8Array(await new Response(await ctx.artifacts.get(artifact.sha256)).arrayBuffer());
  try {
    return loadExplainer(bytes);
  } catch (error) {
    if (!(error instanceof ExplainUnavailableError)) throw error;
    throw new AppError("UNPROCESSABLE", `Artifact "${artifact.path}" cannot be explained: ${error.message}`);
  }
}

/**
 * The exact explainer of a stored ONNX model (TreeSHAP or linear SHAP, from its `modelport.explain` metadata), parsed
 * once per process and kept for the most recently used models. A failure is not kept: the next call tries again.
 */
export async function explainerOfArtifact(
  ctx: Pick<ServiceContext, "artifacts">,
  artifact: ExplainedArtifact,
): Promise<Explainer> {
  if (artifact.sizeBytes > MAX_EXPLAINED_MODEL_BYTES)
    throw new AppError(
      "UNPROCESSABLE",
      `Artifact "${artifact.path}" is larger than the ${MAX_EXPLAINED_MODEL_BYTES / 1024 / 1024} MiB the portal explains`,
    );
  const kept = explainers.get(artifact.sha256);
  if (kept) {
    explainers.delete(artifact.sha256);
    explainers.set(artifact.sha256, kept);
    return kept;
  }
  const parsing = parse(ctx, artifact);
  explainers.set(artifact.sha256, parsing);
  parsing.catch(() => explainers.get(artifact.sha256) === parsing && explainers.delete(artifact.sha256));
  while (explainers.size > KEPT) explainers.delete(explainers.keys().next().value!);
  return parsing;
}
