import { z } from "zod";
import { MAX_CURVE_RUNS } from "@/contracts/curve-frames";
import { runStatusSchema } from "@/contracts/enums";
import { createExperimentInput, experimentName, runSelectionIdSchema } from "@/contracts/experiments";
import { MAX_INT4, MAX_PAGE } from "@/contracts/limits";

export const MAX_POINTS_PER_BATCH = 10_000;
export const MAX_PARAMS_PER_BATCH = 1_000;
export const MAX_TAGS_PER_BATCH = 1_000;
/** Postgres `integer`, the type of MetricPoint.step. */
const MAX_STEP = MAX_INT4;

// Like MLflow: keys may hold letters, digits, _ - . / : and spaces. Backticks are excluded so any key
// can be quoted in a filter expression.
const KEY_PATTERN = /^[A-Za-z0-9_\-./: ]+$/;

const entityKey = (what: string) =>
  z
    .string()
    .min(1, `${what} keys must not be empty`)
    .max(250, `${what} keys are at most 250 characters`)
    .regex(KEY_PATTERN, `${what} keys may contain only letters, digits, spaces and _ - . / :`);

// Years 1 to 9999 (UTC): the times PostgreSQL prints in the four-digit form page cursors carry.
const isoDateTime = z
  .union([z.iso.datetime({ offset: true }), z.date()])
  .transform((value) => new Date(value))
  .refine(
    (date) => date.getTime() >= new Date("0001-01-01T00:00:00Z").getTime() && date.getUTCFullYear() <= 9999,
    "Times must fall between the years 1 and 9999 (UTC)",
  );

export const idSchema = z.string().trim().min(1).max(64);

export const listExperimentsInput = z.object({
  search: z.string().trim().max(200).optional(),
  page: z.number().int().min(1).max(MAX_PAGE).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
});

export const createRunInput = z
  .object({
    experimentId: idSchema.optional(),
    experimentName: experimentName.optional(),
    name: z.string().trim().min(1).max(250, "Run names are at most 250 characters").optional(),
    gitCommit: z.string().trim().min(1).max(100).optional(),
    datasetRef: z.string().trim().min(1).max(1000).optional(),
    tags: z.record(entityKey("Tag"), z.string().max(5000, "Tag values are at most 5,000 characters")).optional(),
    startTime: isoDateTime.optional(),
  })
  .refine((input) => (input.experimentId === undefined) !== (input.experimentName === undefined), {
    message: "Give exactly one of experimentId or experimentName",
    path: ["experimentId"],
  });

const paramValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((value) => String(value))
  .pipe(z.string().max(6000, "Param values are at most 6,000 characters"));

