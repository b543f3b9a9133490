import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";

/** SageMaker publishes its endpoint metrics here, per endpoint and production variant. */
export const SAGEMAKER_NAMESPACE = "AWS/SageMaker";

/** What `readVariantMetrics` asks CloudWatch for: one production variant of one endpoint over (from, to]. */
export type VariantMetricsQuery = {
  endpointName: string;
  variantName: string;
  from: Date;
  to: Date;
};

/** One variant's readings over the window, as CloudWatch reports them. */
export type VariantMetrics = {
  /** Sum of `Invocations`: requests the variant's model answered (0 when CloudWatch has no data point). */
  invocations: number;
  /** Sum of `Invocation5XXErrors`: requests the model answered with a 5xx. */
  errors5xx: number;
  /** p99 of `ModelLatency` (CloudWatch reports microseconds), in milliseconds; null without any invocation. */
  p99LatencyMs: number | null;
};

/** The smallest period CloudWatch keeps SageMaker's (standard-resolution) metrics at. */
const MINUTE_SECONDS = 60;
/** CloudWatch keeps 1-minute points for 15 days, 5-minute ones for 63 days and hourly ones after that. */
const RETENTION_PERIODS: ReadonlyArray<{ olderThanDays: number; periodSeconds: number }> = [
  { olderThanDays: 63, periodSeconds: 3600 },
  { olderThanDays: 15, periodSeconds: 300 },
];

/**
 * One period covering the whole window, a multiple of what CloudWatch still keeps for its start, so each query answers
 * with at most a couple of points and the p99 is CloudWatch's own over the window rather than a mix of per-minute ones.
 */
export function windowPeriodSeconds(from: Date, to: Date, now: Date = new Date()): number {
  const ageDays = (now.getTime() - from.getTime()) / 86_400_000;
  const unit = RETENTION_PERIODS.find((r) => ageDays > r.olderThanDays)?.periodSeconds ?? MINUTE_SECONDS;
  const seconds = Math.max(1, (to.getTime() - from.getTime()) / 1000);
  return Math.ceil(seconds / unit) * unit;
}

const dimensions = (query: VariantMetricsQuery) => [
  { Name: "EndpointName", Value: query.endpointName },
  { Name: "VariantName", Value: query.variantName },
];

function metricQuery(id: string, metricName: string, stat: string, query: VariantMetricsQuery, period: number) {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: SAGEMAKER_NAMESPACE, MetricName: metricName, Dimensions: dimensions(query) },
      Period: period,
      Stat: stat,
    },
    ReturnData: true,
  } satisfies MetricDataQuery;
}

/** The GetMetricData queries behind `readVariantMetrics` (exported so tests can check what is asked). */
export function variantMetricQueries(query: VariantMetricsQuery, now: Date = new Date()): MetricDataQuery[] {
  const period = windowPeriodSeconds(query.from, query.to, now);
  return [
    metricQuery("invocations", "Invocations", "Sum", query, period),
    metricQuery("errors5xx", "Invocation5XXErrors", "Sum", query, period),
    metricQuery("p99", "ModelLatency", "p99", query, period),
  ];
}

/** A query CloudWatch could not answer (StatusCode InternalError or Forbidden): its readings are unknown, not 0. */
export class CloudWatchMetricsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CloudWatchMetricsError";
  }
}

/**
 * Reads one SageMaker production variant's `Invocations` and `Invocation5XXErrors` (sums) and `ModelLatency` p99 over
 * the window from CloudWatch `GetMetricData` (dimensions EndpointName + VariantName), following NextToken. CloudWatch
 * stores no data point for a minute without invocations, so no points means 0 requests and no latency. A failed call
 * throws (the SDK's error, or CloudWatchMetricsError for a query CloudWatch reports it could not answer).
 */
export async function readVariantMetrics(
  client: CloudWatchClient,
  query: VariantMetricsQuery,
): Promise<VariantMetrics> {
  const queries = variantMetricQueries(query);
  const values = new Map<string, number[]>(queries.map((q) => [q.Id ?? "", []]));
  let nextToken: string | undefined;
  do {
    const answer = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: query.from,
        EndTime: query.to,
        ScanBy: "TimestampAscending",
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const result of answer.MetricDataResults ?? []) collect(values, result);
    nextToken = answer.NextToken;
  } while (nextToken);
  const sum = (id: string) => (values.get(id) ?? []).reduce((total, value) => total + value, 0);
  const p99 = values.get("p99") ?? [];
  return {
    invocations: sum("invocations"),
    errors5xx: sum("errors5xx"),
    // One period spans the window, so there is at most one point; were there more, the worst one is reported.
    p99LatencyMs: p99.length > 0 ? Math.max(...p99) / 1000 : null,
  };
}

function collect(values: Map<string, number[]>, result: MetricDataResult) {
  if (result.StatusCode === "InternalError" || result.StatusCode === "Forbidden") {
    const detail = result.Messages?.map((m) => m.Value).join("; ");
    throw new CloudWatchMetricsError(
      `CloudWatch could not answer ${result.Id ?? "a query"} (${result.StatusCode})${detail ? `: ${detail}` : ""}`,
    );
  }
  const list = values.get(result.Id ?? "");
  if (!list) return;
  for (const value of result.Values ?? []) if (Number.isFinite(value)) list.push(value);
}

/**
 * The CloudWatch client of the SageMaker target's account and region. A dashboard waits on it, so a CloudWatch that
 * does not answer fails within seconds (and that count reads "not measured") rather than holding the page.
 */
export function createCloudWatchClient(config: { region: string; cloudWatchEndpointUrl?: string }): CloudWatchClient {
  return new CloudWatchClient({
    region: config.region,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
    ...(config.cloudWatchEndpointUrl && { endpoint: config.cloudWatchEndpointUrl }),
  });
}
