import { describe, expect, it } from "vitest";
import { asyncServingFor } from "@/server/services/deployments/apply-serving-mode";
import { plannedStepNames } from "@/server/services/deployments/deployment-views";
import { modesOf, SAGEMAKER_REALTIME_LIMITS, slaProblems } from "@/server/services/deployments/serving-modes";
import { describeSla } from "@/lib/format-sla";

const MB = 1024 * 1024;
const ASYNC = { maxCsvBytes: 512 * MB, maxJsonBytes: 32 * MB, callbackHosts: [] };

describe("the modes each target offers", () => {
  it("offers real time and asynchronous on the local runtime and SageMaker, real time only on Kubernetes", () => {
    const modes = (target: "LOCAL" | "SAGEMAKER" | "KUBERNETES") =>
      modesOf(target, "ONNX", ASYNC).map((offer) => offer.mode);
    expect(modes("LOCAL")).toEqual(["REALTIME", "ASYNC"]);
    expect(modes("SAGEMAKER")).toEqual(["REALTIME", "ASYNC"]);
    expect(modes("KUBERNETES")).toEqual(["REALTIME"]);
  });

  it("bounds asynchronous payloads by the portal's own ceiling as well as SageMaker's 1 GB", () => {
    const sageMakerAsync = modesOf("SAGEMAKER", "ONNX", ASYNC)[1]!.limits;
    expect(sageMakerAsync).toEqual({ maxPayloadBytes: 512 * MB, maxTimeoutSeconds: 3600, answersInRequest: false });
    const roomier = modesOf("SAGEMAKER", "ONNX", { ...ASYNC, maxCsvBytes: 4 * 1024 * MB })[1]!.limits;
    expect(roomier.maxPayloadBytes).toBe(1024 * MB);
    expect(modesOf("LOCAL", "ONNX", ASYNC)[1]!.limits.maxPayloadBytes).toBe(512 * MB);
  });

  it("takes the model runtime's 16 MiB body limit for real time, and none for vLLM on Kubernetes", () => {
    expect(modesOf("LOCAL", "ONNX", ASYNC)[0]!.limits.maxPayloadBytes).toBe(16 * MB);
    expect(modesOf("KUBERNETES", "ONNX", ASYNC)[0]!.limits.maxPayloadBytes).toBe(16 * MB);
    expect(modesOf("KUBERNETES", "VLLM", ASYNC)[0]!.limits.maxPayloadBytes).toBeNull();
    expect(modesOf("SAGEMAKER", "ONNX", ASYNC)[0]!.limits).toBe(SAGEMAKER_REALTIME_LIMITS);
  });
});

describe("checking an SLA against a mode's limits", () => {
  const asyncLimits = { maxPayloadBytes: 1024 * MB, maxTimeoutSeconds: 3600, answersInRequest: false };

  it("fits at the limits exactly, and when nothing is declared", () => {
    expect(slaProblems(null, SAGEMAKER_REALTIME_LIMITS)).toEqual([]);
    expect(slaProblems({}, SAGEMAKER_REALTIME_LIMITS)).toEqual([]);
    expect(
      slaProblems({ maxPayloadBytes: 6 * MB, timeoutSeconds: 60, latencyP99Ms: 60_000 }, SAGEMAKER_REALTIME_LIMITS),
    ).toEqual([]);
    expect(slaProblems({ maxPayloadBytes: 1024 * MB, timeoutSeconds: 3600 }, asyncLimits)).toEqual([]);
  });

  it("names every limit one unit over, in plain words", () => {
    expect(
      slaProblems({ maxPayloadBytes: 6 * MB + 1, timeoutSeconds: 61, latencyP99Ms: 60_001 }, SAGEMAKER_REALTIME_LIMITS),
    ).toEqual([
      "payloads are at most 6,291,456 bytes; the SLA needs 6,291,457 bytes",
      "a request is processed within 60 s; the SLA needs 61 s",
      "a request is answered within 60 s; the SLA's p99 latency is 60.001 s",
    ]);
    expect(slaProblems({ maxPayloadBytes: 1024 * MB + 1, timeoutSeconds: 3601 }, asyncLimits)).toHaveLength(2);
  });

  it("refuses any latency bound to a mode whose answers are queued", () => {
    expect(slaProblems({ latencyP99Ms: 3_600_000 }, asyncLimits)).toEqual([
      "answers are queued and fetched later; the SLA's p99 latency of 3,600 s needs an answer within the request",
    ]);
  });

  it("checks nothing a mode does not limit", () => {
    const unlimited = { maxPayloadBytes: null, maxTimeoutSeconds: null, answersInRequest: true };
    expect(
      slaProblems({ maxPayloadBytes: 10 * 1024 * MB, timeoutSeconds: 86_400, latencyP99Ms: 1 }, unlimited),
    ).toEqual([]);
  });

  it("describes an SLA in one line", () => {
    expect(describeSla({ maxPayloadBytes: 8 * MB, timeoutSeconds: 30, latencyP99Ms: 200 })).toBe(
      "payload ≤ 8.0 MB, timeout 30 s, p99 200 ms",
    );
    expect(describeSla({})).toBe("nothing declared");
  });
});

describe("the SageMaker settings a promoted mode asks for", () => {
  const existing = {
    maxConcurrentInvocationsPerInstance: 2,
    invocationTimeoutSeconds: 300,
    scaling: { minInstances: 0, maxInstances: 3, backlogPerInstance: 5 },
  };

  it("is null for real time, whatever the endpoint had", () => {
    expect(asyncServingFor("REALTIME", existing, null)).toBeNull();
  });

  it("keeps the endpoint's own asynchronous settings, raising only a processing time shorter than the SLA's", () => {
    expect(asyncServingFor("ASYNC", existing, null)).toEqual(existing);
    expect(asyncServingFor("ASYNC", existing, { timeoutSeconds: 200 })).toEqual(existing);
    expect(asyncServingFor("ASYNC", existing, { timeoutSeconds: 1800 })).toEqual({
      ...existing,
      invocationTimeoutSeconds: 1800,
    });
  });

  it("starts from SageMaker's defaults, without scaling, when the endpoint was real time", () => {
    expect(asyncServingFor("ASYNC", null, null)).toEqual({
      maxConcurrentInvocationsPerInstance: 4,
      invocationTimeoutSeconds: 900,
      scaling: null,
    });
    expect(asyncServingFor("ASYNC", null, { timeoutSeconds: 3600 })?.invocationTimeoutSeconds).toBe(3600);
  });
});

describe("the planned steps of a release that applies a serving mode", () => {
  it("writes the mode after the artifact is validated and before the apply", () => {
    expect(plannedStepNames({ kind: "all-at-once" }, "native", true).slice(0, 4)).toEqual([
      "record-prior-state",
      "validate-artifact",
      "apply-serving-mode",
      "apply-endpoint",
    ]);
    expect(plannedStepNames({ kind: "all-at-once" }, "native")).not.toContain("apply-serving-mode");
  });
});
