import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CloudWatchGuardrails } from "@/server/integrations/sagemaker/cloudwatch-guardrails";

const cloudWatch = mockClient(CloudWatchClient);
const at = (iso: string) => () => new Date(iso);

describe("CloudWatch guardrail readings (SageMaker)", () => {
  beforeEach(() => cloudWatch.reset());

  it("reads the variant's invocations, 5xx share and p99 model latency over the bake's window", async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "invocations", Values: [120, 80] },
        { Id: "errors5xx", Values: [3, 7] },
        { Id: "p99", Values: [41_000, 95_500] },
      ],
    });
    const source = new CloudWatchGuardrails(new CloudWatchClient({ region: "eu-west-1" }), at("2026-12-02T10:03:20Z"));
    const from = new Date("2026-12-02T10:01:30Z");
    const reading = await source.read({ endpointName: "fraud-prod", variantName: "primary", from });
    expect(reading).toEqual({ requests: 200, errorRate: 0.05, p99Ms: 95.5 });
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.StartTime).toEqual(from);
    expect(input?.EndTime).toEqual(new Date("2026-12-02T10:03:20Z"));
    expect(input?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: "EndpointName", Value: "fraud-prod" },
      { Name: "VariantName", Value: "primary" },
    ]);
  });

  it("answers no requests and no latency when CloudWatch has no datapoints yet", async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const source = new CloudWatchGuardrails(new CloudWatchClient({ region: "eu-west-1" }), at("2026-12-02T10:00:10Z"));
    const from = new Date("2026-12-02T10:00:00Z");
    expect(await source.read({ endpointName: "e", variantName: "primary", from })).toEqual({
      requests: 0,
      errorRate: 0,
      p99Ms: null,
    });
  });

  it("fails the reading, rather than reading 0, when CloudWatch cannot answer", async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: "invocations", StatusCode: "Forbidden", Values: [] }],
    });
    const source = new CloudWatchGuardrails(new CloudWatchClient({ region: "eu-west-1" }));
    await expect(source.read({ endpointName: "e", variantName: "primary", from: new Date() })).rejects.toThrow(
      /could not answer/,
    );
  });

  it("keeps no mark: CloudWatch reads any past window by itself", async () => {
    const source = new CloudWatchGuardrails(new CloudWatchClient({ region: "eu-west-1" }));
    expect(await source.mark()).toBeNull();
  });
});
