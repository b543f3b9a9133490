import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CloudWatchGuardrails } from "@/server/integrations/sagemaker/cloudwatch-guardrails";

const cloudWatch = mockClient(CloudWatchClient);
const at = (iso: string) => () => new Date(iso);

describe("CloudWatch guardrail readings (SageMaker)", () => {
  beforeEach(() => cloudWatch.reset());

  it("reads the variant's invocations, 5xx errors and p99 model latency over whole minutes around the window", async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "invocations", Values: [120, 80] },
        { Id: "errors", Values: [3, 7] },
        { Id: "latency", Values: [41_000, 95_500] },
      ],
    });
    const source = new CloudWatchGuardrails(new CloudWatchClient({ region: "eu-west-1" }), at("2026-12-02T10:03:20Z"));
    const reading = await source.read({
      endpointName: "fraud-prod",
      variantName: "primary",
      from: new Date("2026-12-02T10:01:30Z"),
    });
    expect(reading).toEqual({ requests: 200, errorRate: 0.05, p99Ms: 95.5 });
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.StartTime).toEqual(new Date("2026-12-02T10:01:00Z"));
    expect(input?.EndTime).toEqual(new Date("2026-12-02T10:04:00Z"));
    const queries = input?.MetricDataQueries ?? [];
    expect(queries.map((q) => [q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat, q.MetricStat?.Period])).toEqual([
      ["Invocations", "Sum", 180],
      ["Invocation5XXErrors", "Sum", 180],
      ["ModelLatency", "p99", 180],
    ]);
    expect(queries[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: "EndpointName", Value: "fraud-prod" },
      { Name: "VariantName", Value: "primary" },
    ]);
  });

  it("answers no requests and no latency when CloudWatch has no datapoints yet", async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const source = new CloudWatchGuardrails(new CloudWatchClient({ region: "eu-west-1" }), at("2026-12-02T10:00:10Z"));
    const reading = await source.read({
      endpointName: "e",
      variantName: "primary",
      from: new Date("2026-12-02T10:00:00Z"),
    });
    expect(reading).toEqual({ requests: 0, errorRate: 0, p99Ms: null });
    // A window inside one minute still asks for a whole minute: CloudWatch's smallest standard period.
    expect(
      cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0]?.MetricStat?.Period,
    ).toBe(60);
  });

  it("keeps no mark: CloudWatch reads any past window by itself", async () => {
    const source = new CloudWatchGuardrails(new CloudWatchClient({ region: "eu-west-1" }));
    expect(await source.mark()).toBeNull();
  });
});
