import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { ApiClient } from "@/cli/api-client";
import { defineCommand } from "@/cli/command";
import { ApiError, UsageError } from "@/cli/errors";
import { emit, note } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";
import { parseChoice } from "@/cli/values";

const FORMATS = ["onnx", "vllm", "container"] as const;
const TASKS = ["classification", "regression", "ranking", "llm", "other"] as const;

const HELP = `Usage: modelport models register NAME --run RUN_ID --format onnx|vllm|container [options]

Registers a new version of model NAME from a run and prints the version number.

Options:
  --run RUN_ID          The run the version comes from (required)
  --format FORMAT       onnx, vllm or container (required)
  --artifact PATH       The run's artifact to serve (required), checked against the format before anything is
                        written: onnx — a model onnxruntime loads; vllm — a .tar/.tar.gz of a Hugging Face model
                        directory with config.json at its root; container — a gzip tarball named *.tar.gz
  --signature FILE      A JSON file {"inputs": [{"name","type","shape"}], "outputs": [...]}; onnx: optional (read
                        from the model when left out, else checked against it); container: required
  --description TEXT    Release notes (Markdown)
  --create              Create the model first if it does not exist; needs --task
  --team TEAM           With --create: the owning team (default: yours)
  --task TASK           With --create: classification, regression, ranking, llm or other

Example:
  modelport models register fraud-gbm --run "$RUN_ID" --artifact model.onnx --format onnx \\
    --create --team Risk --task classification
`;

const registered = z.object({ model: z.string(), version: z.number().int() });

export type ModelsRegisterInput = {
  name: string;
  version: { runId: string; format: Uppercase<(typeof FORMATS)[number]>; artifactPath: string; description?: string };
  signatureFile?: string;
  create?: { team?: string; taskType: Uppercase<(typeof TASKS)[number]> };
};

const upper = <T extends string>(value: T) => value.toUpperCase() as Uppercase<T>;

async function readSignature(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch(() => {
    throw new UsageError(`Cannot read signature file ${path}`);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Signature file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Creates the model unless it exists; a concurrent creation by someone else counts as existing. */
async function ensureModel(api: ApiClient, name: string, create: NonNullable<ModelsRegisterInput["create"]>) {
  const path = `/models/${encodeURIComponent(name)}`;
  try {
    await api.request("GET", path, { schema: z.object({ name: z.string() }) });
    return false;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  try {
    await api.request("POST", "/models", { json: { name, ...create }, schema: z.object({ name: z.string() }) });
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) return false;
    throw error;
  }
}

export const modelsRegisterCommand = defineCommand({
  words: ["models", "register"],
  summary: "Register a model version from a run (optionally creating the model)",
  help: HELP,
  parse(argv): ModelsRegisterInput {
    const { values, positionals } = parseOptions(
      {
        args: argv,
        options: {
          run: { type: "string" },
          artifact: { type: "string" },
          format: { type: "string" },
          signature: { type: "string" },
          description: { type: "string" },
          create: { type: "boolean" },
          team: { type: "string" },
          task: { type: "string" },
        },
        allowPositionals: true,
        strict: true,
      },
      HELP,
    );
    const [name = ""] = requirePositionals(positionals, ["NAME"], HELP);
    if (!values.run) throw new UsageError("Missing --run", HELP);
    if (!values.format) throw new UsageError("Missing --format", HELP);
    if (!values.artifact) throw new UsageError("Missing --artifact", HELP);
    if (!values.create && (values.team || values.task))
      throw new UsageError("--team and --task only apply with --create", HELP);
    if (values.create && !values.task) throw new UsageError("--create needs --task", HELP);
    return {
      name,
      version: {
        runId: values.run,
        format: upper(parseChoice(values.format, FORMATS, "--format")),
        artifactPath: values.artifact,
        description: values.description,
      },
      signatureFile: values.signature,
      create: values.task
        ? { team: values.team, taskType: upper(parseChoice(values.task, TASKS, "--task")) }
        : undefined,
    };
  },
  async execute(ctx, input) {
    const signature = input.signatureFile ? await readSignature(input.signatureFile) : undefined;
    const api = await ctx.api();
    const created = input.create ? await ensureModel(api, input.name, input.create) : false;
    const version = await api.request("POST", `/models/${encodeURIComponent(input.name)}/versions`, {
      json: { ...input.version, signature },
      schema: registered,
    });
    note(ctx.out, `${created ? "Created model" : "Model"} ${version.model}: registered version ${version.version}`);
    emit(ctx.out, { model: version.model, version: version.version, modelCreated: created }, String(version.version));
  },
});
