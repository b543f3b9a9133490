import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer } from "@/tests/integration/support/loopback-server";
import { z } from "zod";

type Datapoint = { metric: string; dimensions: Record<string, string>; value: number; at: number };

const dimensionList = z.array(z.object({ Name: z.string(), Value: z.string() }));
const getMetricData = z.object({
  StartTime: z.number(),
  EndTime: z.number(),
  MetricDataQueries: z
    .array(
      z.object({
        Id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/, "Id must start with a lower-case letter"),
        MetricStat: z.object({
          Metric: z.object({ Namespace: z.string(), MetricName: z.string(), Dimensions: dimensionList.default([]) }),
          Period: z.number().int(),
          Stat: z.string().regex(/^(Sum|Average|SampleCount|Minimum|Maximum|p\d{1,2}(\.\d+)?)$/),
        }),
        ReturnData: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(500),
});

function statistic(stat: string, values: number[]): number {
  if (stat === "Sum") return values.reduce((a, b) => a + b, 0);
  if (stat === "SampleCount") return values.length;
  if (stat === "Average") return values.reduce((a, b) => a + b, 0) / values.length;
  if (stat === "Minimum") return Math.min(...values);
  if (stat === "Maximum") return Math.max(...values);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Number(stat.slice(1)) / 100) * sorted.length) - 1;
  return sorted[Math.max(0, rank)] ?? 0;
}

const sameDimensions = (a: Record<string, string>, b: { Name: string; Value: string }[]) =>
  Object.keys(a).length === b.length && b.every((d) => a[d.Name] === d.Value);

/**
 * A CloudWatch stand-in for the `AWS/SageMaker` metrics the portal reads, speaking the real SDK's wire protocol
 * (AWS JSON 1.0, `X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`). Its rules are CloudWatch's: a metric is
 * found only by its exact set of dimensions, standard-resolution periods are multiples of 60 s, datapoints are
 * aggregated per period from StartTime, only periods holding data are returned, and percentiles are per period.
 */
export class FakeCloudWatch {
  private readonly datapoints: Datapoint[] = [];
  private readonly server = new LoopbackServer((request, response) => void this.handle(request, response));

  async start(): Promise<string> {
    return `http://${await this.server.start()}`;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** What SageMaker publishes for one served request. */
  recordInvocation(dimensions: Record<string, string>, outcome: { ok: boolean; latencyMs: number }, at = Date.now()) {
    this.datapoints.push({ metric: "Invocations", dimensions, value: 1, at });
    this.datapoints.push({ metric: "Invocation5XXErrors", dimensions, value: outcome.ok ? 0 : 1, at });
    this.datapoints.push({ metric: "ModelLatency", dimensions, value: outcome.latencyMs * 1000, at });
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    response.setHeader("content-type", "application/x-amz-json-1.0");
    const target = String(request.headers["x-amz-target"] ?? "");
    if (target !== "GraniteServiceVersion20100801.GetMetricData") {
      return this.fail(response, "InvalidAction", `The stand-in does not implement ${target}`);
    }
    const parsed = getMetricData.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
    if (!parsed.success) return this.fail(response, "InvalidParameterValue", z.prettifyError(parsed.error));
    const { StartTime, EndTime, MetricDataQueries } = parsed.data;
    if (EndTime <= StartTime)
      return this.fail(response, "InvalidParameterCombination", "EndTime must follow StartTime");
    const bad = MetricDataQueries.find((q) => q.MetricStat.Period < 60 || q.MetricStat.Period % 60 !== 0);
    if (bad) return this.fail(response, "InvalidParameterValue", "The period must be a multiple of 60 seconds");
    const results = MetricDataQueries.map((query) => {
      const { Metric, Period, Stat } = query.MetricStat;
      const buckets = new Map<number, number[]>();
      for (const point of this.datapoints) {
        const seconds = point.at / 1000;
        if (Metric.Namespace !== "AWS/SageMaker" || point.metric !== Metric.MetricName) continue;
        if (!sameDimensions(point.dimensions, Metric.Dimensions) || seconds < StartTime || seconds >= EndTime) continue;
        const bucket = StartTime + Math.floor((seconds - StartTime) / Period) * Period;
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), point.value]);
      }
      const times = [...buckets.keys()].sort((a, b) => a - b);
      return {
        Id: query.Id,
        Label: Metric.MetricName,
        StatusCode: "Complete",
        Timestamps: times,
        Values: times.map((time) => statistic(Stat, buckets.get(time) ?? [])),
      };
    });
    response.statusCode = 200;
    response.end(JSON.stringify({ MetricDataResults: results, Messages: [] }));
  }

  private fail(response: ServerResponse, type: string, message: string) {
    response.statusCode = 400;
    response.end(JSON.stringify({ __type: `com.amazonaws.cloudwatch#${type}`, message }));
  }
}
