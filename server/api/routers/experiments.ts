import { createExperimentInput } from "@/contracts/experiments";
import { compareRuns } from "@/server/services/experiments/compare-runs";
import { createExperiment, getExperiment, listExperiments } from "@/server/services/experiments/experiments";
import { listRuns } from "@/server/services/experiments/list-runs";
import { getRun } from "@/server/services/experiments/run-views";
import { getRunSelection, saveMatchingRuns, saveRunSelection } from "@/server/services/experiments/run-selections";
import {
  compareRunsInput,
  experimentDetailOutput,
  experimentIdInput,
  experimentListOutput,
  experimentSummaryOutput,
  listExperimentsInput,
  listRunsInput,
  runComparisonOutput,
  runDetailOutput,
  runIdInput,
  runListOutput,
  runSelectionOutput,
  runSelectionRefInput,
  savedMatchingRunsOutput,
  saveMatchingRunsInput,
  saveRunSelectionInput,
} from "@/server/services/experiments/schemas";
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { ownerOfNew } from "@/server/auth/ownership";

export const experimentsRouter = createTRPCRouter({
  list: readProcedure
    .input(listExperimentsInput)
    .output(experimentListOutput)
    .query(({ ctx, input }) => listExperiments(ctx.service, input)),

  get: readProcedure
    .input(experimentIdInput)
    .output(experimentDetailOutput)
    .query(({ ctx, input }) => getExperiment(ctx.service, input.id)),

  runs: readProcedure
    .input(listRunsInput)
    .output(runListOutput)
    .query(({ ctx, input }) => listRuns(ctx.service, input)),

  run: readProcedure
    .input(runIdInput)
    .output(runDetailOutput)
    .query(({ ctx, input }) => getRun(ctx.service, input.runId)),

  compare: readProcedure
    .input(compareRunsInput)
    .output(runComparisonOutput)
    .query(({ ctx, input }) => compareRuns(ctx.service, input)),

  selection: readProcedure
    .input(runSelectionRefInput)
    .output(runSelectionOutput)
    .query(({ ctx, input }) => getRunSelection(ctx.service, input.selection)),

  /** Anyone who may read runs may compare them: saving a list of runs changes nothing else. */
  saveSelection: readProcedure
    .input(saveRunSelectionInput)
    .output(runSelectionOutput)
    .mutation(({ ctx, input }) => saveRunSelection(ctx.service, input)),

  saveMatchingRuns: readProcedure
    .input(saveMatchingRunsInput)
    .output(savedMatchingRunsOutput)
    .mutation(({ ctx, input }) => saveMatchingRuns(ctx.service, input)),

  createExperiment: ownedProcedure("experiments:write", createExperimentInput, (ctx, input) =>
    ownerOfNew(ctx, `Experiment "${input.name}"`, input.team),
  )
    .output(experimentSummaryOutput)
    .mutation(({ ctx, input }) => createExperiment(ctx.service, input)),
});
