import { z } from "zod";
import { featureGroupNameSchema } from "@/contracts/online-features";
import { ownerOfFeatureGroupNamed, ownerOfNew } from "@/server/auth/ownership";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";
import { createFeatureGroup, listFeatureGroups } from "@/server/services/features/groups";
import { getEntityValues, writeFeatureValues } from "@/server/services/features/values";
import {
  createFeatureGroupInput,
  entityValuesView,
  featureGroupListOutput,
  featureGroupView,
  MAX_ENTITIES_PER_WRITE,
  writeFeatureValuesInput,
  writeFeatureValuesOutput,
} from "@/server/services/features/schemas";

const TAG = "Online features";
const groupParams = z.object({ group: featureGroupNameSchema });

const WRITE_DESCRIPTION = [
  `Upserts up to ${MAX_ENTITIES_PER_WRITE.toLocaleString("en-US")} entities' values (every feature of the group, numbers).`,
  "PostgreSQL takes them first (the cold path and the truth), then Redis (the hot path the runtime reads first).",
  '`hotPath: "pending"` means Redis could not take them now: the worker mirrors them within FEATURE_SYNC_EVERY_MS, and',
  "the runtime reads PostgreSQL for entities Redis lacks meanwhile. A write is all or nothing in PostgreSQL.",
].join("\n");

/** Feature pipelines: create a team's feature groups and keep their values fresh. */
export const featureEndpoints: Endpoint[] = [
  defineEndpoint(
    {
      method: "GET",
      path: "/feature-groups",
      summary: "Every feature group, with its entity count and how many wait to be mirrored into Redis",
      tag: TAG,
      scope: "read",
      permission: "read",
      response: featureGroupListOutput,
    },
    ({ ctx }) => listFeatureGroups(ctx),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/feature-groups",
      summary: "Create a feature group (its entity key and numeric features) owned by a team",
      tag: TAG,
      scope: "features:write",
      permission: "features:write",
      owner: (ctx, { body }) => ownerOfNew(ctx, `Feature group "${body.name}"`, body.team),
      body: createFeatureGroupInput,
      response: featureGroupView,
      successStatus: 201,
    },
    ({ ctx, body }) => createFeatureGroup(ctx, body),
  ),
  defineEndpoint(
    {
      method: "PUT",
      path: "/feature-groups/{group}/values",
      summary: "Write entities' feature values (PostgreSQL, then Redis)",
      description: WRITE_DESCRIPTION,
      tag: TAG,
      scope: "features:write",
      permission: "features:write",
      params: groupParams,
      owner: (ctx, { params }) => ownerOfFeatureGroupNamed(ctx, params.group),
      body: writeFeatureValuesInput.omit({ group: true }),
      response: writeFeatureValuesOutput,
    },
    ({ ctx, params, body }) => writeFeatureValues(ctx, { ...body, group: params.group }),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/feature-groups/{group}/values/{entityId}",
      summary: "One entity's stored values, their version and whether Redis has them (the owning team only)",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: z.object({ group: featureGroupNameSchema, entityId: z.string().min(1).max(200) }),
      // An entity's values are the team's data (a card's activity): unlike models and runs, not open to every reader.
      owner: (ctx, { params }) => ownerOfFeatureGroupNamed(ctx, params.group),
      response: entityValuesView,
    },
    ({ ctx, params }) => getEntityValues(ctx, params),
  ),
];
