import { createBatchJobInput } from "@/contracts/batch-jobs";
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { ownerOfBatchJob, ownerOfModel } from "@/server/auth/ownership";
import {
  cancelBatchJob,
  createBatchJob,
  getBatchJob,
  listBatchJobs,
  resumeBatchJob,
} from "@/server/services/batch/batch-jobs";
import { batchJobIdInput, batchJobListOutput, batchJobView, listBatchJobsInput } from "@/server/services/batch/schemas";

/** Batch scoring jobs: started, cancelled and resumed by the model's team; read by everyone signed in. */
export const batchRouter = createTRPCRouter({
  list: readProcedure
    .input(listBatchJobsInput)
    .output(batchJobListOutput)
    .query(({ ctx, input }) => listBatchJobs(ctx.service, input)),
  get: readProcedure
    .input(batchJobIdInput)
    .output(batchJobView)
    .query(({ ctx, input }) => getBatchJob(ctx.service, input)),
  create: ownedProcedure("models:write", createBatchJobInput, (ctx, input) => ownerOfModel(ctx, input.modelName))
    .output(batchJobView)
    .mutation(({ ctx, input }) => createBatchJob(ctx.service, input)),
  cancel: ownedProcedure("models:write", batchJobIdInput, (ctx, input) => ownerOfBatchJob(ctx, input.jobId))
    .output(batchJobView)
    .mutation(({ ctx, input }) => cancelBatchJob(ctx.service, input)),
  resume: ownedProcedure("models:write", batchJobIdInput, (ctx, input) => ownerOfBatchJob(ctx, input.jobId))
    .output(batchJobView)
    .mutation(({ ctx, input }) => resumeBatchJob(ctx.service, input)),
});
