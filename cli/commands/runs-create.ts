import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { UsageError } from "@/cli/errors";
import { emit, note } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";
import { parseKeyValues } from "@/cli/values";

const HELP = `Usage: modelport runs create --experiment NAME [options]

Starts a run (status RUNNING) and prints its id. The experiment is created if it does not exist.

Options:
  --experiment NAME   Experiment name (required)
  --name NAME         Run name (default: a generated one)
  --git-commit SHA    The commit the run trained from
  --dataset REF       The dataset it trained on, e.g. s3://bucket/train@v3
  --tag KEY=VALUE     A tag; repeat for more

Example:
  RUN_ID=$(modelport runs create --experiment fraud-gbm --git-commit "$(git rev-parse HEAD)" --tag trigger=nightly)
`;

const createdRun = z.object({ id: z.string(), name: z.string() });

export const runsCreateCommand = defineCommand({
  words: ["runs", "create"],
  summary: "Start a run in an experiment and print its id",
  help: HELP,
  parse(argv) {
    const { values, positionals } = parseOptions(
      {
        args: argv,
        options: {
          experiment: { type: "string" },
          name: { type: "string" },
          "git-commit": { type: "string" },
          dataset: { type: "string" },
          tag: { type: "string", multiple: true },
        },
        allowPositionals: true,
        strict: true,
      },
      HELP,
    );
    requirePositionals(positionals, [], HELP);
    if (!values.experiment) throw new UsageError("Missing --experiment", HELP);
    const tags = parseKeyValues(values.tag, "--tag");
    return {
      experimentName: values.experiment,
      name: values.name,
      gitCommit: values["git-commit"],
      datasetRef: values.dataset,
      tags: Object.keys(tags).length > 0 ? tags : undefined,
    };
  },
  async execute(ctx, input) {
    const run = await (await ctx.api()).request("POST", "/runs", { json: input, schema: createdRun });
    note(ctx.out, `Started run ${run.name} in ${input.experimentName}`);
    emit(ctx.out, run, run.id);
  },
});
