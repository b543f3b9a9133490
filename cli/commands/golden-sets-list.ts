import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { overlap, overlapText } from "@/cli/commands/golden-set-overlap";
import { emit, table } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";

const LIST_HELP = `Usage: modelport golden-sets list MODEL

Lists a model's golden sets (frozen, versioned), newest first, with their content hash and training overlap.
`;

const goldenSets = z.array(
  z.object({
    name: z.string(),
    version: z.number(),
    rowCount: z.number(),
    source: z.string(),
    sourceName: z.string(),
    contentHash: z.string(),
    createdAt: z.string(),
    overlap,
  }),
);
export const goldenSetsListCommand = defineCommand({
  words: ["golden-sets", "list"],
  summary: "List a model's golden sets",
  help: LIST_HELP,
  parse(argv) {
    const { positionals } = parseOptions({ args: argv, options: {}, allowPositionals: true, strict: true }, LIST_HELP);
    const [model = ""] = requirePositionals(positionals, ["MODEL"], LIST_HELP);
    return { model };
  },
  async execute(ctx, input) {
    const sets = await (
      await ctx.api()
    ).request("GET", `/models/${encodeURIComponent(input.model)}/golden-sets`, { schema: goldenSets });
    const rows = sets.map((s) => [
      s.name,
      `v${s.version}`,
      String(s.rowCount),
      `${s.source.toLowerCase()} ${s.sourceName}`.trim(),
      s.contentHash.slice(0, 12),
      overlapText(s.overlap),
      s.createdAt.slice(0, 10),
    ]);
    const human =
      rows.length === 0
        ? "No golden sets."
        : table(["NAME", "VERSION", "ROWS", "SOURCE", "HASH", "TRAINING OVERLAP", "CREATED"], rows);
    emit(ctx.out, sets, human);
  },
});
