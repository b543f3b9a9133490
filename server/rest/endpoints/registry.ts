import { removeAliasInput } from "@/contracts/registry";
import { z } from "zod";
import { RunStatus } from "@/server/db/generated/enums";
import { aliasTimeline } from "@/server/services/registry/alias-history";
import { createModel } from "@/server/services/registry/create-model";
import { getModel } from "@/server/services/registry/get-model";
import { getVersion } from "@/server/services/registry/get-version";
import { listModels } from "@/server/services/registry/list-models";
import { registerVersion } from "@/server/services/registry/register-version";
import { removeAlias } from "@/server/services/registry/remove-alias";
import { aliasNameSchema, createModelInput, setAliasInput, versionNumberSchema } from "@/contracts/registry";
import { listModelsInput, modelRefSchema, registerVersionInput } from "@/server/services/registry/schemas";
import { modelFormatSchema, taskTypeSchema } from "@/contracts/enums";
import { signatureSchema } from "@/contracts/signature";
import { setAlias } from "@/server/services/registry/set-alias";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";

const TAG = "Model registry";

const person = z.object({ id: z.string(), name: z.string() }).meta({ id: "RegistryPerson" });

const modelSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    team: z.string(),
    taskType: taskTypeSchema,
    tags: z.array(z.string()),
    latestVersion: z.number().int().nullable().meta({ description: "Null until a version is registered" }),
    versionCount: z.number().int(),
    aliases: z.array(z.object({ alias: z.string(), version: z.number().int() })),
    isDemo: z.boolean(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: "ModelSummary" });

const modelList = z
  .object({ items: z.array(modelSummary), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })
  .meta({ id: "ModelList" });

const createdModel = z
  .object({
    id: z.string(),
    name: z.string(),
    team: z.string(),
    taskType: taskTypeSchema,
    tags: z.array(z.string()),
    description: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: "CreatedModel" });

const lineage = z
  .object({
    run: z
      .object({
        id: z.string(),
        name: z.string(),
        status: z.enum(Object.values(RunStatus)),
        experimentId: z.string(),
        experimentName: z.string(),
      })
      .nullable(),
    artifact: z
      .object({
        id: z.string(),
        path: z.string(),
        sha256: z.string(),
        sizeBytes: z.number().int(),
        contentType: z.string(),
      })
      .nullable(),
  })
  .meta({ id: "VersionLineage", description: "The run a version came from and the artifact it serves" });

const modelVersion = z
  .object({
    id: z.string(),
    version: z.number().int(),
    format: modelFormatSchema,
    description: z.string(),
    createdAt: z.date(),
    createdBy: person,
    metrics: z
      .record(z.string(), z.number())
      .meta({ description: "The source run's latest metric values at registration" }),
    aliases: z.array(z.string()),
    lineage,
  })
  .meta({ id: "ModelVersion" });

const registeredVersion = modelVersion.extend({ model: z.string() }).meta({ id: "RegisteredVersion" });

const referenceProfile = z
  .object({
    sampleSize: z.number().int(),
    binCount: z.number().int(),
    createdAt: z.date(),
    features: z.array(
      z.object({
        name: z.string(),
        position: z.number().int(),
        kind: z.enum(["NUMERIC", "CATEGORICAL"]),
        edges: z.array(z.number()).meta({ description: "Inner bin edges; bin i is (edges[i-1], edges[i]]" }),
        categories: z.array(z.string()).meta({ description: "Categorical bins; one more bin holds unseen values" }),
        proportions: z.array(z.number()),
      }),
    ),
  })
  .meta({
    id: "ReferenceProfile",
    description: "Frozen drift reference of a version, computed from its training sample",
  });

const versionDetail = modelVersion
  .extend({
    signature: signatureSchema.nullable(),
    referenceProfile: referenceProfile.nullable().meta({ description: "Null when no training sample was registered" }),
    model: z.object({
      name: z.string(),
      team: z.string(),
      taskType: taskTypeSchema,
      isDemo: z.boolean(),
      latestVersion: z.number().int(),
    }),
  })
  .meta({ id: "ModelVersionDetail" });

const aliasEvent = z
  .object({
    id: z.string(),
    alias: z.string(),
    fromVersion: z.number().int().nullable().meta({ description: "Null when the alias was created" }),
    toVersion: z.number().int().nullable().meta({ description: "Null when the alias was removed" }),
    actor: person,
    reason: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: "AliasEvent" });

const modelDetail = z
  .object({
    id: z.string(),
    name: z.string(),
    taskType: taskTypeSchema,
    tags: z.array(z.string()),
    description: z.string().meta({ description: "Markdown" }),
    latestVersion: z.number().int().nullable(),
    isDemo: z.boolean(),
    createdAt: z.date(),
    updatedAt: z.date(),
    team: z.object({ id: z.string(), name: z.string() }),
    createdBy: person,
    versions: z.array(modelVersion),
    keyMetrics: z.array(z.string()).meta({ description: "Metric keys most versions report, for table columns" }),
    aliases: z.array(
      z.object({ alias: z.string(), version: z.number().int(), updatedAt: z.date(), updatedBy: person.nullable() }),
    ),
    aliasHistory: z.array(aliasEvent).meta({ description: "The latest 100 alias moves, newest first" }),
  })
  .meta({ id: "ModelDetail" });

const aliasSet = z
  .object({ model: z.string(), alias: z.string(), version: z.number().int(), event: aliasEvent })
  .meta({ id: "AliasSet" });

const aliasRemoved = z
  .object({ model: z.string(), alias: z.string(), previousVersion: z.number().int(), event: aliasEvent })
  .meta({ id: "AliasRemoved" });

const aliasHistoryResponse = z
  .object({
    model: z.string(),
    alias: z.string(),
    events: z.array(aliasEvent).meta({ description: "The latest 200 moves, newest first" }),
    versionAt: z
      .object({ at: z.date(), version: z.number().int().nullable(), event: aliasEvent.nullable() })
      .nullable()
      .meta({ description: "Present when ?at= was given: the version the alias pointed at then (null: none)" }),
  })
  .meta({ id: "AliasHistory" });

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
      response: modelList,
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
      response: createdModel,
    },
    ({ ctx, body }) => createModel(ctx, body),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/models/{name}",
      summary: "A model with its versions, lineage, aliases and recent alias history",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: modelParams,
      response: modelDetail,
    },
    ({ ctx, params }) => getModel(ctx, params.name),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/models/{name}/versions",
      summary: "Register a version from a run (numbered automatically; duplicates are refused)",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      params: modelParams,
      body: registerVersionInput,
      response: registeredVersion,
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
      response: versionDetail,
    },
    ({ ctx, params }) => getVersion(ctx, params.name, params.version),
  ),
  defineEndpoint(
    {
      method: "PUT",
      path: "/models/{name}/aliases/{alias}",
      summary: "Point an alias at a version (a reason is required and kept in the alias history)",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      params: modelParams.extend({ alias: aliasNameSchema }),
      body: setAliasInput,
      response: aliasSet,
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
      params: aliasParams,
      body: removeAliasInput,
      response: aliasRemoved,
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
      response: aliasHistoryResponse,
    },
    ({ ctx, params, query }) =>
      aliasTimeline(ctx, params.name, params.alias, query.at ? new Date(query.at) : undefined),
  ),
];
