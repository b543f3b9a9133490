import {
  removeAliasInput,
  aliasNameSchema,
  createModelInput,
  setAliasInput,
  versionNumberSchema,
} from "@/contracts/registry";
import { z } from "zod";
import { aliasTimeline } from "@/server/services/registry/alias-history";
import { createModel } from "@/server/services/registry/create-model";
import { getModel } from "@/server/services/registry/get-model";
import { getVersion } from "@/server/services/registry/get-version";
import { listVersions } from "@/server/services/registry/list-versions";
import { listModels } from "@/server/services/registry/list-models";
import { registerVersion } from "@/server/services/registry/register-version";
import { removeAlias } from "@/server/services/registry/remove-alias";
import {
  aliasRemovedOutput,
  aliasSetOutput,
  aliasTimelineOutput,
  createdModelOutput,
  listModelsInput,
  modelDetailOutput,
  modelListOutput,
  modelRefSchema,
  registeredVersionOutput,
  registerVersionInput,
  versionDetailOutput,
  versionPageInput,
  versionPageOutput,
  versionSlaOutput,
} from "@/server/services/registry/schemas";
import { setVersionSla } from "@/server/services/registry/version-sla";
import { setVersionSlaInput } from "@/contracts/serving-modes";
import { setAlias } from "@/server/services/registry/set-alias";
import { ownerOfModel, ownerOfNew } from "@/server/auth/ownership";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";

const TAG = "Model registry";

const modelParams = z.object({ name: modelRefSchema });
const versionParams = modelParams.extend({ version: versionNumberSchema });
const aliasParams = modelParams.extend({ alias: z.string().min(1).max(40) });

export const registryEndpoints: Endpoint[] = [
  defineEndpoint(
    {
      method: "GET",
      path: "/models",
      summary: "List registered models (search, filter, sort, paginate)",
      tag: TAG,
      scope: "read",
      permission: "read",
      query: listModelsInput,
      response: modelListOutput,
    },
    ({ ctx, query }) => listModels(ctx, query),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/models",
      summary: "Register a new model (its team defaults to yours)",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      body: createModelInput,
      response: createdModelOutput,
      owner: (ctx, { body }) => ownerOfNew(ctx, `Model "${body.name}"`, body.team),
    },
    ({ ctx, body }) => createModel(ctx, body),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/models/{name}",
      summary:
        "A model with its newest 50 versions and their lineage, its version count, aliases and recent alias history",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: modelParams,
      response: modelDetailOutput,
    },
    ({ ctx, params }) => getModel(ctx, params.name),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/models/{name}/versions",
      summary:
        "A page of the model's versions with their lineage, newest first (pass nextCursor as cursor for the next)",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: modelParams,
      query: versionPageInput,
      response: versionPageOutput,
    },
    ({ ctx, params, query }) => listVersions(ctx, params.name, query),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/models/{name}/versions",
      summary: "Register a version from a run (numbered automatically; duplicates are refused)",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      owner: (ctx, { params }) => ownerOfModel(ctx, params.name),
      params: modelParams,
      body: registerVersionInput,
      response: registeredVersionOutput,
    },
    ({ ctx, params, body }) => registerVersion(ctx, params.name, body),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/models/{name}/versions/{version}",
      summary: "One version: signature, metrics snapshot, artifact, source run, aliases",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: versionParams,
      response: versionDetailOutput,
    },
    ({ ctx, params }) => getVersion(ctx, params.name, params.version),
  ),
  defineEndpoint(
    {
      method: "PUT",
      path: "/models/{name}/versions/{version}/sla",
      summary:
        "Declare what a version needs of its endpoint (payload bytes, timeout s, p99 latency ms), or clear it with { sla: null }",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      owner: (ctx, { params }) => ownerOfModel(ctx, params.name),
      params: versionParams,
      body: setVersionSlaInput,
      response: versionSlaOutput,
    },
    ({ ctx, params, body }) => setVersionSla(ctx, params.name, params.version, body),
  ),
  defineEndpoint(
    {
      method: "PUT",
      path: "/models/{name}/aliases/{alias}",
      summary: "Point an alias at a version (a reason is required and kept in the alias history)",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      owner: (ctx, { params }) => ownerOfModel(ctx, params.name),
      params: modelParams.extend({ alias: aliasNameSchema }),
      body: setAliasInput,
      response: aliasSetOutput,
    },
    ({ ctx, params, body }) => setAlias(ctx, params.name, params.alias, body),
  ),
  defineEndpoint(
    {
      method: "DELETE",
      path: "/models/{name}/aliases/{alias}",
      summary: "Remove an alias (the body { reason } is optional)",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      owner: (ctx, { params }) => ownerOfModel(ctx, params.name),
      params: aliasParams,
      body: removeAliasInput,
      response: aliasRemovedOutput,
    },
    ({ ctx, params, body }) => removeAlias(ctx, params.name, params.alias, body),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/models/{name}/aliases/{alias}/history",
      summary: "An alias's moves, newest first; with ?at= also the version it pointed at then",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: aliasParams,
      query: z.object({ at: z.iso.datetime({ offset: true }).optional() }),
      response: aliasTimelineOutput,
    },
    ({ ctx, params, query }) =>
      aliasTimeline(ctx, params.name, params.alias, query.at ? new Date(query.at) : undefined),
  ),
];
