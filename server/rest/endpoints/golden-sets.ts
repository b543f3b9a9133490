import { z } from "zod";
import { acceptedLabelsFilterFields, freezeFromLabelsInput, uploadGoldenSetInput } from "@/contracts/golden-sets";
import { versionNumberSchema } from "@/contracts/registry";
import { modelRefSchema } from "@/server/services/registry/schemas";
import { ownerOfModel } from "@/server/auth/ownership";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";
import { listGoldenSets, uploadGoldenSet } from "@/server/services/labels/golden-sets";
import { freezeGoldenSetFromLabels } from "@/server/services/labels/golden-sets-from-labels";
import { goldenSetsOutput, goldenSetView } from "@/server/services/labels/golden-sets-schemas";
import { versionGate } from "@/server/services/quality/gate/gate-views";
import { versionGateOutput } from "@/server/services/quality/gate/schemas";

const TAG = "Golden sets";
const modelParams = z.object({ name: modelRefSchema });

/** Golden sets of a model and the golden-set gate of a version, for pipelines and the CLI (same services as tRPC). */
export const goldenSetEndpoints: Endpoint[] = [
  defineEndpoint(
    {
      method: "GET",
      path: "/models/{name}/golden-sets",
      summary: "A model's golden sets (frozen, versioned), newest first, with their training overlap",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: modelParams,
      response: goldenSetsOutput,
    },
    ({ ctx, params }) => listGoldenSets(ctx, { modelName: params.name }),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/models/{name}/golden-sets",
      summary: "Upload a golden set as CSV text: the next version of its name",
      description:
        "The whole CSV is checked against the model's latest signature before anything is written; the first bad cell answers 400 GOLDEN_CSV_INVALID naming its row and column.",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      owner: (ctx, { params }) => ownerOfModel(ctx, params.name),
      params: modelParams,
      body: uploadGoldenSetInput.omit({ modelName: true }),
      response: goldenSetView.pick({
        id: true,
        name: true,
        version: true,
        contentHash: true,
        rowCount: true,
        overlap: true,
      }),
      successStatus: 201,
    },
    ({ ctx, params, body }) => uploadGoldenSet(ctx, { ...body, modelName: params.name }),
  ),
  defineEndpoint(
    {
      method: "POST",
      path: "/models/{name}/golden-sets/from-labels",
      summary: "Freeze the model's accepted labels into the next version of a golden set",
      description:
        "Accepted labels of the model's label queues (or one `queueId`), decided in [`from`, `to`), of the given strata, become golden rows with their provenance (stratum, annotators, reviewer, agreement). Checked whole against the model's latest signature before anything is written; 400 NO_ACCEPTED_LABELS when none match.",
      tag: TAG,
      scope: "models:write",
      permission: "models:write",
      owner: (ctx, { params }) => ownerOfModel(ctx, params.name),
      params: modelParams,
      body: freezeFromLabelsInput.omit({ filter: true }).extend({
        filter: acceptedLabelsFilterFields.omit({ modelName: true }).default({}),
      }),
      response: goldenSetView.pick({ id: true, name: true, version: true, contentHash: true, rowCount: true }),
      successStatus: 201,
    },
    ({ ctx, params, body }) =>
      freezeGoldenSetFromLabels(ctx, { ...body, filter: { ...body.filter, modelName: params.name } }),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/models/{name}/versions/{version}/gate",
      summary: "The golden-set gate of a version as a production promotion would meet it now",
      tag: TAG,
      scope: "read",
      permission: "read",
      params: modelParams.extend({ version: versionNumberSchema }),
      response: versionGateOutput,
    },
    ({ ctx, params }) => versionGate(ctx, { modelName: params.name, version: params.version }),
  ),
];
