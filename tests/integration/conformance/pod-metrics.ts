import { LoopbackServer } from "@/tests/integration/support/loopback-server";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type PodLabels = { namespace: string; endpoint: string; variant: string; pod: string };
type Series = { labels: PodLabels; byStatus: Map<string, number>; buckets: number[]; count: number; sum: number };

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
    .join(",");

/**
 * The serving pods' /metrics as the portal's Prometheus sees them after its Kubernetes scrape job: the ONNX runtime
 * image's request counter and latency histogram, with `namespace`, `modelport_endpoint`, `modelport_variant` and `pod`
 * as the job's relabelling attaches them (docs/architecture.md). A pod exports its series at zero as soon as it is
 * ready, as Prometheus needs a first sample for `increase()` to count from.
 */
export class PodMetrics {
  private readonly series = new Map<string, Series>();
  private readonly server = new LoopbackServer((_request, response) => {
    response.setHeader("content-type", "text/plain; version=0.0.4");
    response.end(this.exposition());
  });

  async start(): Promise<string> {
    return this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** A pod became ready: its series exist from now on, at zero. */
  ready(labels: PodLabels) {
    if (!this.series.has(labels.pod)) {
      const byStatus = new Map([
        ["200", 0],
        ["500", 0],
      ]);
      this.series.set(labels.pod, { labels, byStatus, buckets: BUCKETS.map(() => 0), count: 0, sum: 0 });
    }
  }

  /** One request the pod answered. */
  observe(pod: string, status: "200" | "500", seconds: number) {
    const series = this.series.get(pod);
    if (!series) throw new Error(`No ready pod ${pod}`);
    series.byStatus.set(status, (series.byStatus.get(status) ?? 0) + 1);
    BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) series.buckets[index] = (series.buckets[index] ?? 0) + 1;
    });
    series.count += 1;
    series.sum += seconds;
  }

  private exposition(): string {
    const lines = [
      "# TYPE modelport_runtime_requests_total counter",
      "# TYPE modelport_runtime_request_duration_seconds histogram",
    ];
    for (const { labels, byStatus, buckets, count, sum } of this.series.values()) {
      const pod = {
        namespace: labels.namespace,
        modelport_endpoint: labels.endpoint,
        modelport_variant: labels.variant,
        pod: labels.pod,
      };
      for (const [status, value] of byStatus)
        lines.push(`modelport_runtime_requests_total{${labelText({ ...pod, status })}} ${value}`);
      BUCKETS.forEach((bound, index) =>
        lines.push(
          `modelport_runtime_request_duration_seconds_bucket{${labelText({ ...pod, le: String(bound) })}} ${buckets[index]}`,
        ),
      );
      lines.push(`modelport_runtime_request_duration_seconds_bucket{${labelText({ ...pod, le: "+Inf" })}} ${count}`);
      lines.push(`modelport_runtime_request_duration_seconds_count{${labelText(pod)}} ${count}`);
      lines.push(`modelport_runtime_request_duration_seconds_sum{${labelText(pod)}} ${sum}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
