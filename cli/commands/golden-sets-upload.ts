import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { overlap, overlapText } from "@/cli/commands/golden-set-overlap";
import { UsageError } from "@/cli/errors";
import { emit } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";

const UPLOAD_HELP = `Usage: modelport golden-sets upload MODEL FILE --name NAME [--expected COLUMN] [--description TEXT]

Uploads a CSV as the next version of golden set NAME. The header names every input of the model's latest signature
and the expected-outcome column (default: expected). A bad cell is refused with its row and column; nothing is kept.
`;

const uploaded = z.object({
  name: z.string(),
  version: z.number(),
  rowCount: z.number(),
  contentHash: z.string(),
  overlap,
});
export const goldenSetsUploadCommand = defineCommand({
  words: ["golden-sets", "upload"],
  summary: "Upload a CSV as the next version of a golden set",
  help: UPLOAD_HELP,
  parse(argv) {
    const { values, positionals } = parseOptions(
      {
        args: argv,
        options: { name: { type: "string" }, expected: { type: "string" }, description: { type: "string" } },
        allowPositionals: true,
        strict: true,
      },
      UPLOAD_HELP,
    );
    const [model = "", file = ""] = requirePositionals(positionals, ["MODEL", "FILE"], UPLOAD_HELP);
    if (!values.name?.trim()) throw new UsageError("Missing --name", UPLOAD_HELP);
    return { model, file, name: values.name, expected: values.expected, description: values.description };
  },
  async execute(ctx, input) {
    const content = await readFile(input.file, "utf8").catch(() => {
      throw new UsageError(`Cannot read ${input.file}`);
    });
    const result = await (
      await ctx.api()
    ).request("POST", `/models/${encodeURIComponent(input.model)}/golden-sets`, {
      json: {
        name: input.name,
        content,
        fileName: path.basename(input.file),
        expectedColumn: input.expected,
        description: input.description,
      },
      schema: uploaded,
    });
    emit(
      ctx.out,
      result,
      `${result.name} v${result.version}: ${result.rowCount} rows, sha256 ${result.contentHash}, training overlap ${overlapText(result.overlap)}`,
    );
  },
});
