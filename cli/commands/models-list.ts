import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { emit, note, table } from "@/cli/output";
import { parseOptions, parsePositiveIntOption, requirePositionals } from "@/cli/parse-options";

const HELP = `Usage: modelport models list [--search Q] [--tag T] [--team TEAM] [--page N | --cursor C] [--page-size N]

Lists registered models, most recently updated first. --cursor C lists the page after the one that printed C
(as cheap deep in the registry as at its start; --page N skips N-1 pages). A model that gets a new version while
you page moves in this order.
`;

const modelList = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      team: z.string(),
      taskType: z.string(),
      tags: z.array(z.string()),
      latestVersion: z.number().nullable(),
      aliases: z.array(z.object({ alias: z.string(), version: z.number() })),
      updatedAt: z.string(),
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  nextCursor: z.string().nullable(),
});

export const modelsListCommand = defineCommand({
  words: ["models", "list"],
  summary: "List registered models",
  help: HELP,
  parse(argv) {
    const { values, positionals } = parseOptions(
      {
        args: argv,
        options: {
          search: { type: "string" },
          tag: { type: "string" },
          team: { type: "string" },
          page: { type: "string" },
          cursor: { type: "string" },
          "page-size": { type: "string" },
        },
        allowPositionals: true,
        strict: true,
      },
      HELP,
    );
    requirePositionals(positionals, [], HELP);
    return {
      search: values.search,
      tag: values.tag,
      team: values.team,
      page: parsePositiveIntOption(values.page, "--page"),
      cursor: values.cursor,
      pageSize: parsePositiveIntOption(values["page-size"], "--page-size"),
    };
  },
  async execute(ctx, input) {
    const list = await (await ctx.api()).request("GET", "/models", { query: input, schema: modelList });
    const rows = list.items.map((m) => [
      m.name,
      m.team,
      m.taskType.toLowerCase(),
      m.latestVersion === null ? "-" : `v${m.latestVersion}`,
      m.aliases.map((a) => `${a.alias}→v${a.version}`).join(" ") || "-",
      m.tags.join(",") || "-",
      m.updatedAt.slice(0, 10),
    ]);
    const human =
      rows.length === 0
        ? "No models match."
        : table(["NAME", "TEAM", "TASK", "LATEST", "ALIASES", "TAGS", "UPDATED"], rows);
    emit(ctx.out, list, human);
    if (list.nextCursor !== null) {
      note(ctx.out, `${list.items.length} of ${list.total} models; the next page: --cursor ${list.nextCursor}`);
    }
  },
});
