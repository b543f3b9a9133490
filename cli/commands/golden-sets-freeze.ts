import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { UsageError } from "@/cli/errors";
import { emit } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";

const FREEZE_HELP = `Usage: modelport golden-sets freeze MODEL --name NAME [--queue QUEUE_ID] [--from TIME] [--to TIME]
                                [--stratum STRATUM]... [--description TEXT]

Freezes the model's accepted labels (of all its label queues, or --queue) into the next version of golden set NAME,
with each row's provenance (stratum, annotators, reviewer, agreement). --from/--to bound when the labels were
accepted (ISO 8601); --stratum (AUDIT, UNCERTAINTY, DISAGREEMENT, DRIFT, FLAGGED) keeps items sampled for that reason.
`;

const STRATA = ["AUDIT", "UNCERTAINTY", "DISAGREEMENT", "DRIFT", "FLAGGED"] as const;

const frozen = z.object({ name: z.string(), version: z.number(), rowCount: z.number(), contentHash: z.string() });

function isoTime(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value))) throw new UsageError(`${option} is not a date or time: ${value}`, FREEZE_HELP);
  return new Date(value).toISOString();
}

export const goldenSetsFreezeCommand = defineCommand({
  words: ["golden-sets", "freeze"],
  summary: "Freeze accepted labels into the next version of a golden set",
  help: FREEZE_HELP,
  parse(argv) {
    const { values, positionals } = parseOptions(
      {
        args: argv,
        options: {
          name: { type: "string" },
          queue: { type: "string" },
          from: { type: "string" },
          to: { type: "string" },
          stratum: { type: "string", multiple: true },
          description: { type: "string" },
        },
        allowPositionals: true,
        strict: true,
      },
      FREEZE_HELP,
    );
    const [model = ""] = requirePositionals(positionals, ["MODEL"], FREEZE_HELP);
    if (!values.name?.trim()) throw new UsageError("Missing --name", FREEZE_HELP);
    const strata = (values.stratum ?? []).map((s) => s.toUpperCase());
    const unknown = strata.find((s) => !(STRATA as readonly string[]).includes(s));
    if (unknown) throw new UsageError(`Unknown --stratum ${unknown}: one of ${STRATA.join(", ")}`, FREEZE_HELP);
    return {
      model,
      name: values.name,
      description: values.description,
      filter: {
        queueId: values.queue,
        from: isoTime(values.from, "--from"),
        to: isoTime(values.to, "--to"),
        strata: strata.length > 0 ? strata : undefined,
      },
    };
  },
  async execute(ctx, input) {
    const result = await (
      await ctx.api()
    ).request("POST", `/models/${encodeURIComponent(input.model)}/golden-sets/from-labels`, {
      json: { name: input.name, description: input.description, filter: input.filter },
      schema: frozen,
    });
    emit(
      ctx.out,
      result,
      `${result.name} v${result.version}: ${result.rowCount} rows from accepted labels, sha256 ${result.contentHash}`,
    );
  },
});
