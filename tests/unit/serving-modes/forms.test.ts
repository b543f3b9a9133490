import { describe, expect, it } from "vitest";
import { defaultModeFor, modesAt, noModeFits, type ServingModes } from "@/components/deployments/serving-mode-choice";
import { slaFormValuesOf, versionSlaFormSchema } from "@/components/registry/version-sla-form-schema";
import { setVersionSlaInput } from "@/contracts/serving-modes";

const MB = 1024 * 1024;

function parse(values: { payloadMb?: string; timeoutSeconds?: string; latencyMs?: string }) {
  return versionSlaFormSchema.safeParse({ payloadMb: "", timeoutSeconds: "", latencyMs: "", ...values });
}

const issuesOf = (result: ReturnType<typeof parse>) =>
  result.success ? {} : Object.fromEntries(result.error.issues.map((issue) => [issue.path.join("."), issue.message]));

describe("the version SLA form", () => {
  it("turns megabytes into bytes and leaves empty fields undeclared", () => {
    expect(parse({ payloadMb: "6", latencyMs: "250" })).toMatchObject({
      success: true,
      data: { sla: { maxPayloadBytes: 6 * MB, latencyP99Ms: 250 } },
    });
    expect(parse({ payloadMb: "0.5" })).toMatchObject({ data: { sla: { maxPayloadBytes: MB / 2 } } });
  });

  it("clears the SLA when every field is empty", () => {
    expect(parse({})).toMatchObject({ success: true, data: { sla: null } });
    expect(parse({ payloadMb: "  " })).toMatchObject({ success: true, data: { sla: null } });
  });

  it("puts each refusal on its field, in plain words", () => {
    expect(issuesOf(parse({ payloadMb: "lots", timeoutSeconds: "1e9x" }))).toEqual({
      payloadMb: "Enter a number, or leave it empty",
      timeoutSeconds: "Enter a number, or leave it empty",
    });
    expect(issuesOf(parse({ timeoutSeconds: "1.5", latencyMs: "0" }))).toEqual({
      timeoutSeconds: "Whole seconds",
      latencyMs: "At least 1 ms",
    });
    expect(issuesOf(parse({ payloadMb: "20000" }))).toEqual({ payloadMb: "Payloads over 10 GiB fit no mode" });
  });

  it("accepts only what the service's own schema accepts, and shows a stored SLA back as it was", () => {
    const sla = { maxPayloadBytes: 6 * MB, timeoutSeconds: 45, latencyP99Ms: 120 };
    const round = parse(slaFormValuesOf(sla));
    expect(round).toMatchObject({ success: true, data: { sla } });
    expect(setVersionSlaInput.safeParse(round.data).success).toBe(true);
    expect(slaFormValuesOf(null)).toEqual({ payloadMb: "", timeoutSeconds: "", latencyMs: "" });
    // A size one byte over SageMaker's 6 MB survives a save of the other fields: it never starts fitting real time.
    const odd = slaFormValuesOf({ maxPayloadBytes: 6 * MB + 1 });
    expect(odd.payloadMb).toBe("6.000001");
    expect(parse(odd)).toMatchObject({ data: { sla: { maxPayloadBytes: 6 * MB + 1 } } });
    for (const bytes of [1, 999, MB - 1, 123_456_789, 10 * 1024 * MB])
      expect(parse(slaFormValuesOf({ maxPayloadBytes: bytes }))).toMatchObject({
        data: { sla: { maxPayloadBytes: bytes } },
      });
  });
});

describe("the promote dialog's starting mode", () => {
  const view = (endpoints: ServingModes["targets"][number]["endpoints"], asyncFits = true): ServingModes => ({
    sla: null,
    targets: [
      {
        target: "SAGEMAKER",
        modes: [
          {
            mode: "REALTIME",
            limits: { maxPayloadBytes: 6 * MB, maxTimeoutSeconds: 60, answersInRequest: true },
            problems: [],
          },
          {
            mode: "ASYNC",
            limits: { maxPayloadBytes: 1024 * MB, maxTimeoutSeconds: 3600, answersInRequest: false },
            problems: asyncFits ? [] : ["too slow"],
          },
        ],
        endpoints,
      },
    ],
  });

  it("is the endpoint's current mode while the SLA fits it, else the first that fits", () => {
    const asyncNow = [
      {
        name: "m-production-sagemaker",
        environment: "PRODUCTION" as const,
        mode: "ASYNC" as const,
        hostingProblems: [],
      },
    ];
    expect(defaultModeFor(view(asyncNow), "SAGEMAKER", "PRODUCTION")).toBe("ASYNC");
    expect(defaultModeFor(view(asyncNow), "SAGEMAKER", "STAGING")).toBe("REALTIME");
    expect(defaultModeFor(view(asyncNow, false), "SAGEMAKER", "PRODUCTION")).toBe("REALTIME");
  });

  it("blocks the submit only when the modes are known and none fits", () => {
    const none = view([], false);
    none.targets[0]!.modes[0]!.problems = ["too big"];
    expect(noModeFits(none, "SAGEMAKER", "PRODUCTION")).toBe(true);
    expect(noModeFits(view([]), "SAGEMAKER", "PRODUCTION")).toBe(false);
    expect(noModeFits(undefined, "SAGEMAKER", "PRODUCTION")).toBe(false);
  });

  it("adds what an endpoint's hosting rules out, at that endpoint's environment only", () => {
    const components = [
      {
        name: "m-production-sagemaker",
        environment: "PRODUCTION" as const,
        mode: "REALTIME" as const,
        hostingProblems: [
          { mode: "ASYNC" as "ASYNC" | "REALTIME", problem: "inference components answer in real time" },
        ],
      },
    ];
    expect(modesAt(view(components), "SAGEMAKER", "PRODUCTION").map((mode) => mode.problems)).toEqual([
      [],
      ["inference components answer in real time"],
    ]);
    expect(modesAt(view(components), "SAGEMAKER", "STAGING").map((mode) => mode.problems)).toEqual([[], []]);
    const latency = structuredClone(components);
    latency[0]!.hostingProblems.push({ mode: "REALTIME", problem: "the endpoint scales to zero" });
    expect(noModeFits(view(latency), "SAGEMAKER", "PRODUCTION")).toBe(true);
    expect(noModeFits(view(latency), "SAGEMAKER", "STAGING")).toBe(false);
    expect(defaultModeFor(view(latency), "SAGEMAKER", "STAGING")).toBe("REALTIME");
  });

  it("is nothing before the modes are known", () => {
    expect(defaultModeFor(undefined, "SAGEMAKER", "PRODUCTION")).toBeNull();
    expect(defaultModeFor(view([]), "LOCAL", "PRODUCTION")).toBeNull();
  });
});
