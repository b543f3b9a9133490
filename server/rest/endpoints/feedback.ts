import { z } from "zod";
import { FEEDBACK_CLOCK_SKEW_MS, feedbackInput, feedbackOutput, MAX_FEEDBACK_ROWS } from "@/contracts/feedback";
import { ownerOfEndpointNamed } from "@/server/auth/ownership";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";
import { sendFeedback } from "@/server/services/capture/feedback";

const TAG = "Ground truth";

const skewMinutes = FEEDBACK_CLOCK_SKEW_MS / 60_000;

export const FEEDBACK_DESCRIPTION = [
  `Records what was true for up to ${MAX_FEEDBACK_ROWS.toLocaleString("en")} of the endpoint's captured predictions.`,
  "Each outcome names its prediction by `predictionId` (the id the endpoint returned) or by `correlationId` (the",
  "caller's id sent with the prediction) — exactly one of them — and carries `label` (classifiers: one of the model's",
  "classes) or `value` (regressors: a finite number), and `knownAt`, when the outcome became known (not more than",
  `${skewMinutes} minutes in the future, nor before the prediction).`,
  "",
  "All or nothing: a malformed body or any invalid row (bad label, value or time; both keys or neither; the same key",
  "twice in one call with different outcomes) is answered 400 with every problem listed per row in",
  "`error.details.issues` (`path` = `outcomes.<row>.<field>`), and nothing is written (rows that do not match the",
  "schema are reported first; the checks against the model and the predictions follow once every row is well formed).",
  "Otherwise every row is reported",
  "in `rows` (by `index`), in one transaction:",
  "`created` (first outcome for the prediction), `updated` (a different outcome that became known later than the",
  "stored one), `unchanged` (the same outcome again, or an older one: the stored outcome is kept and `note` says so),",
  "`unknown` (no prediction of THIS endpoint has the key: other endpoints' predictions are never reached), or",
  "`ambiguous` (several predictions share the correlation id; nothing is written for that row).",
  "Sending the same call again answers all `unchanged`; two identical calls at once write each outcome once.",
  "The caller's token needs the `feedback:write` scope, and its owner must belong to the team that owns the",
  "endpoint's model.",
].join("\n");

export const feedbackEndpoints: Endpoint[] = [
  defineEndpoint(
    {
      method: "POST",
      path: "/endpoints/{endpoint}/feedback",
      summary: "Send ground truth for an endpoint's predictions (all or nothing, idempotent)",
      description: FEEDBACK_DESCRIPTION,
      tag: TAG,
      scope: "feedback:write",
      permission: "feedback:write",
      owner: (ctx, { params }) => ownerOfEndpointNamed(ctx, params.endpoint),
      params: z.object({ endpoint: z.string().min(1).max(200) }),
      body: feedbackInput,
      response: feedbackOutput,
      successStatus: 200,
    },
    ({ ctx, params, body }) => sendFeedback(ctx, params.endpoint, body),
  ),
];
