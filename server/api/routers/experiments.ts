import { z } from "zod";
import { compareRuns } from "../../services/experiments/compare-runs";
import { createExperiment, getExperiment, listExperiments } from "../../services/experiments/experiments";
import { listRuns } from "../../services/experiments/list-runs";
import { getRun } from "../../services/experiments/run-views";
import {
  compareRunsInput,
  createExperimentInput,
  idSchema,
  listExperimentsInput,
  listRunsInput,
} from "../../services/experiments/schemas";
import { createTRPCRouter, procedureWith, readProcedure } from "../trpc";

export const experimentsRouter = createTRPCRouter({
  list: readProcedure.input(listExperimentsInput).query(({ ctx, input }) => listExperiments(ctx.service, input)),

  get: readProcedure.input(z.object({ id: idSchema })).query(({ ctx, input }) => getExperiment(ctx.service, input.id)),

  runs: readProcedure.input(listRunsInput).query(({ ctx, input }) => listRuns(ctx.service, input)),

  run: readProcedure.input(z.object({ runId: idSchema })).query(({ ctx, input }) => getRun(ctx.service, input.runId)),

  compare: readProcedure.input(compareRunsInput).query(({ ctx, input }) => compareRuns(ctx.service, input)),

  createExperiment: procedureWith("experiments:write")
    .input(createExperimentInput)
    .mutation(({ ctx, input }) => createExperiment(ctx.service, input)),
});
