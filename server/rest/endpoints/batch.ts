import { z } from "zod";
import { createBatchJobInput, datasetFileNameSchema } from "@/contracts/batch-jobs";
import { ownerOfBatchJob, ownerOfModel } from "@/server/auth/ownership";
import { declaredLength } from "@/server/rest/declared-length";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";
import {
  cancelBatchJob,
  createBatchJob,
  getBatchJob,
  listBatchJobs,
  resumeBatchJob,
} from "@/server/services/batch/batch-jobs";
import { uploadDataset } from "@/server/services/batch/datasets";
import {
  batchJobIdInput,
  batchJobListOutput,
  batchJobView,
  datasetOutput,
  listBatchJobsInput,
} from "@/server/services/batch/schemas";
import { modelRefSchema } from "@/server/services/registry/schemas";

const TAG = "Batch jobs";
const modelParams = z.object({ name: modelRefSchema });
const jobParams = batchJobIdInput;

/** Datasets and batch scoring jobs, for pipelines and the CLI (the same services as the portal's). */
export const batchEndpoints: Endpoint[] = [
  defineEndpoint(
    {
      method: "POST",
      path: "/models/{name}/datasets",
      summary: "Upload a CSV dataset to score (raw bytes, streamed; a header row of column names)",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      params: modelParams,
      owner: (ctx, { params }) => ownerOfModel(ctx, params.name),
      query: z.object({ fileName: datasetFileNameSchema }),
      body: "binary",
      response: datasetOutput,
    },
    ({ ctx, params, query, request }) =>
      uploadDataset(ctx, {
        modelName: params.name,
        fileName: query.fileName,
        body: request.body,
        declaredBytes: declaredLength(request),
      }),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/models/{name}/batch-jobs",
      summary: "Score an uploaded dataset with a version: results joined back to the input by the key columns",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      params: modelParams,
      owner: (ctx, { params }) => ownerOfModel(ctx, params.name),
      body: createBatchJobInput.omit({ modelName: true }),
      response: batchJobView,
    },
    ({ ctx, params, body }) => createBatchJob(ctx, { ...body, modelName: params.name }),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/models/{name}/batch-jobs",
      summary: "A model's batch jobs, newest first, with progress",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: modelParams,
      query: listBatchJobsInput.omit({ modelName: true }).extend({
        version: z.coerce.number().int().min(1).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
      response: batchJobListOutput,
    },
    ({ ctx, params, query }) => listBatchJobs(ctx, { ...query, modelName: params.name }),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/batch-jobs/{jobId}",
      summary: "A batch job: status, rows done and failed, rows/s, ETA, lineage (version, input, output)",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: jobParams,
      response: batchJobView,
    },
    ({ ctx, params }) => getBatchJob(ctx, params),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/batch-jobs/{jobId}/cancel",
      summary: "Cancel a batch job (a running one stops after the part in flight; its output so far is kept)",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      params: jobParams,
      owner: (ctx, { params }) => ownerOfBatchJob(ctx, params.jobId),
      response: batchJobView,
      successStatus: 200,
    },
    ({ ctx, params }) => cancelBatchJob(ctx, params),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/batch-jobs/{jobId}/resume",
      summary: "Resume a cancelled or failed batch job after its last written part",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      params: jobParams,
      owner: (ctx, { params }) => ownerOfBatchJob(ctx, params.jobId),
      response: batchJobView,
      successStatus: 200,
    },
    ({ ctx, params }) => resumeBatchJob(ctx, params),
  ),
];
