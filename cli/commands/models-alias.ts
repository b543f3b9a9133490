import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { UsageError } from "@/cli/errors";
import { emit } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";
import { parsePositiveInt } from "@/cli/values";

const HELP = `Usage: modelport models alias NAME ALIAS VERSION --reason TEXT

Points an alias (e.g. production, staging) at a version. The reason is kept in the alias history.
`;

const aliasSet = z.object({
  model: z.string(),
  alias: z.string(),
  version: z.number(),
  event: z.object({ fromVersion: z.number().nullable() }),
});

export const modelsAliasCommand = defineCommand({
  words: ["models", "alias"],
  summary: "Point an alias at a model version",
  help: HELP,
  parse(argv) {
    const { values, positionals } = parseOptions(
      { args: argv, options: { reason: { type: "string" } }, allowPositionals: true, strict: true },
      HELP,
    );
    const [name = "", alias = "", version = ""] = requirePositionals(positionals, ["NAME", "ALIAS", "VERSION"], HELP);
    if (!values.reason?.trim()) throw new UsageError("Missing --reason", HELP);
    return { name, alias, version: parsePositiveInt(version.replace(/^v/i, ""), "VERSION"), reason: values.reason };
  },
  async execute(ctx, input) {
    const result = await (
      await ctx.api()
    ).request("PUT", `/models/${encodeURIComponent(input.name)}/aliases/${encodeURIComponent(input.alias)}`, {
      json: { version: input.version, reason: input.reason },
      schema: aliasSet,
    });
    const from = result.event.fromVersion === null ? "" : ` (was v${result.event.fromVersion})`;
    emit(ctx.out, result, `${result.model}@${result.alias} → v${result.version}${from}`);
  },
});
