/** One scrape job: Prometheus reads `http://<target><metricsPath>` every interval. */
export type ScrapeJob = {
  name: string;
  targets: string[];
  metricsPath?: string;
  /** Labels every series of these targets gets (static_configs labels). */
  labels?: Record<string, string>;
};

const TARGET = /^[a-zA-Z0-9.\-[\]:]+:\d{1,5}$/;
const JOB_NAME = /^[a-zA-Z0-9_-]+$/;

/**
 * prometheus.yml for the project's own Prometheus. JSON is valid YAML, so the file is written as JSON
 * and needs no YAML library; `promtool check config` accepts it.
 */
export function renderPrometheusConfig(options: { scrapeIntervalSeconds: number; jobs: ScrapeJob[] }): string {
  const interval = `${options.scrapeIntervalSeconds}s`;
  for (const job of options.jobs) {
    if (!JOB_NAME.test(job.name)) throw new Error(`Not a scrape job name: ${JSON.stringify(job.name)}`);
    const bad = job.targets.find((t) => !TARGET.test(t));
    if (bad !== undefined) throw new Error(`A scrape target is host:port, got ${JSON.stringify(bad)}`);
  }
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: options.jobs.map((job) => ({
      job_name: job.name,
      metrics_path: job.metricsPath ?? "/metrics",
      static_configs: [{ targets: job.targets, ...(job.labels && { labels: job.labels }) }],
    })),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** "http://127.0.0.1:8500/x" → "127.0.0.1:8500", the form a scrape target takes. */
export function hostPort(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  return `${parsed.hostname}:${port}`;
}

/** The project's scrape jobs: the model runtime and the worker, both on loopback. */
export function projectScrapeJobs(options: { runtimeUrl: string; workerMetricsPort: number }): ScrapeJob[] {
  return [
    { name: "modelport-runtime", targets: [hostPort(options.runtimeUrl)] },
    { name: "modelport-worker", targets: [`127.0.0.1:${options.workerMetricsPort}`] },
  ];
}
