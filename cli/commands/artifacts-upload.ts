import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { UsageError } from "@/cli/errors";
import { emit, formatCount } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";

const HELP = `Usage: modelport artifacts upload RUN_ID FILE [--path NAME]

Streams a file to the run's artifacts (content-addressed by sha256) and prints its path, sha256 and size.

Options:
  --path NAME   The artifact's path within the run (default: the file's name)
`;

const uploaded = z.object({ path: z.string(), sha256: z.string(), sizeBytes: z.union([z.number(), z.string()]) });

export const artifactsUploadCommand = defineCommand({
  words: ["artifacts", "upload"],
  summary: "Upload a file (e.g. model.onnx) to a run",
  help: HELP,
  parse(argv) {
    const { values, positionals } = parseOptions(
      { args: argv, options: { path: { type: "string" } }, allowPositionals: true, strict: true },
      HELP,
    );
    const [runId = "", file = ""] = requirePositionals(positionals, ["RUN_ID", "FILE"], HELP);
    return { runId, file, path: values.path ?? basename(file) };
  },
  async execute(ctx, input) {
    const info = await stat(input.file).catch(() => {
      throw new UsageError(`Cannot read ${input.file}`);
    });
    if (!info.isFile()) throw new UsageError(`${input.file} is not a file`);
    const artifact = await (
      await ctx.api()
    ).upload(`/runs/${encodeURIComponent(input.runId)}/artifacts`, {
      query: { path: input.path },
      body: createReadStream(input.file),
      size: info.size,
      schema: uploaded,
    });
    emit(
      ctx.out,
      artifact,
      [
        `path:   ${artifact.path}`,
        `sha256: ${artifact.sha256}`,
        `size:   ${formatCount(Number(artifact.sizeBytes))} bytes`,
      ].join("\n"),
    );
  },
});
