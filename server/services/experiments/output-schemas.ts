import { z } from "zod";

// Response shapes of the experiments REST API; they also document it in /api/v1/openapi.json.

const stringMap = z.record(z.string(), z.string());
const numberMap = z.record(z.string(), z.number());
const runStatus = z.enum(["RUNNING", "FINISHED", "FAILED", "KILLED"]);

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
    status: runStatus,
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
