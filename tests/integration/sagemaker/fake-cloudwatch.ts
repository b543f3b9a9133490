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
 * CloudWatch's side of the SageMaker stand-in (served on its port, as the real SDK's AWS JSON 1.0 protocol allows:
 * `X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`): the `AWS/SageMaker` datapoints SageMaker publishes,
 * answered by CloudWatch's rules — a metric is found only by its exact set of dimensions, standard-resolution periods
 * are multiples of 60 s, datapoints are aggregated per period from StartTime, only periods holding data are returned,
 * and percentiles are per period.
 */
export class CloudWatchMetrics {
  private readonly datapoints: Datapoint[] = [];

  record(metric: string, dimensions: Record<string, string>, value: number, at = Date.now()) {
    this.datapoints.push({ metric, dimensions, value, at });
  }

  /** What SageMaker publishes for one request it served (its model's latency, when the caller timed it). */
  recordInvocation(dimensions: Record<string, string>, outcome: { ok: boolean; latencyMs?: number } = { ok: true }) {
    this.record("Invocations", dimensions, 1);
    this.record("Invocation5XXErrors", dimensions, outcome.ok ? 0 : 1);
    if (outcome.latencyMs !== undefined) this.record("ModelLatency", dimensions, outcome.latencyMs * 1000);
  }

  /** A failed request of one already counted as an invocation. */
  recordError(dimensions: Record<string, string>) {
    this.record("Invocation5XXErrors", dimensions, 1);
  }

  /** Metric alarms by name (PutMetricAlarm / DeleteAlarms), as asked for: the stand-in does not evaluate them. */
  readonly alarms = new Map<string, Record<string, unknown>>();

  answer(operation: string, text: string): { status: number; body: unknown } {
    if (operation === "PutMetricAlarm") return this.putAlarm(JSON.parse(text || "{}") as Record<string, unknown>);
    if (operation === "DeleteAlarms") {
      const names = (JSON.parse(text || "{}") as { AlarmNames?: string[] }).AlarmNames ?? [];
      // The API reference lists ResourceNotFound among DeleteAlarms' errors: the stand-in is the strict reading.
      const missing = names.filter((name) => !this.alarms.has(name));
      if (missing.length > 0) return failure("ResourceNotFound", `No alarm named ${missing.join(", ")}`);
      for (const name of names) this.alarms.delete(name);
      return { status: 200, body: {} };
    }
    if (operation !== "GetMetricData") return failure("InvalidAction", `The stand-in does not implement ${operation}`);
    const parsed = getMetricData.safeParse(JSON.parse(text || "{}"));
    if (!parsed.success) return failure("InvalidParameterValue", z.prettifyError(parsed.error));
    const { StartTime, EndTime, MetricDataQueries } = parsed.data;
    if (EndTime <= StartTime) return failure("InvalidParameterCombination", "EndTime must follow StartTime");
    if (MetricDataQueries.some((q) => q.MetricStat.Period < 60 || q.MetricStat.Period % 60 !== 0))
      return failure("InvalidParameterValue", "The period must be a multiple of 60 seconds");
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
    return { status: 200, body: { MetricDataResults: results, Messages: [] } };
  }

  /** PutMetricAlarm's required fields and ranges (API reference): a name, a metric, Period ≥ 10, EvaluationPeriods ≥ 1. */
  private putAlarm(alarm: Record<string, unknown>): { status: number; body: unknown } {
    if (typeof alarm.AlarmName !== "string" || alarm.AlarmName.length === 0 || alarm.AlarmName.length > 255)
      return failure("InvalidParameterValue", "AlarmName must have 1–255 characters");
    if (!alarm.MetricName || !alarm.Namespace)
      return failure("MissingParameter", "MetricName and Namespace are required");
    if (!(Number(alarm.Period) >= 10) || !(Number(alarm.EvaluationPeriods) >= 1))
      return failure("InvalidParameterValue", "Period must be at least 10 and EvaluationPeriods at least 1");
    if (Number(alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods) > Number(alarm.EvaluationPeriods))
      return failure("InvalidParameterCombination", "DatapointsToAlarm cannot exceed EvaluationPeriods");
    this.alarms.set(alarm.AlarmName, alarm);
    return { status: 200, body: {} };
  }
}

const failure = (type: string, message: string) => ({
  status: 400,
  body: { __type: `com.amazonaws.cloudwatch#${type}`, message },
});
