/** One scrape job: Prometheus reads `http://<target><metricsPath>` every interval. */
export type ScrapeJob = {
  name: string;
  targets: string[];
  metricsPath?: string;
  /** Labels every series of these targets gets (static_configs labels). */
  labels?: Record<string, string>;
  /** Relabelling applied to the targets before the scrape (Prometheus relabel_configs). */
  relabelConfigs?: RelabelConfig[];
  /**
   * A file holding the bearer token the targets' /metrics requires (e.g. the runtime's RUNTIME_METRICS_TOKEN):
   * Prometheus reads it on every scrape (`authorization.credentials_file`), so the token stays out of the config.
   */
  bearerTokenFile?: string;
};

export type RelabelConfig = {
  source_labels?: string[];
  regex?: string;
  action?: "keep" | "labelmap" | "replace";
  replacement?: string;
  target_label?: string;
};

const TARGET = /^[a-zA-Z0-9.\-[\]:]+:\d{1,5}$/;
const JOB_NAME = /^[a-zA-Z0-9_-]+$/;

/**
 * prometheus.yml for the project's own Prometheus. JSON is valid YAML, so the file is written as JSON
 * and needs no YAML library; `promtool check config` accepts it.
 */
export function renderPrometheusConfig(options: {
  scrapeIntervalSeconds: number;
  jobs: ScrapeJob[];
  /** Scrape configs written as they are, e.g. kubernetesPodScrapeConfig(). */
  scrapeConfigs?: object[];
}): string {
  const interval = `${options.scrapeIntervalSeconds}s`;
  for (const job of options.jobs) {
    if (!JOB_NAME.test(job.name)) throw new Error(`Not a scrape job name: ${JSON.stringify(job.name)}`);
    const bad = job.targets.find((t) => !TARGET.test(t));
    if (bad !== undefined) throw new Error(`A scrape target is host:port, got ${JSON.stringify(bad)}`);
  }
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: [
      ...options.jobs.map((job) => ({
        job_name: job.name,
        metrics_path: job.metricsPath ?? "/metrics",
        static_configs: [{ targets: job.targets, ...(job.labels && { labels: job.labels }) }],
        ...(job.relabelConfigs && { relabel_configs: job.relabelConfigs }),
        ...(job.bearerTokenFile && { authorization: { type: "Bearer", credentials_file: job.bearerTokenFile } }),
      })),
      ...(options.scrapeConfigs ?? []),
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** "http://127.0.0.1:8500/x" → "127.0.0.1:8500", the form a scrape target takes. */
export function hostPort(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  return `${parsed.hostname}:${port}`;
}

/**
 * The project's scrape jobs: the model runtime and the worker, both on loopback. `runtimeTokenFile` holds the
 * runtime's RUNTIME_METRICS_TOKEN when its /metrics requires one.
 */
export function projectScrapeJobs(options: {
  runtimeUrl: string;
  workerMetricsPort: number;
  runtimeTokenFile?: string;
}): ScrapeJob[] {
  return [
    {
      name: "modelport-runtime",
      targets: [hostPort(options.runtimeUrl)],
      ...(options.runtimeTokenFile && { bearerTokenFile: options.runtimeTokenFile }),
    },
    { name: "modelport-worker", targets: [`127.0.0.1:${options.workerMetricsPort}`] },
  ];
}

/**
 * The scrape config for the Modelport ONNX runtime pods the Kubernetes target runs (for a Prometheus inside the
 * cluster, or one allowed to list its pods). It keeps only pods Modelport manages with the `onnx-runtime` flavour and
 * their `http` port, and copies the pod labels `modelport.dev/endpoint` and `modelport.dev/variant` onto every series
 * as `modelport_endpoint` and `modelport_variant` (labelmap), with `namespace` and `pod`. Cost reads those series as
 * the Kubernetes endpoints' predictions (and `up` as proof a pod was scraped); the local runtime's own series are the
 * ones without `modelport_endpoint`. vLLM pods export vLLM's metrics, not the runtime's, so they are not kept and their
 * endpoints' predictions read "not measured". (Debian's Prometheus is built without Kubernetes discovery, so the tests
 * here run these relabel rules on static targets carrying the same `__meta_kubernetes_*` labels.)
 */
export function kubernetesPodScrapeConfig(options: { namespace: string; jobName?: string }): {
  job_name: string;
  metrics_path: string;
  kubernetes_sd_configs: object[];
  relabel_configs: RelabelConfig[];
} {
  return {
    job_name: options.jobName ?? "modelport-kubernetes-pods",
    metrics_path: "/metrics",
    kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [options.namespace] } }],
    relabel_configs: [
      {
        source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_managed_by"],
        regex: "modelport",
        action: "keep",
      },
      { source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], regex: "onnx-runtime", action: "keep" },
      { source_labels: ["__meta_kubernetes_pod_container_port_name"], regex: "http", action: "keep" },
      {
        regex: "__meta_kubernetes_pod_label_modelport_dev_(endpoint|variant)",
        replacement: "modelport_$1",
        action: "labelmap",
      },
      { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    ],
  };
}
