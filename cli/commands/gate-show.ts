import { z } from "zod";
import { defineCommand } from "@/cli/command";
import { EXIT_CHECK_FAILED } from "@/cli/errors";
import { emit, table } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";
import { parsePositiveInt } from "@/cli/values";

const GATE_HELP = `Usage: modelport gate show MODEL VERSION

Shows the golden-set gate of a version as a production promotion would meet it now: per metric the candidate, the
champion, Δ with its confidence interval and the verdict. Exits 1 when the gate FAILED or could not run.
`;

const metric = z.object({
  metric: z.string(),
  class: z.string().nullable(),
  candidate: z.number().nullable(),
  champion: z.number().nullable(),
  delta: z.number().nullable(),
  ciLower: z.number().nullable(),
  ciUpper: z.number().nullable(),
  verdict: z.string(),
  reasons: z.array(z.string()),
});
const gate = z.union([
  z.object({ configured: z.literal(false), detail: z.string() }),
  z.object({
    configured: z.literal(true),
    current: z.boolean(),
    evaluation: z
      .object({
        status: z.string(),
        warnings: z.array(z.string()),
        metrics: z.array(metric),
        error: z.string().nullable(),
      })
      .nullable(),
  }),
]);

const num = (value: number | null) => (value === null ? "-" : String(Number(value.toPrecision(4))));
export const gateShowCommand = defineCommand({
  words: ["gate", "show"],
  summary: "Show the golden-set gate of a model version",
  help: GATE_HELP,
  parse(argv) {
    const { positionals } = parseOptions({ args: argv, options: {}, allowPositionals: true, strict: true }, GATE_HELP);
    const [model = "", version = ""] = requirePositionals(positionals, ["MODEL", "VERSION"], GATE_HELP);
    return { model, version: parsePositiveInt(version.replace(/^v/i, ""), "VERSION") };
  },
  async execute(ctx, input) {
    const result = await (
      await ctx.api()
    ).request("GET", `/models/${encodeURIComponent(input.model)}/versions/${input.version}/gate`, { schema: gate });
    if (!result.configured) return emit(ctx.out, result, result.detail);
    const evaluation = result.current ? result.evaluation : null;
    if (!evaluation) return emit(ctx.out, result, "Not run yet against the current champion, golden set and rule.");
    const rows = evaluation.metrics.map((m) => [
      m.class ? `${m.metric} (${m.class})` : m.metric,
      num(m.candidate),
      num(m.champion),
      num(m.delta),
      m.ciLower === null || m.ciUpper === null ? "-" : `[${num(m.ciLower)}, ${num(m.ciUpper)}]`,
      m.verdict,
      m.reasons.join("; "),
    ]);
    const lines = [
      `Gate ${evaluation.status}${evaluation.error ? `: ${evaluation.error}` : ""}`,
      ...evaluation.warnings.map((w) => `warning: ${w}`),
      rows.length > 0 ? table(["METRIC", "CANDIDATE", "CHAMPION", "Δ", "CI", "VERDICT", "WHY"], rows) : "",
    ];
    emit(ctx.out, result, lines.filter(Boolean).join("\n"));
    return evaluation.status === "FAILED" || evaluation.status === "ERROR" ? EXIT_CHECK_FAILED : undefined;
  },
});
