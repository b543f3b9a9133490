import { acceptedLabelsFilter, freezeFromLabelsInput, uploadGoldenSetInput } from "@/contracts/golden-sets";
import { freezeGoldenSetFromLabels, previewAcceptedLabels } from "@/server/services/labels/golden-sets-from-labels";
import { listGoldenSets, uploadGoldenSet } from "@/server/services/labels/golden-sets";
import {
  acceptedLabelsOutput,
  goldenSetsOutput,
  goldenSetView,
  listGoldenSetsInput,
} from "@/server/services/labels/golden-sets-schemas";
import { getGateRule, setGateRule } from "@/server/services/quality/gate/gate-rules";
import { ruleSizeCheck } from "@/server/services/quality/gate/rule-size-check";
import { startGateEvaluation, versionGate } from "@/server/services/quality/gate/gate-views";
import {
  gateRuleOutput,
  modelNameInput,
  ruleSizeCheckOutput,
  setGateRuleInput,
  versionGateInput,
  versionGateOutput,
} from "@/server/services/quality/gate/schemas";
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { ownerOfModel } from "@/server/auth/ownership";

/** Golden sets (labels domain) and the golden-set gate (quality domain) of a model. */
export const goldenSetsRouter = createTRPCRouter({
  list: readProcedure
    .input(listGoldenSetsInput)
    .output(goldenSetsOutput)
    .query(({ ctx, input }) => listGoldenSets(ctx.service, input)),
  upload: ownedProcedure("models:write", uploadGoldenSetInput, (ctx, input) => ownerOfModel(ctx, input.modelName))
    .output(
      goldenSetView.pick({ id: true, name: true, version: true, contentHash: true, rowCount: true, overlap: true }),
    )
    .mutation(({ ctx, input }) => uploadGoldenSet(ctx.service, input)),
  acceptedLabels: readProcedure
    .input(acceptedLabelsFilter)
    .output(acceptedLabelsOutput)
    .query(({ ctx, input }) => previewAcceptedLabels(ctx.service, input)),
  freezeFromLabels: ownedProcedure("models:write", freezeFromLabelsInput, (ctx, input) =>
    ownerOfModel(ctx, input.filter.modelName),
  )
    .output(goldenSetView.pick({ id: true, name: true, version: true, contentHash: true, rowCount: true }))
    .mutation(({ ctx, input }) => freezeGoldenSetFromLabels(ctx.service, input)),
  gateRule: readProcedure
    .input(modelNameInput)
    .output(gateRuleOutput)
    .query(({ ctx, input }) => getGateRule(ctx.service, input)),
  setGateRule: ownedProcedure("models:write", setGateRuleInput, (ctx, input) => ownerOfModel(ctx, input.modelName))
    .output(gateRuleOutput.unwrap())
    .mutation(({ ctx, input }) => setGateRule(ctx.service, input)),
  ruleCheck: readProcedure
    .input(setGateRuleInput)
    .output(ruleSizeCheckOutput)
    .query(({ ctx, input }) => ruleSizeCheck(ctx.service, input)),
  versionGate: readProcedure
    .input(versionGateInput)
    .output(versionGateOutput)
    .query(({ ctx, input }) => versionGate(ctx.service, input)),
  runGate: ownedProcedure("models:write", versionGateInput, (ctx, input) => ownerOfModel(ctx, input.modelName))
    .output(versionGateOutput)
    .mutation(({ ctx, input }) => startGateEvaluation(ctx.service, input)),
});
