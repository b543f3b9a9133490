import type { Signature } from "@/contracts/signature";
import type { DemoModel } from "@/prisma/seed/demo-catalog";
import type { PlannedRun } from "@/prisma/seed/run-plan";
import { buildLinearScorer, type ScorerInput } from "@/training/linear-scorer";
import { tarArchive } from "@/training/tar";

/** A registered demo version's artifact: what a pipeline would upload, and how the registry is told to read it. */
export type DemoArtifact = { path: string; contentType: string; bytes: Uint8Array };

const MERCHANT_CATEGORIES = ["grocery", "restaurant", "electronics", "travel", "fashion", "digital_goods"];

/** The Hugging Face config.json fields vLLM reads to pick the model class, for the demo's base models. */
const BASE_MODEL_CONFIGS: Record<string, { architectures: string[]; model_type: string }> = {
  "qwen2.5-1.5b-instruct": { architectures: ["Qwen2ForCausalLM"], model_type: "qwen2" },
  "llama-3.2-3b-instruct": { architectures: ["LlamaForCausalLM"], model_type: "llama" },
};

export function seedOf(text: string) {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

function scorerInput(spec: Signature["inputs"][number]): ScorerInput {
  if (spec.type === "string") return { name: spec.name, type: "string", categories: MERCHANT_CATEGORIES };
  if (spec.type === "float32") return { name: spec.name, type: "float32" };
  throw new Error(`The demo ONNX models take float32 and string inputs, not ${spec.type}`);
}

/**
 * A real ONNX model whose graph is exactly the demo signature ([batch] inputs, one [batch] output), with weights
 * drawn from the run's seed: it loads and runs in onnxruntime, but it was trained on nothing, and says so.
 */
function demoOnnxModel(model: DemoModel, run: PlannedRun, signature: Signature): DemoArtifact {
  const [output] = signature.outputs;
  if (!output) throw new Error(`Demo model ${model.name} has no output`);
  const bytes = buildLinearScorer({
    inputs: signature.inputs.map(scorerInput),
    outputName: output.name,
    link: model.taskType === "REGRESSION" ? "identity" : "sigmoid",
    rank: 1,
    seed: seedOf(`${model.name}/${run.name}`),
    docString: `DEMO ${model.name} (${run.name}): a linear scorer with seeded random weights, not a trained model.`,
  });
  return { path: "model.onnx", contentType: "application/octet-stream", bytes };
}

/** A vLLM model directory packed as model.tar.gz: config.json of the run's base model, and no weights. */
function demoVllmArchive(model: DemoModel, run: PlannedRun): DemoArtifact {
  const baseModel = String(run.params.base_model ?? "qwen2.5-1.5b-instruct");
  const config = {
    ...(BASE_MODEL_CONFIGS[baseModel] ?? BASE_MODEL_CONFIGS["qwen2.5-1.5b-instruct"]),
    _name_or_path: baseModel,
    modelport_demo: true,
  };
  const readme = `# ${model.name} (${run.name}) — DEMO\n\nFine-tuned from ${baseModel} in the demo's story only: this archive holds the model's config.json and no weights, so vLLM cannot serve it.\n`;
  const bytes = tarArchive(
    [
      { path: "config.json", content: JSON.stringify(config, null, 2) },
      { path: "README.md", content: readme },
    ],
    { gzip: true },
  );
  return { path: "model.tar.gz", contentType: "application/gzip", bytes };
}

/** The artifact a demo version is registered with: passes the registry's check for the model's format. */
export function demoArtifact(model: DemoModel, run: PlannedRun, signature: Signature): DemoArtifact {
  return model.format === "VLLM" ? demoVllmArchive(model, run) : demoOnnxModel(model, run, signature);
}
