import { z } from "zod";
import type { ApiClient } from "@/cli/api-client";
import { inBatches } from "@/cli/batch";
import { defineCommand } from "@/cli/command";
import { ApiError, UsageError } from "@/cli/errors";
import { readMetricPoints, validateMetricsFile, type MetricsFile } from "@/cli/metrics-file-reader";
import { emit, formatCount } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";
import { parseKeyValues, parseMetricArg, type MetricPoint } from "@/cli/values";

export const POINTS_PER_REQUEST = 1000;

const HELP = `Usage: modelport runs log RUN_ID [--param K=V]... [--metric KEY=VALUE[@STEP]]... [--metrics-file FILE]

Logs parameters and metric points to a run, sending at most ${POINTS_PER_REQUEST} points per request.
The whole file is checked first: if any line is bad, nothing is sent.

Options:
  --param K=V                 A parameter; repeat for more
  --metric KEY=VALUE[@STEP]   A metric point (step defaults to 0); repeat for more
  --metrics-file FILE         JSON lines {"key":"loss","value":0.1,"step":3,"timestamp":1700000000000}
                              or CSV key,value,step[,timestamp] (a header line is allowed);
                              the format comes from the extension (.jsonl/.csv) or the first line
`;

const logResult = z.object({ paramsLogged: z.number(), metricPoints: z.number() });

export type RunsLogInput = {
  runId: string;
  params: Record<string, string>;
  metrics: MetricPoint[];
  metricsFile?: string;
};

async function* allPoints(cliPoints: MetricPoint[], file: MetricsFile | null): AsyncGenerator<MetricPoint> {
  yield* cliPoints;
  if (file) yield* readMetricPoints(file);
}

async function sendBatches(api: ApiClient, input: RunsLogInput, file: MetricsFile | null, totalPoints: number) {
  const path = `/runs/${encodeURIComponent(input.runId)}/log`;
  const totals = { paramsLogged: 0, metricPoints: 0, requests: 0 };
  const hasParams = Object.keys(input.params).length > 0;
  const send = async (body: { params?: Record<string, string>; metrics?: MetricPoint[] }) => {
    try {
      const result = await api.request("POST", path, { json: body, schema: logResult });
      totals.paramsLogged += result.paramsLogged;
      totals.metricPoints += result.metricPoints;
      totals.requests++;
    } catch (error) {
      if (!(error instanceof ApiError) || totals.requests === 0) throw error;
      const sent = `${formatCount(totals.metricPoints)} of ${formatCount(totalPoints)} points were already logged`;
      throw new ApiError(
        error.status,
        error.code,
        `${error.message} (request ${totals.requests + 1}; ${sent})`,
        error.details,
      );
    }
  };
  for await (const batch of inBatches(allPoints(input.metrics, file), POINTS_PER_REQUEST)) {
    await send({ ...(totals.requests === 0 && hasParams ? { params: input.params } : {}), metrics: batch });
  }
  if (totals.requests === 0) await send({ params: input.params });
  return totals;
}

export const runsLogCommand = defineCommand({
  words: ["runs", "log"],
  summary: "Log params and metrics (from flags or a JSONL/CSV file) to a run",
  help: HELP,
  parse(argv): RunsLogInput {
    const { values, positionals } = parseOptions(
      {
        args: argv,
        options: {
          param: { type: "string", multiple: true },
          metric: { type: "string", multiple: true },
          "metrics-file": { type: "string" },
        },
        allowPositionals: true,
        strict: true,
      },
      HELP,
    );
    const [runId = ""] = requirePositionals(positionals, ["RUN_ID"], HELP);
    const params = parseKeyValues(values.param, "--param");
    const metrics = (values.metric ?? []).map(parseMetricArg);
    const metricsFile = values["metrics-file"];
    if (Object.keys(params).length === 0 && metrics.length === 0 && !metricsFile) {
      throw new UsageError("Nothing to log: give --param, --metric or --metrics-file", HELP);
    }
    return { runId, params, metrics, metricsFile };
  },
  async execute(ctx, input) {
    const file = input.metricsFile ? await validateMetricsFile(input.metricsFile) : null;
    const totalPoints = input.metrics.length + (file?.pointCount ?? 0);
    if (totalPoints === 0 && Object.keys(input.params).length === 0) {
      throw new UsageError(`${input.metricsFile} holds no metric points`);
    }
    const totals = await sendBatches(await ctx.api(), input, file, totalPoints);
    emit(
      ctx.out,
      { runId: input.runId, ...totals },
      `Logged ${formatCount(totals.paramsLogged)} new param${totals.paramsLogged === 1 ? "" : "s"} and ` +
        `${formatCount(totals.metricPoints)} metric point${totals.metricPoints === 1 ? "" : "s"} to run ${input.runId} ` +
        `in ${totals.requests} request${totals.requests === 1 ? "" : "s"}`,
    );
  },
});
