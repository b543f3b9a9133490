import { SAGEMAKER_ASYNC_LIMITS } from "@/contracts/async-serving";
import type { DeploymentTargetKind, ModelFormat } from "@/contracts/enums";
import { RUNTIME_MAX_BODY_BYTES } from "@/contracts/limits";
import { SERVING_MODE_LABELS, type ModeLimits, type ServingMode, type ServingSla } from "@/contracts/serving-modes";
import { formatBytes } from "@/lib/format";
import { formatLatency as latency, formatSeconds as seconds } from "@/lib/format-sla";
import type { AsyncInferenceSettings } from "@/server/services/context";
import { DEFAULT_ASYNC_SETTINGS } from "@/server/services/async-inference/payload";

/** SageMaker real time (InvokeEndpoint): bodies up to 6 MB (6,291,456 bytes), the container answers within 60 s. */
export const SAGEMAKER_REALTIME_LIMITS: ModeLimits = {
  maxPayloadBytes: 6 * 1024 * 1024,
  maxTimeoutSeconds: 60,
  answersInRequest: true,
};

export type OfferedMode = { mode: ServingMode; limits: ModeLimits };

export const TARGET_NAMES: Record<DeploymentTargetKind, string> = {
  LOCAL: "the local runtime",
  SAGEMAKER: "SageMaker",
  KUBERNETES: "Kubernetes",
};

/**
 * The modes a target offers a version, with their limits. Asynchronous payloads pass through the portal, so its own
 * ceiling (ASYNC_MAX_PAYLOAD_BYTES, for CSV) bounds them too. The model runtime reads real-time bodies up to
 * RUNTIME_MAX_BODY_BYTES and sets no processing time limit; vLLM sets neither.
 */
export function modesOf(
  target: DeploymentTargetKind,
  format: ModelFormat,
  async: AsyncInferenceSettings = DEFAULT_ASYNC_SETTINGS,
): OfferedMode[] {
  const runtimeRealTime: ModeLimits = {
    maxPayloadBytes: RUNTIME_MAX_BODY_BYTES,
    maxTimeoutSeconds: null,
    answersInRequest: true,
  };
  switch (target) {
    case "LOCAL":
      return [
        { mode: "REALTIME", limits: runtimeRealTime },
        {
          mode: "ASYNC",
          limits: { maxPayloadBytes: async.maxCsvBytes, maxTimeoutSeconds: null, answersInRequest: false },
        },
      ];
    case "SAGEMAKER":
      return [
        { mode: "REALTIME", limits: SAGEMAKER_REALTIME_LIMITS },
        {
          mode: "ASYNC",
          limits: {
            maxPayloadBytes: Math.min(SAGEMAKER_ASYNC_LIMITS.maxPayloadBytes, async.maxCsvBytes),
            maxTimeoutSeconds: SAGEMAKER_ASYNC_LIMITS.maxInvocationTimeoutSeconds,
            answersInRequest: false,
          },
        },
      ];
    case "KUBERNETES":
      return [
        {
          mode: "REALTIME",
          limits: format === "VLLM" ? { ...runtimeRealTime, maxPayloadBytes: null } : runtimeRealTime,
        },
      ];
  }
}

/** Sizes that round to the same text are said in bytes, so the message never reads "at most 6.0 MB; needs 6.0 MB". */
function payloadProblem(limit: number, needed: number) {
  const [most, needs] =
    formatBytes(limit) === formatBytes(needed)
      ? [limit, needed].map((bytes) => `${bytes.toLocaleString("en-US")} bytes`)
      : [formatBytes(limit), formatBytes(needed)];
  return `payloads are at most ${most}; the SLA needs ${needs}`;
}

/** Why an SLA does not fit a mode's limits, one plain sentence per limit it exceeds; empty when it fits. */
export function slaProblems(sla: ServingSla | null, limits: ModeLimits): string[] {
  if (!sla) return [];
  const problems: string[] = [];
  const { maxPayloadBytes, timeoutSeconds, latencyP99Ms } = sla;
  if (maxPayloadBytes !== undefined && limits.maxPayloadBytes !== null && maxPayloadBytes > limits.maxPayloadBytes)
    problems.push(payloadProblem(limits.maxPayloadBytes, maxPayloadBytes));
  if (timeoutSeconds !== undefined && limits.maxTimeoutSeconds !== null && timeoutSeconds > limits.maxTimeoutSeconds)
    problems.push(
      `a request is processed within ${seconds(limits.maxTimeoutSeconds)}; the SLA needs ${seconds(timeoutSeconds)}`,
    );
  if (latencyP99Ms !== undefined && !limits.answersInRequest)
    problems.push(
      `answers are queued and fetched later; the SLA's p99 latency of ${latency(latencyP99Ms)} needs an answer within the request`,
    );
  if (
    latencyP99Ms !== undefined &&
    limits.answersInRequest &&
    limits.maxTimeoutSeconds !== null &&
    latencyP99Ms > limits.maxTimeoutSeconds * 1000
  )
    problems.push(
      `a request is answered within ${seconds(limits.maxTimeoutSeconds)}; the SLA's p99 latency is ${latency(latencyP99Ms)}`,
    );
  return problems;
}

export const modeName = (mode: ServingMode, target: DeploymentTargetKind) =>
  `${SERVING_MODE_LABELS[mode].toLowerCase()} on ${TARGET_NAMES[target]}`;
