import { CloudWatchClient, CloudWatchServiceException, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  CloudWatchMetricsError,
  readVariantMetrics,
  windowPeriodSeconds,
} from "@/server/integrations/sagemaker/cloudwatch-metrics";

const cloudwatch = mockClient(CloudWatchClient);
const client = new CloudWatchClient({ region: "eu-west-1" });
const to = new Date();
const from = new Date(to.getTime() - 3_600_000);
const query = { endpointName: "fraud-production-sagemaker", variantName: "primary", from, to };

beforeEach(() => cloudwatch.reset());

describe("readVariantMetrics", () => {
  it("asks for Invocations and 5xx sums and the ModelLatency p99 of one variant over one period", async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "invocations", StatusCode: "Complete", Values: [1234] },
        { Id: "errors5xx", StatusCode: "Complete", Values: [7] },
        { Id: "p99", StatusCode: "Complete", Values: [45_500] },
      ],
    });
    expect(await readVariantMetrics(client, query)).toEqual({ invocations: 1234, errors5xx: 7, p99LatencyMs: 45.5 });
    const calls = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.StartTime).toEqual(from);
    expect(input.EndTime).toEqual(to);
    const byId = new Map(input.MetricDataQueries?.map((q) => [q.Id, q.MetricStat]));
    const dims = [
      { Name: "EndpointName", Value: "fraud-production-sagemaker" },
      { Name: "VariantName", Value: "primary" },
    ];
    expect(byId.get("invocations")).toEqual({
      Metric: { Namespace: "AWS/SageMaker", MetricName: "Invocations", Dimensions: dims },
      Period: 3600,
      Stat: "Sum",
    });
    expect(byId.get("errors5xx")?.Metric?.MetricName).toBe("Invocation5XXErrors");
    expect(byId.get("errors5xx")?.Stat).toBe("Sum");
    expect(byId.get("p99")?.Metric?.MetricName).toBe("ModelLatency");
    expect(byId.get("p99")?.Stat).toBe("p99");
  });

  it("sums every page and point, and reports no latency when nothing was invoked", async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: "invocations", StatusCode: "PartialData", Values: [10, 20] }],
        NextToken: "page-2",
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: "invocations", StatusCode: "Complete", Values: [5] },
          { Id: "errors5xx", StatusCode: "Complete", Values: [] },
          { Id: "p99", StatusCode: "Complete", Values: [] },
        ],
      });
    expect(await readVariantMetrics(client, query)).toEqual({ invocations: 35, errors5xx: 0, p99LatencyMs: null });
    const calls = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(calls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, "page-2"]);
  });

  it("fails instead of answering 0 when CloudWatch cannot answer a query or the call fails", async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: "invocations", StatusCode: "Forbidden", Messages: [{ Code: "x", Value: "denied" }] }],
    });
    await expect(readVariantMetrics(client, query)).rejects.toThrow(CloudWatchMetricsError);
    cloudwatch.reset();
    cloudwatch.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: {},
        message: "not authorized to perform cloudwatch:GetMetricData",
      }),
    );
    await expect(readVariantMetrics(client, query)).rejects.toThrow(/not authorized/);
  });
});

describe("windowPeriodSeconds", () => {
  const now = new Date("2026-12-02T12:00:00Z");
  it("covers the window in whole units of what CloudWatch still keeps for its start", () => {
    const hourAgo = new Date(now.getTime() - 3_600_000);
    expect(windowPeriodSeconds(hourAgo, now, now)).toBe(3600);
    expect(windowPeriodSeconds(new Date(now.getTime() - 90_500), now, now)).toBe(120);
    const twentyDays = new Date(now.getTime() - 20 * 86_400_000);
    expect(windowPeriodSeconds(twentyDays, new Date(twentyDays.getTime() + 301_000), now)).toBe(600);
    const ninetyDays = new Date(now.getTime() - 90 * 86_400_000);
    expect(windowPeriodSeconds(ninetyDays, new Date(ninetyDays.getTime() + 1000), now)).toBe(3600);
  });
});
