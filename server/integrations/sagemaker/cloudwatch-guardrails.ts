import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type {
  GuardrailReading,
  GuardrailSource,
  GuardrailWindow,
} from "@/server/integrations/targets/guardrail-source";

const MINUTE_MS = 60_000;

/** SageMaker publishes endpoint metrics per minute; a window is read as whole minutes around it. */
function minutes(from: Date, to: Date) {
  const start = Math.floor(from.getTime() / MINUTE_MS) * MINUTE_MS;
  const end = Math.max(start + MINUTE_MS, Math.ceil(to.getTime() / MINUTE_MS) * MINUTE_MS);
  return { start: new Date(start), end: new Date(end), periodSeconds: (end - start) / 1000 };
}

type Dimension = { Name: string; Value: string };

function metricQuery(id: string, metricName: string, dimensions: Dimension[], stat: string, period: number) {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: "AWS/SageMaker", MetricName: metricName, Dimensions: dimensions },
      Period: period,
      Stat: stat,
    },
    ReturnData: true,
  } satisfies MetricDataQuery;
}

/**
 * SageMaker guardrails for the portal's own reading of a release: CloudWatch's `AWS/SageMaker` metrics of the variant
 * (dimensions EndpointName and VariantName) over the bake's window: `Invocations` and `Invocation5XXErrors` summed,
 * `ModelLatency` (microseconds) at p99. The portal reads only after SageMaker finished the blue/green shift (its
 * alarms watch the shift itself), when every request of the variant reaches the new fleet. CloudWatch can read any
 * past window, so no mark is kept.
 */
export class CloudWatchGuardrails implements GuardrailSource {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async mark(): Promise<null> {
    return null;
  }

  async read(window: GuardrailWindow): Promise<GuardrailReading> {
    const dimensions = [
      { Name: "EndpointName", Value: window.endpointName },
      { Name: "VariantName", Value: window.variantName },
    ];
    const range = minutes(window.from, this.clock());
    const answer = await this.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: range.start,
        EndTime: range.end,
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          metricQuery("invocations", "Invocations", dimensions, "Sum", range.periodSeconds),
          metricQuery("errors", "Invocation5XXErrors", dimensions, "Sum", range.periodSeconds),
          metricQuery("latency", "ModelLatency", dimensions, "p99", range.periodSeconds),
        ],
      }),
    );
    const values = (id: string) => answer.MetricDataResults?.find((r) => r.Id === id)?.Values ?? [];
    const sum = (id: string) => values(id).reduce((total, value) => total + value, 0);
    const requests = Math.round(sum("invocations"));
    const latencies = values("latency");
    return {
      requests,
      errorRate: requests > 0 ? Math.min(1, sum("errors") / requests) : 0,
      // Percentiles of different periods cannot be combined; the worst one stands for the window.
      p99Ms: latencies.length > 0 ? Math.max(...latencies) / 1000 : null,
    };
  }
}
