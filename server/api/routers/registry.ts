import { z } from "zod";
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
  aliasHistoryInput,
  createModelInput,
  listModelsInput,
  modelRefSchema,
  registerVersionInput,
  removeAliasInput,
  setAliasInput,
  updateModelInput,
  versionNumberSchema,
} from "@/server/services/registry/schemas";
import { setAlias } from "@/server/services/registry/set-alias";
import { updateModel } from "@/server/services/registry/update-model";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

const modelRef = z.object({ name: modelRefSchema });
const aliasRef = modelRef.extend({ alias: z.string().min(1).max(40) });
const writeProcedure = procedureWith("models:write");

export const registryRouter = createTRPCRouter({
  list: readProcedure.input(listModelsInput).query(({ ctx, input }) => listModels(ctx.service, input)),
  get: readProcedure.input(modelRef).query(({ ctx, input }) => getModel(ctx.service, input.name)),
  /** For pages that answer 404 before rendering: NOT_FOUND unless the model exists. */
  exists: readProcedure.input(modelRef).query(({ ctx, input }) => assertModelExists(ctx.service, input.name)),
  versionExists: readProcedure
    .input(modelRef.extend({ version: versionNumberSchema }))
    .query(({ ctx, input }) => assertVersionExists(ctx.service, input.name, input.version)),
  version: readProcedure
    .input(modelRef.extend({ version: versionNumberSchema }))
    .query(({ ctx, input }) => getVersion(ctx.service, input.name, input.version)),
  aliasHistory: readProcedure
    .input(modelRef.extend(aliasHistoryInput.shape))
    .query(({ ctx, input }) => aliasHistory(ctx.service, input.name, input)),
  versionAt: readProcedure
    .input(aliasRef.extend({ at: z.date() }))
    .query(({ ctx, input }) => versionAt(ctx.service, input.name, input)),
  teams: readProcedure.query(({ ctx }) => listTeams(ctx.service)),
  tags: readProcedure.query(({ ctx }) => listModelTags(ctx.service)),

  createModel: writeProcedure.input(createModelInput).mutation(({ ctx, input }) => createModel(ctx.service, input)),
  updateModel: writeProcedure
    .input(modelRef.extend({ changes: updateModelInput }))
    .mutation(({ ctx, input }) => updateModel(ctx.service, input.name, input.changes)),
  registerVersion: writeProcedure
    .input(modelRef.extend({ version: registerVersionInput }))
    .mutation(({ ctx, input }) => registerVersion(ctx.service, input.name, input.version)),
  setAlias: writeProcedure
    .input(aliasRef.extend(setAliasInput.shape))
    .mutation(({ ctx, input }) => setAlias(ctx.service, input.name, input.alias, input)),
  removeAlias: writeProcedure
    .input(aliasRef.extend(removeAliasInput.shape))
    .mutation(({ ctx, input }) => removeAlias(ctx.service, input.name, input.alias, input)),
});
