import { createAbTestInput, decideAbTestInput, startAbTestInput, stopAbTestInput } from "@/contracts/abtests";
import { decideAbTest } from "@/server/services/abtests/decide";
import { abAnalysisSchema } from "@/contracts/abtest-analysis";
import { analyzeTest } from "@/server/services/abtests/analysis/analyze-test";
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { ownerOfAbTest, ownerOfEndpointNamed } from "@/server/auth/ownership";
import { startAbTest, stopAbTest } from "@/server/services/abtests/lifecycle";
import { abTestLooks } from "@/server/services/abtests/looks";
import {
  abTestIdInput,
  abTestListOutput,
  abTestLooksInput,
  abTestLooksOutput,
  abTestOutput,
  abTestPreviewOutput,
  listAbTestsInput,
  versionAbTestsInput,
  versionAbTestsOutput,
} from "@/server/services/abtests/schemas";
import { abTestsOfVersion } from "@/server/services/abtests/tests-of-version";
import { createAbTest, getAbTest, listAbTests, previewAbTest } from "@/server/services/abtests/setup";

/** A/B tests: everyone signed in reads them; the endpoint's team's data scientists set them up. */
export const abTestsRouter = createTRPCRouter({
  list: readProcedure
    .input(listAbTestsInput)
    .output(abTestListOutput)
    .query(({ ctx, input }) => listAbTests(ctx.service, input)),
  get: readProcedure
    .input(abTestIdInput)
    .output(abTestOutput)
    .query(({ ctx, input }) => getAbTest(ctx.service, input.testId)),
  /** The tests a version took part in, with the decisions and their evidence (the version's page). */
  ofVersion: readProcedure
    .input(versionAbTestsInput)
    .output(versionAbTestsOutput)
    .query(({ ctx, input }) => abTestsOfVersion(ctx.service, input)),
  /** The looks as chart series (estimate and always-valid interval over time), per metric and challenger; bounded. */
  looks: readProcedure
    .input(abTestLooksInput)
    .output(abTestLooksOutput)
    .query(({ ctx, input }) => abTestLooks(ctx.service, input)),
  /** What a set-up would pre-register (the form's live preview); writes nothing. */
  preview: readProcedure
    .input(createAbTestInput)
    .output(abTestPreviewOutput)
    .query(({ ctx, input }) => previewAbTest(ctx.service, input)),
  create: ownedProcedure("abtests:manage", createAbTestInput, (ctx, input) =>
    ownerOfEndpointNamed(ctx, input.endpointName),
  )
    .output(abTestOutput)
    .mutation(({ ctx, input }) => createAbTest(ctx.service, input)),
  /** Shadow mode or the split by the plan; the pre-registration is fixed from here on. */
  start: ownedProcedure("abtests:manage", startAbTestInput, (ctx, input) => ownerOfAbTest(ctx, input.testId))
    .output(abTestOutput)
    .mutation(({ ctx, input }) => startAbTest(ctx.service, input)),
  stop: ownedProcedure("abtests:manage", stopAbTestInput, (ctx, input) => ownerOfAbTest(ctx, input.testId))
    .output(abTestOutput)
    .mutation(({ ctx, input }) => stopAbTest(ctx.service, input)),
  /** A look now (the watch job takes one every minute); the owning team's data scientists ask for it. */
  analyze: ownedProcedure("abtests:manage", abTestIdInput, (ctx, input) => ownerOfAbTest(ctx, input.testId))
    .output(abAnalysisSchema)
    .mutation(({ ctx, input }) => analyzeTest(ctx.service, input.testId)),
  /** Keep the champion, or promote the winner into the normal promotion; either concludes the test. */
  decide: ownedProcedure("abtests:manage", decideAbTestInput, (ctx, input) => ownerOfAbTest(ctx, input.testId))
    .output(abTestOutput)
    .mutation(({ ctx, input }) => decideAbTest(ctx.service, input)),
});
