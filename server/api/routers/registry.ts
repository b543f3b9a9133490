import { aliasHistory, versionAt } from "@/server/services/registry/alias-history";
import { createModel } from "@/server/services/registry/create-model";
import { assertModelExists, assertVersionExists } from "@/server/services/registry/find-model";
import { getModel } from "@/server/services/registry/get-model";
import { getVersion } from "@/server/services/registry/get-version";
import { listVersions } from "@/server/services/registry/list-versions";
import { listModelTags, listTeams } from "@/server/services/registry/list-facets";
import { listModels } from "@/server/services/registry/list-models";
import { registerVersion } from "@/server/services/registry/register-version";
import { removeAlias } from "@/server/services/registry/remove-alias";
import { setOutcomeSettings } from "@/server/services/registry/outcome-settings";
import { setLabelDelay } from "@/server/services/registry/label-delay";
import {
  aliasEventPageOutput,
  modelVersionPageInput,
  versionPageOutput,
  aliasProtectionOutput,
  protectedAliasListOutput,
  aliasRemovedOutput,
  aliasSetOutput,
  createdModelOutput,
  listModelsInput,
  modelAliasHistoryInput,
  modelDetailOutput,
  modelListOutput,
  modelRefInput,
  outcomeSettingsOutput,
  labelDelayOutput,
  labelDelayProcedureInput,
  outcomeSettingsProcedureInput,
  registeredVersionOutput,
  registerVersionProcedureInput,
  removeAliasProcedureInput,
  setAliasProcedureInput,
  tagCountListOutput,
  teamOptionListOutput,
  updatedModelOutput,
  updateModelProcedureInput,
  versionAtInput,
  versionAtOutput,
  versionDetailOutput,
  versionRefInput,
  setVersionSlaProcedureInput,
  versionSlaOutput,
} from "@/server/services/registry/schemas";
import { setVersionSla } from "@/server/services/registry/version-sla";
import { createModelInput, setAliasProtectionInput } from "@/contracts/registry";
import { listProtectedAliases, setAliasProtection } from "@/server/services/registry/protected-aliases";
import { setAlias } from "@/server/services/registry/set-alias";
import { updateModel } from "@/server/services/registry/update-model";
import { z } from "zod";
import { createTRPCRouter, ownedProcedure, procedureWith, readProcedure } from "@/server/api/trpc";
import { ownerOfModel, ownerOfNew, type OwnerContext } from "@/server/auth/ownership";

const byModel = (ctx: OwnerContext, input: { name: string }) => ownerOfModel(ctx, input.name);

export const registryRouter = createTRPCRouter({
  list: readProcedure
    .input(listModelsInput)
    .output(modelListOutput)
    .query(({ ctx, input }) => listModels(ctx.service, input)),
  get: readProcedure
    .input(modelRefInput)
    .output(modelDetailOutput)
    .query(({ ctx, input }) => getModel(ctx.service, input.name)),
  /** For pages that answer 404 before rendering: NOT_FOUND unless the model exists. */
  exists: readProcedure
    .input(modelRefInput)
    .output(z.void())
    .query(({ ctx, input }) => assertModelExists(ctx.service, input.name)),
  versionExists: readProcedure
    .input(versionRefInput)
    .output(z.void())
    .query(({ ctx, input }) => assertVersionExists(ctx.service, input.name, input.version)),
  version: readProcedure
    .input(versionRefInput)
    .output(versionDetailOutput)
    .query(({ ctx, input }) => getVersion(ctx.service, input.name, input.version)),
  versions: readProcedure
    .input(modelVersionPageInput)
    .output(versionPageOutput)
    .query(({ ctx, input }) => listVersions(ctx.service, input.name, input)),
  aliasHistory: readProcedure
    .input(modelAliasHistoryInput)
    .output(aliasEventPageOutput)
    .query(({ ctx, input }) => aliasHistory(ctx.service, input.name, input)),
  versionAt: readProcedure
    .input(versionAtInput)
    .output(versionAtOutput)
    .query(({ ctx, input }) => versionAt(ctx.service, input.name, input)),
  teams: readProcedure.output(teamOptionListOutput).query(({ ctx }) => listTeams(ctx.service)),
  tags: readProcedure.output(tagCountListOutput).query(({ ctx }) => listModelTags(ctx.service)),
  protectedAliases: readProcedure
    .output(protectedAliasListOutput)
    .query(({ ctx }) => listProtectedAliases(ctx.service)),
  /** Admins only; protects an alias on every model (no team owns the list). */
  setAliasProtection: procedureWith("aliases:protect")
    .input(setAliasProtectionInput)
    .output(aliasProtectionOutput)
    .mutation(({ ctx, input }) => setAliasProtection(ctx.service, input)),

  createModel: ownedProcedure("models:write", createModelInput, (ctx, input) =>
    ownerOfNew(ctx, `Model "${input.name}"`, input.team),
  )
    .output(createdModelOutput)
    .mutation(({ ctx, input }) => createModel(ctx.service, input)),
  updateModel: ownedProcedure("models:write", updateModelProcedureInput, byModel)
    .output(updatedModelOutput)
    .mutation(({ ctx, input }) => updateModel(ctx.service, input.name, input.changes)),
  setOutcomeSettings: ownedProcedure("models:write", outcomeSettingsProcedureInput, byModel)
    .output(outcomeSettingsOutput)
    .mutation(({ ctx, input }) => setOutcomeSettings(ctx.service, input.name, input.changes)),
  setLabelDelay: ownedProcedure("models:write", labelDelayProcedureInput, byModel)
    .output(labelDelayOutput)
    .mutation(({ ctx, input }) => setLabelDelay(ctx.service, input.name, input.changes)),
  setVersionSla: ownedProcedure("models:write", setVersionSlaProcedureInput, byModel)
    .output(versionSlaOutput)
    .mutation(({ ctx, input }) => setVersionSla(ctx.service, input.name, input.version, input)),
  registerVersion: ownedProcedure("models:write", registerVersionProcedureInput, byModel)
    .output(registeredVersionOutput)
    .mutation(({ ctx, input }) => registerVersion(ctx.service, input.name, input.version)),
  setAlias: ownedProcedure("models:write", setAliasProcedureInput, byModel)
    .output(aliasSetOutput)
    .mutation(({ ctx, input }) => setAlias(ctx.service, input.name, input.alias, input)),
  removeAlias: ownedProcedure("models:write", removeAliasProcedureInput, byModel)
    .output(aliasRemovedOutput)
    .mutation(({ ctx, input }) => removeAlias(ctx.service, input.name, input.alias, input)),
});
