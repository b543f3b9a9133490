import { z } from "zod";
import { AppError } from "@/server/errors";
import { ArchiveError, readTarArchive, type TarSummary } from "@/server/services/artifacts/tar-archive";
import type { ServiceContext } from "@/server/services/context";
import type { StoredArtifact } from "@/server/services/registry/onnx-artifact";
import { modelShapeSchema, type ModelShape } from "@/contracts/vllm";

const unprocessable = (message: string) => new AppError("UNPROCESSABLE", message);

const GZIP_NAME = /\.(tar\.gz|tgz)$/;
const CONFIG = "config.json";

/** The archive, read to its end; whether it is compressed must agree with its name. */
async function readArchive(
  ctx: Pick<ServiceContext, "artifacts">,
  artifact: StoredArtifact,
  select: { keep?: (path: string) => boolean; measure?: (path: string) => boolean } = {},
): Promise<TarSummary> {
  let summary: TarSummary;
  try {
    summary = await readTarArchive(await ctx.artifacts.get(artifact.sha256), select);
  } catch (error) {
    if (error instanceof ArchiveError) throw unprocessable(`Artifact "${artifact.path}" ${error.message}`);
    throw error;
  }
  if (summary.gzip !== GZIP_NAME.test(artifact.path)) {
    throw unprocessable(
      summary.gzip
        ? `Artifact "${artifact.path}" is gzip-compressed; name it .tar.gz or .tgz`
        : `Artifact "${artifact.path}" is named as gzip-compressed but is a plain tar archive`,
    );
  }
  return summary;
}

/**
 * A CONTAINER version's artifact is what SageMaker unpacks into /opt/ml/model for a custom serving container: a
 * gzip-compressed tar archive named *.tar.gz (model.tar.gz by convention) holding at least one file.
 */
export async function checkContainerArtifact(ctx: Pick<ServiceContext, "artifacts">, artifact: StoredArtifact) {
  if (!artifact.path.endsWith(".tar.gz")) {
    throw unprocessable(
      `A CONTAINER artifact is a gzip tarball named *.tar.gz (e.g. model.tar.gz), not "${artifact.path}"`,
    );
  }
  const summary = await readArchive(ctx, artifact);
  if (summary.fileCount === 0) throw unprocessable(`Artifact "${artifact.path}" holds no files`);
}

/** The fields of a Hugging Face config.json that say which model class vLLM builds. */
const modelConfigSchema = z
  .object({
    architectures: z.array(z.string().min(1)).min(1).optional(),
    model_type: z.string().min(1).optional(),
  })
  .refine((config) => config.architectures !== undefined || config.model_type !== undefined);

/** Weight files vLLM loads: safetensors shards, or PyTorch checkpoints when a model has none. */
const WEIGHT_FILE = /\.(safetensors|bin|pt|pth)$/;

/** What a VLLM artifact says about serving it: its shape (when config.json has the fields) and its weights' size. */
export type LlmProfile = { shape: ModelShape | null; weightBytes: number };

function checkModelConfig(artifact: StoredArtifact, bytes: Uint8Array | undefined): unknown {
  if (!bytes) {
    throw unprocessable(
      `Artifact "${artifact.path}" has no ${CONFIG} at its root: a vLLM model is a Hugging Face model directory ` +
        `(${CONFIG}, tokenizer, weights) packed as a tar archive`,
    );
  }
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw unprocessable(`${CONFIG} in artifact "${artifact.path}" is not valid JSON`);
  }
  if (!modelConfigSchema.safeParse(config).success) {
    throw unprocessable(
      `${CONFIG} in artifact "${artifact.path}" names no model class: it needs "architectures" or "model_type"`,
    );
  }
  return config;
}

/**
 * A VLLM version's artifact is the directory vLLM serves, packed: a tar archive (.tar, or gzip-compressed .tar.gz or
 * .tgz) with a Hugging Face config.json at its root naming the model's architecture or type. The weights are not
 * loaded here; vLLM itself would need a GPU to do that.
 */
export async function checkVllmArtifact(
  ctx: Pick<ServiceContext, "artifacts">,
  artifact: StoredArtifact,
): Promise<LlmProfile> {
  if (!/\.(tar|tar\.gz|tgz)$/.test(artifact.path)) {
    throw unprocessable(
      `A VLLM artifact is a tar archive of the model directory (.tar, .tar.gz or .tgz), not "${artifact.path}"`,
    );
  }
  const summary = await readArchive(ctx, artifact, {
    keep: (path) => path === CONFIG,
    measure: (path) => WEIGHT_FILE.test(path),
  });
  const config = checkModelConfig(artifact, summary.kept.get(CONFIG));
  // A config whose sizes sit elsewhere (multimodal models nest them under text_config) has no shape: the launch
  // check then cannot size the KV cache, and says so, rather than guessing.
  const shape = modelShapeSchema.safeParse(config);
  return { shape: shape.success ? shape.data : null, weightBytes: summary.measuredBytes };
}
