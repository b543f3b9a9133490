import { FEEDBACK_ROW_STATUSES, MAX_FEEDBACK_ROWS, feedbackOutput, type FeedbackRow } from "@/contracts/feedback";
import type { ApiClient } from "@/cli/api-client";
import { inBatches } from "@/cli/batch";
import { defineCommand } from "@/cli/command";
import { ApiError, UsageError } from "@/cli/errors";
import {
  apiIssues,
  checkFeedbackFile,
  feedbackRows,
  type FeedbackFormat,
  type LineProblem,
  type NumberedRow,
} from "@/cli/feedback-file";
import { emit, formatCount } from "@/cli/output";
import { parseOptions } from "@/cli/parse-options";

function requireOption(value: string | undefined, flag: string, help: string): string {
  if (!value) throw new UsageError(`Give ${flag}`, help);
  return value;
}

const HELP = `Usage: modelport feedback send --endpoint NAME --file OUTCOMES.(csv|jsonl)

Sends ground truth for an endpoint's predictions, at most ${formatCount(MAX_FEEDBACK_ROWS)} outcomes per request.
Each outcome names its prediction by predictionId or correlationId (exactly one), carries label (classifiers) or
value (regressors), and knownAt (ISO 8601 with an offset). The whole file is checked first: if any line is bad,
nothing is sent. A request the API refuses writes nothing of its rows; earlier requests stay recorded.

Options:
  --endpoint NAME   The endpoint the predictions were made by
  --file FILE       JSON lines {"predictionId":"…","label":"fraud","knownAt":"2026-12-02T12:00:00Z"}
                    or CSV with a header: predictionId,correlationId,label,value,knownAt (any of them, knownAt required)
`;

type Input = { endpoint: string; file: string };
type Counts = Record<(typeof FEEDBACK_ROW_STATUSES)[number], number>;
type Totals = { counts: Counts; requests: number; problems: LineProblem[] };

const rowsOf = async function* (path: string, format: FeedbackFormat): AsyncGenerator<NumberedRow> {
  for await (const item of feedbackRows(path, format)) if (!("problem" in item)) yield item;
};

/** The API's per-row issues (outcomes.<index>.<field>) as file lines. */
function refusedLines(error: ApiError, batch: NumberedRow[]): LineProblem[] {
  const parsed = apiIssues.safeParse(error.details);
  if (!parsed.success) return [];
  return parsed.data.issues.map((issue) => {
    const index = Number(issue.path.split(".")[1]);
    return { line: batch[index]?.line ?? 0, problem: issue.message };
  });
}

async function sendBatch(api: ApiClient, input: Input, batch: NumberedRow[], totals: Totals) {
  const outcomes: FeedbackRow[] = batch.map((item) => item.row);
  try {
    const answer = await api.request("POST", `/endpoints/${encodeURIComponent(input.endpoint)}/feedback`, {
      json: { outcomes },
      schema: feedbackOutput,
    });
    for (const status of FEEDBACK_ROW_STATUSES) totals.counts[status] += answer.counts[status];
    for (const row of answer.rows) {
      if (row.status === "unknown" || row.status === "ambiguous" || row.note) {
        totals.problems.push({ line: batch[row.index]?.line ?? 0, problem: `${row.status}: ${row.note ?? ""}`.trim() });
      }
    }
    totals.requests++;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const lines = refusedLines(error, batch).map((p) => `  line ${p.line}: ${p.problem}`);
    const sent = totals.requests > 0 ? ` (${totals.requests} earlier request(s) were recorded)` : "";
    throw new ApiError(
      error.status,
      error.code,
      [`${error.message}${sent}`, ...lines.slice(0, 50)].join("\n"),
      error.details,
    );
  }
}

function summary(input: Input, totals: Totals): string {
  const { counts } = totals;
  const head =
    `${input.endpoint}: ${formatCount(counts.created)} created, ${formatCount(counts.updated)} updated, ` +
    `${formatCount(counts.unchanged)} unchanged, ${formatCount(counts.unknown)} unknown, ` +
    `${formatCount(counts.ambiguous)} ambiguous in ${totals.requests} request${totals.requests === 1 ? "" : "s"}`;
  return [head, ...totals.problems.map((p) => `  line ${p.line}: ${p.problem}`)].join("\n");
}

export const feedbackSendCommand = defineCommand({
  words: ["feedback", "send"],
  summary: "Send ground truth (outcomes) for an endpoint's predictions from a CSV/JSONL file",
  help: HELP,
  parse(argv): Input {
    const { values } = parseOptions(
      { args: argv, options: { endpoint: { type: "string" }, file: { type: "string" } }, strict: true },
      HELP,
    );
    return {
      endpoint: requireOption(values.endpoint, "--endpoint", HELP),
      file: requireOption(values.file, "--file", HELP),
    };
  },
  async execute(ctx, input) {
    const { format } = await checkFeedbackFile(input.file);
    const api = await ctx.api();
    const totals: Totals = {
      counts: { created: 0, updated: 0, unchanged: 0, unknown: 0, ambiguous: 0 },
      requests: 0,
      problems: [],
    };
    for await (const batch of inBatches(rowsOf(input.file, format), MAX_FEEDBACK_ROWS)) {
      await sendBatch(api, input, batch, totals);
    }
    emit(ctx.out, { endpoint: input.endpoint, ...totals }, summary(input, totals));
  },
});
