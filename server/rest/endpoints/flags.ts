import { z } from "zod";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";
import { flagPrediction } from "@/server/services/labels/flags";
import { ownerOfEndpointNamed } from "@/server/services/labels/owners";
import { flagOutput } from "@/server/services/labels/schemas";

const TAG = "Label review";

const flagBody = z.object({
  predictionId: z.uuid(),
  reason: z.string().trim().min(1).max(1_000),
});

export const flagEndpoints: Endpoint[] = [
  defineEndpoint(
    {
      method: "POST",
      path: "/endpoints/{endpoint}/flags",
      summary: "Flag a prediction for human review (idempotent per prediction)",
      tag: TAG,
      // Flagging is ground-truth work a caller does: the same scope and permission as POST …/feedback.
      scope: "feedback:write",
      permission: "feedback:write",
      params: z.object({ endpoint: z.string().min(1).max(200) }),
      body: flagBody,
      response: flagOutput,
      owner: (ctx, { params }) => ownerOfEndpointNamed(ctx, params.endpoint),
    },
    ({ ctx, params, body }) => flagPrediction(ctx, { endpointName: params.endpoint, source: "CALLER", ...body }),
  ),
];
