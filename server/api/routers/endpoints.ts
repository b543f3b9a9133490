import { getEndpoint, listEndpoints } from "@/server/services/endpoints/views";
import {
  endpointDetailOutput,
  endpointIdInput,
  endpointListOutput,
  endpointSloOutput,
  explainPredictionInput,
  explainPredictionOutput,
  listEndpointsInput,
  sendPredictionInput,
  scaleToZeroOutput,
  asyncServingOutput,
  componentHostingOutput,
  onlineFeaturesOutput,
  sendPredictionOutput,
} from "@/server/services/endpoints/schemas";
import { sendPrediction } from "@/server/services/endpoints/send-prediction";
import { explainPrediction } from "@/server/services/endpoints/explain-prediction";
import { llmEndpointMetrics } from "@/server/services/endpoints/llm-metrics";
import { llmMetricsInput, llmMetricsOutput } from "@/server/services/endpoints/llm-schemas";
import { setEndpointSlo } from "@/server/services/endpoints/slo";
import { endpointSloInput } from "@/contracts/slo-rules";
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { capturePolicyInput } from "@/contracts/capture-policy";
import { scaleToZeroInput } from "@/contracts/scale-to-zero";
import { setScaleToZero } from "@/server/services/endpoints/scale-to-zero";
import { setAsyncServing } from "@/server/services/endpoints/async-serving";
import { setAsyncServingInput } from "@/contracts/async-serving";
import { setComponentHosting } from "@/server/services/endpoints/component-hosting";
import { setComponentHostingInput } from "@/contracts/component-hosting";
import { setOnlineFeatures } from "@/server/services/endpoints/online-features";
import { onlineFeatureMetrics } from "@/server/services/endpoints/online-feature-metrics";
import {
  onlineFeatureMetricsInput,
  onlineFeatureMetricsOutput,
} from "@/server/services/endpoints/online-feature-schemas";
import { setOnlineFeaturesInput } from "@/contracts/online-features";
import { setCapturePolicy } from "@/server/services/capture/capture-policy";
import { capturePolicyOutput } from "@/server/services/capture/schemas";
import { ownerOfEndpoint, ownerOfModel, type OwnerContext } from "@/server/auth/ownership";

const byEndpoint = (ctx: OwnerContext, input: { endpointId: string }) => ownerOfEndpoint(ctx, input.endpointId);

export const endpointsRouter = createTRPCRouter({
  list: readProcedure
    .input(listEndpointsInput)
    .output(endpointListOutput)
    .query(({ ctx, input }) => listEndpoints(ctx.service, input)),
  get: readProcedure
    .input(endpointIdInput)
    .output(endpointDetailOutput)
    .query(({ ctx, input }) => getEndpoint(ctx.service, input.id)),
  /** What the endpoint's feature lookup and fallback did over a window (rows by path, fallback rows, stage p95). */
  onlineFeatureMetrics: readProcedure
    .input(onlineFeatureMetricsInput)
    .output(onlineFeatureMetricsOutput)
    .query(({ ctx, input }) => onlineFeatureMetrics(ctx.service, input)),
  /** vLLM's own series for an LLM endpoint: TTFT / inter-token p95, queue, KV cache, tokens and $ per 1M tokens. */
  llmMetrics: readProcedure
    .input(llmMetricsInput)
    .output(llmMetricsOutput)
    .query(({ ctx, input }) => llmEndpointMetrics(ctx.service, input)),
  // Sending traffic shows up in the endpoint's metrics and drift windows, so viewers may look but not send.
  predict: ownedProcedure("models:write", sendPredictionInput, byEndpoint)
    .output(sendPredictionOutput)
    .mutation(({ ctx, input }) => sendPrediction(ctx.service, input)),
  // Explaining runs the same rows through the same runtime, so it is allowed exactly where predicting is.
  explain: ownedProcedure("models:write", explainPredictionInput, byEndpoint)
    .output(explainPredictionOutput)
    .mutation(({ ctx, input }) => explainPrediction(ctx.service, input)),
  // Data scientists own their models' endpoints, so they set the objectives too (their team's endpoints, like predict).
  setSlo: ownedProcedure("models:write", endpointSloInput, byEndpoint)
    .output(endpointSloOutput)
    .mutation(({ ctx, input }) => setEndpointSlo(ctx.service, input)),
  // The capture policy (sampling rate, retention) is the owning team's data scientists' too.
  setCapturePolicy: ownedProcedure("models:write", capturePolicyInput, byEndpoint)
    .output(capturePolicyOutput)
    .mutation(({ ctx, input }) => setCapturePolicy(ctx.service, input)),
  // Scaling to zero trades the first request's latency for cost: the owning team's data scientists decide it.
  setScaleToZero: ownedProcedure("models:write", scaleToZeroInput, byEndpoint)
    .output(scaleToZeroOutput)
    .mutation(({ ctx, input }) => setScaleToZero(ctx.service, input)),
  // Asynchronous or real time on SageMaker: a serving decision of the owning team's data scientists.
  setAsyncServing: ownedProcedure("models:write", setAsyncServingInput, byEndpoint)
    .output(asyncServingOutput)
    .mutation(({ ctx, input }) => setAsyncServing(ctx.service, input)),
  // Dedicated instances or inference components on SageMaker (the endpoint created when the model has none there):
  // a hosting decision of the owning team's data scientists.
  setComponentHosting: ownedProcedure("models:write", setComponentHostingInput, (ctx, input) =>
    ownerOfModel(ctx, input.modelName),
  )
    .output(componentHostingOutput)
    .mutation(({ ctx, input }) => setComponentHosting(ctx.service, input)),
  // What the model sees (looked-up features) and what answers when it fails: the owning team's data scientists.
  setOnlineFeatures: ownedProcedure("models:write", setOnlineFeaturesInput, byEndpoint)
    .output(onlineFeaturesOutput)
    .mutation(({ ctx, input }) => setOnlineFeatures(ctx.service, input)),
});