export const metricPointInput = z.object({
  key: entityKey("Metric"),
  value: z.number({ error: "Metric values must be finite numbers" }),
  step: z
    .number()
    .int("Steps must be whole numbers")
    .min(0, "Steps must not be negative")
    .max(MAX_STEP, `Steps are at most ${MAX_STEP}`)
    .default(0),
  timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const logBatchInput = z.object({
  params: z
    .record(entityKey("Param"), paramValue)
    .refine((p) => Object.keys(p).length <= MAX_PARAMS_PER_BATCH, `At most ${MAX_PARAMS_PER_BATCH} params per call`)
    .optional(),
  metrics: z
    .array(metricPointInput)
    .max(MAX_POINTS_PER_BATCH, `At most ${MAX_POINTS_PER_BATCH.toLocaleString("en-US")} metric points per call`)
    .optional(),
  tags: z
    .record(entityKey("Tag"), z.string().max(5000, "Tag values are at most 5,000 characters"))
    .refine((t) => Object.keys(t).length <= MAX_TAGS_PER_BATCH, `At most ${MAX_TAGS_PER_BATCH} tags per call`)
    .optional(),
});

export const FINISH_STATUSES = ["FINISHED", "FAILED", "KILLED"] as const;

export const finishRunInput = z.object({
  status: z.enum(FINISH_STATUSES),
  endTime: isoDateTime.optional(),
});

export const listRunsInput = z.object({
  experimentId: idSchema,
  filter: z.string().max(4000).optional(),
  sortBy: z.string().trim().max(300).optional(),
  sortDir: z.enum(["asc", "desc"]).optional(),
  /** Where the previous page ended (its `nextCursor`); absent for the first page. */
  cursor: z.string().max(40_000).nullish(),
  pageSize: z.number().int().min(1).max(500).default(50),
});

/** A comparison draws every run's curves: as many runs as the curve stream serves. */
export const MAX_COMPARE_RUNS = MAX_CURVE_RUNS;
export const DEFAULT_COMPARE_POINTS = 500;
export const MAX_COMPARE_POINTS = 2000;
export const DEFAULT_COMPARE_METRICS = 8;

const comparedRunIds = z
  .array(idSchema)
  .min(1, "Pick at least one run")
  .max(MAX_COMPARE_RUNS, `Compare at most ${MAX_COMPARE_RUNS.toLocaleString("en-US")} runs`)
  .refine((ids) => new Set(ids).size === ids.length, "Run ids must be unique");

export { runSelectionIdSchema };

export const saveRunSelectionInput = z.object({ runIds: comparedRunIds });
export const saveMatchingRunsInput = listRunsInput.pick({
  experimentId: true,
  filter: true,
  sortBy: true,
  sortDir: true,
});
export const runSelectionRefInput = z.object({ selection: runSelectionIdSchema });
export const runSelectionOutput = z.object({ id: runSelectionIdSchema, runIds: z.array(z.string()) });
export const savedMatchingRunsOutput = runSelectionOutput.extend({
  total: z.number().int().meta({ description: "Runs the view lists in all; the selection holds the first 1,000" }),
});

const compareOptions = {
  metricKeys: z.array(entityKey("Metric")).max(50, "Compare at most 50 metrics").optional(),
  maxPoints: z.number().int().min(10).max(MAX_COMPARE_POINTS).default(DEFAULT_COMPARE_POINTS),
  /** False leaves `series` empty: the portal streams the curves sized to its charts (curve-stream.ts). */
  curves: z.boolean().default(true),
};

/** The runs by id, or (for more than a link can carry) by the id of a saved selection. */
export const compareRunsInput = z
  .object({ runIds: comparedRunIds.optional(), selection: runSelectionIdSchema.optional(), ...compareOptions })
  .refine(
    (input) => (input.runIds === undefined) !== (input.selection === undefined),
    "Name the runs either by runIds or by a saved selection",
  );

export type CreateExperimentInput = z.input<typeof createExperimentInput>;
export type ListExperimentsInput = z.input<typeof listExperimentsInput>;
export type CreateRunInput = z.input<typeof createRunInput>;
export type LogBatchInput = z.input<typeof logBatchInput>;
export type FinishRunInput = z.input<typeof finishRunInput>;
export type ListRunsInput = z.input<typeof listRunsInput>;
export type CompareRunsInput = z.input<typeof compareRunsInput>;

export const experimentIdInput = z.object({ id: idSchema });

export const runIdInput = z.object({ runId: idSchema });

// Outputs: the response shapes of the experiments REST API; they also document it in /api/v1/openapi.json.

const stringMap = z.record(z.string(), z.string());
const numberMap = z.record(z.string(), z.number());

export const experimentSummaryOutput = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    teamName: z.string().nullable(),
    isDemo: z.boolean(),
    createdAt: z.date(),
    runCount: z.number().int(),
    lastRunAt: z.date().nullable(),
  })
  .meta({ id: "ExperimentSummary" });

