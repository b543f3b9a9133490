import { aliasHistory, versionAt } from "@/server/services/registry/alias-history";
import { createModel } from "@/server/services/registry/create-model";
import { assertModelExists, assertVersionExists } from "@/server/services/registry/find-model";
import { getModel } from "@/server/services/registry/get-model";
import { getVersion } from "@/server/services/registry/get-version";
import { listModelTags, listTeams } from "@/server/services/registry/list-facets";
import { listModels } from "@/server/services/registry/list-models";
import { registerVersion } from "@/server/services/registry/register-version";
import { removeAlias } from "@/server/services/registry/remove-alias";
import {
  aliasEventListOutput,
  aliasRemovedOutput,
  aliasSetOutput,
  createdModelOutput,
  listModelsInput,
  modelAliasHistoryInput,
  modelDetailOutput,
  modelListOutput,
  modelRefInput,
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
} from "@/server/services/registry/schemas";
import { createModelInput } from "@/contracts/registry";
import { setAlias } from "@/server/services/registry/set-alias";
import { updateModel } from "@/server/services/registry/update-model";
import { z } from "zod";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

const writeProcedure = procedureWith("models:write");

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
  aliasHistory: readProcedure
    .input(modelAliasHistoryInput)
    .output(aliasEventListOutput)
    .query(({ ctx, input }) => aliasHistory(ctx.service, input.name, input)),
  versionAt: readProcedure
    .input(versionAtInput)
    .output(versionAtOutput)
    .query(({ ctx, input }) => versionAt(ctx.service, input.name, input)),
  teams: readProcedure.output(teamOptionListOutput).query(({ ctx }) => listTeams(ctx.service)),
  tags: readProcedure.output(tagCountListOutput).query(({ ctx }) => listModelTags(ctx.service)),

  createModel: writeProcedure
    .input(createModelInput)
    .output(createdModelOutput)
    .mutation(({ ctx, input }) => createModel(ctx.service, input)),
  updateModel: writeProcedure
    .input(updateModelProcedureInput)
    .output(updatedModelOutput)
    .mutation(({ ctx, input }) => updateModel(ctx.service, input.name, input.changes)),
  registerVersion: writeProcedure
    .input(registerVersionProcedureInput)
    .output(registeredVersionOutput)
    .mutation(({ ctx, input }) => registerVersion(ctx.service, input.name, input.version)),
  setAlias: writeProcedure
    .input(setAliasProcedureInput)
    .output(aliasSetOutput)
    .mutation(({ ctx, input }) => setAlias(ctx.service, input.name, input.alias, input)),
  removeAlias: writeProcedure
    .input(removeAliasProcedureInput)
    .output(aliasRemovedOutput)
    .mutation(({ ctx, input }) => removeAlias(ctx.service, input.name, input.alias, input)),
});
