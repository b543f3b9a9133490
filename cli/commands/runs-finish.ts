import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { emit } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";
import { parseChoice } from "@/cli/values";

const STATUSES = ["FINISHED", "FAILED", "KILLED"] as const;

const HELP = `Usage: modelport runs finish RUN_ID [--status FINISHED|FAILED|KILLED]

Ends a running run. The status defaults to FINISHED.
`;

const finishedRun = z.object({ id: z.string(), status: z.string() });

export const runsFinishCommand = defineCommand({
  words: ["runs", "finish"],
  summary: "End a run as FINISHED, FAILED or KILLED",
  help: HELP,
  parse(argv) {
    const { values, positionals } = parseOptions(
      { args: argv, options: { status: { type: "string" } }, allowPositionals: true, strict: true },
      HELP,
    );
    const [runId = ""] = requirePositionals(positionals, ["RUN_ID"], HELP);
    return {
      runId,
      status: values.status === undefined ? "FINISHED" : parseChoice(values.status, STATUSES, "--status"),
    };
  },
  async execute(ctx, input) {
    const run = await (
      await ctx.api()
    ).request("POST", `/runs/${encodeURIComponent(input.runId)}/finish`, {
      json: { status: input.status },
      schema: finishedRun,
    });
    emit(ctx.out, run, `Run ${run.id} is ${run.status}`);
  },
});