export const experimentListOutput = z
  .object({
    items: z.array(experimentSummaryOutput),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({ id: "ExperimentList" });

export const experimentDetailOutput = experimentSummaryOutput
  .extend({
    metricKeys: z.array(z.string()).meta({ description: "Metric keys logged by any run" }),
    paramKeys: z.array(z.string()).meta({ description: "Param keys logged by any run" }),
  })
  .meta({ id: "Experiment" });

export const artifactOutput = z
  .object({
    id: z.string(),
    path: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    contentType: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: "Artifact" });

export const runDetailOutput = z
  .object({
    id: z.string(),
    experimentId: z.string(),
    experimentName: z.string(),
    name: z.string(),
    status: runStatusSchema,
    startTime: z.date(),
    endTime: z.date().nullable(),
    createdAt: z.date(),
    userName: z.string(),
    gitCommit: z.string().nullable(),
    datasetRef: z.string().nullable(),
    tags: stringMap,
    params: stringMap,
    metrics: numberMap.meta({ description: "Latest value (at the highest step) of each metric" }),
    metricSeries: z.array(
      z.object({
        key: z.string(),
        lastValue: z.number(),
        lastStep: z.number().int(),
        minValue: z.number(),
        maxValue: z.number(),
        pointCount: z.number().int(),
      }),
    ),
    artifacts: z.array(artifactOutput),
    versions: z.array(z.object({ id: z.string(), modelName: z.string(), version: z.number().int() })),
  })
  .meta({ id: "Run" });

// Outputs of the tRPC procedures only (not part of the REST API).

export const runListItemOutput = runDetailOutput.pick({
  id: true,
  name: true,
  status: true,
  startTime: true,
  endTime: true,
  userName: true,
  gitCommit: true,
  datasetRef: true,
  tags: true,
  metrics: true,
  params: true,
});

export const runListOutput = z.object({
  items: z.array(runListItemOutput),
  /** Runs matching the filter, counted on the first page (null on the pages after it). */
  total: z.number().int().nullable(),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const curvePointOutput = z.object({ step: z.number().int(), value: z.number() });

export const seriesCurveOutput = z.object({
  runId: z.string(),
  key: z.string(),
  totalPoints: z.number().int(),
  points: z.array(curvePointOutput),
});

export const comparedRunOutput = runDetailOutput.pick({
  id: true,
  name: true,
  experimentId: true,
  experimentName: true,
  status: true,
  params: true,
  metrics: true,
});

export const runComparisonOutput = z.object({
  runs: z.array(comparedRunOutput),
  metricKeys: z.array(z.string()),
  availableMetricKeys: z.array(z.string()),
  paramKeys: z.array(z.string()),
  pointsPerSeries: z
    .number()
    .int()
    .meta({ description: "The most points any series has: `maxPoints`, lowered to keep each chart within budget" }),
  series: z.array(seriesCurveOutput),
});

export type ExperimentSummary = z.infer<typeof experimentSummaryOutput>;
export type ExperimentList = z.infer<typeof experimentListOutput>;
export type ExperimentDetail = z.infer<typeof experimentDetailOutput>;
export type RunDetail = z.infer<typeof runDetailOutput>;
export type RunListItem = z.infer<typeof runListItemOutput>;
export type RunListPage = z.infer<typeof runListOutput>;
export type SeriesCurve = z.infer<typeof seriesCurveOutput>;
export type ComparedRun = z.infer<typeof comparedRunOutput>;
export type RunComparison = z.infer<typeof runComparisonOutput>;

export const logBatchOutput = z
  .object({
    runId: z.string(),
    paramsLogged: z.number().int().meta({ description: "Params newly stored (re-logging the same value is a no-op)" }),
    metricPoints: z.number().int().meta({ description: "Points written after merging duplicate (key, step) pairs" }),
    metricKeys: z.array(z.string()),
    tagsSet: z.number().int(),
  })
  .meta({ id: "LogBatchResult" });

export const uploadedArtifactOutput = artifactOutput
  .extend({ runId: z.string().nullable() })
  .meta({ id: "UploadedArtifact" });
