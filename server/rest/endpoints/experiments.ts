import { createExperimentInput } from "@/contracts/experiments";
import { z } from "zod";
import { artifactDownloadResponse } from "@/server/services/artifacts/download";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import { createExperiment, getExperiment, listExperiments } from "@/server/services/experiments/experiments";
import { logBatch } from "@/server/services/experiments/log-batch";
import {
  experimentDetailOutput,
  experimentListOutput,
  experimentSummaryOutput,
  logBatchOutput,
  runDetailOutput,
  uploadedArtifactOutput,
  createRunInput,
  finishRunInput,
  idSchema,
  logBatchInput,
} from "@/server/services/experiments/schemas";
import { getRun } from "@/server/services/experiments/run-views";
import { createRun, finishRun } from "@/server/services/experiments/runs";
import { ownerOfNew, ownerOfRun, ownerOfRunTarget } from "@/server/auth/ownership";
import { declaredLength } from "@/server/rest/declared-length";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";
import { MAX_PAGE } from "@/contracts/limits";

const TAG = "Experiments";
const experimentParams = z.object({ experimentId: idSchema });
const runParams = z.object({ runId: idSchema });
const artifactParams = z.object({ artifactId: idSchema });

const listExperimentsQuery = z.object({
  search: z.string().trim().max(200).optional().meta({ description: "Case-insensitive substring of the name" }),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

const uploadQuery = z.object({
  path: z.string().meta({ description: 'Path of the file within the run, e.g. "model/model.onnx"' }),
});

export const experimentEndpoints: Endpoint[] = [
  defineEndpoint(
    {
      method: "GET",
      path: "/experiments",
      summary: "List experiments",
      tag: TAG,
      scope: "read",
      permission: "read",
      query: listExperimentsQuery,
      response: experimentListOutput,
    },
    ({ ctx, query }) => listExperiments(ctx, query),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/experiments",
      summary: "Create an experiment",
      tag: TAG,
      scope: "runs:write",
      permission: "experiments:write",
      body: createExperimentInput,
      response: experimentSummaryOutput,
      owner: (ctx, { body }) => ownerOfNew(ctx, `Experiment "${body.name}"`, body.team),
    },
    ({ ctx, body }) => createExperiment(ctx, body),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/experiments/{experimentId}",
      summary: "Get an experiment with its metric and param keys",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: experimentParams,
      response: experimentDetailOutput,
    },
    ({ ctx, params }) => getExperiment(ctx, params.experimentId),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/runs",
      summary: "Start a run (in an experiment given by id, or by name: created when missing)",
      tag: TAG,
      scope: "runs:write",
      permission: "experiments:write",
      body: createRunInput,
      response: runDetailOutput,
      owner: (ctx, { body }) => ownerOfRunTarget(ctx, body),
    },
    ({ ctx, body }) => createRun(ctx, body),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/runs/{runId}",
      summary: "Get a run with params, latest metrics, artifacts and registered versions",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: runParams,
      response: runDetailOutput,
    },
    ({ ctx, params }) => getRun(ctx, params.runId),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/runs/{runId}/log",
      summary: "Log params, metrics (up to 10,000 points) and tags to a running run, all or nothing",
      tag: TAG,
      scope: "runs:write",
      permission: "experiments:write",
      params: runParams,
      owner: (ctx, { params }) => ownerOfRun(ctx, params.runId),
      body: logBatchInput,
      response: logBatchOutput,
      successStatus: 200,
    },
    ({ ctx, params, body }) => logBatch(ctx, params.runId, body),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/runs/{runId}/finish",
      summary: "End a running run",
      tag: TAG,
      scope: "runs:write",
      permission: "experiments:write",
      params: runParams,
      owner: (ctx, { params }) => ownerOfRun(ctx, params.runId),
      body: finishRunInput,
      response: runDetailOutput,
      successStatus: 200,
    },
    ({ ctx, params, body }) => finishRun(ctx, params.runId, body),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/runs/{runId}/artifacts",
      summary: "Upload a file to a run (raw bytes, streamed; identical content is stored once)",
      tag: TAG,
      scope: "runs:write",
      permission: "experiments:write",
      params: runParams,
      owner: (ctx, { params }) => ownerOfRun(ctx, params.runId),
      query: uploadQuery,
      body: "binary",
      response: uploadedArtifactOutput,
    },
    ({ ctx, params, query, request }) =>
      uploadArtifact(ctx, {
        runId: params.runId,
        path: query.path,
        contentType: request.headers.get("content-type"),
        body: request.body,
        declaredBytes: declaredLength(request),
      }),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/artifacts/{artifactId}/content",
      summary: "Download an artifact's bytes",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: artifactParams,
      response: z.string(),
      rawResponse: true,
    },
    ({ ctx, params }) => artifactDownloadResponse(ctx, params.artifactId),
  ),
];
