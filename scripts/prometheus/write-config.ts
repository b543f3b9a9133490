// Writes prometheus.yml for scripts/lib.sh's start_prometheus: scrapes the runtime (RUNTIME_URL) and the worker
// (WORKER_METRICS_PORT) every PROMETHEUS_SCRAPE_INTERVAL seconds. When RUNTIME_METRICS_TOKEN is set (the runtime's
// /metrics then requires it), the token is written beside the config as runtime-metrics-token (mode 0600) and the
// runtime job sends it from there (authorization.credentials_file). Usage: tsx scripts/prometheus/write-config.ts FILE
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { projectScrapeJobs, renderPrometheusConfig } from "@/server/integrations/prometheus/config";

const settings = z
  .object({
    RUNTIME_URL: z.string().url(),
    RUNTIME_METRICS_TOKEN: z.string().min(16).optional(),
    WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9464),
    PROMETHEUS_SCRAPE_INTERVAL: z.coerce.number().int().min(1).max(300).default(5),
  })
  .parse({ ...process.env, RUNTIME_METRICS_TOKEN: process.env.RUNTIME_METRICS_TOKEN || undefined });

const file = process.argv[2];
if (!file) throw new Error("Usage: tsx scripts/prometheus/write-config.ts FILE");
const directory = path.dirname(path.resolve(file));
await mkdir(directory, { recursive: true });
let runtimeTokenFile: string | undefined;
if (settings.RUNTIME_METRICS_TOKEN) {
  runtimeTokenFile = path.join(directory, "runtime-metrics-token");
  await writeFile(runtimeTokenFile, settings.RUNTIME_METRICS_TOKEN, { mode: 0o600 });
}
await writeFile(
  file,
  renderPrometheusConfig({
    scrapeIntervalSeconds: settings.PROMETHEUS_SCRAPE_INTERVAL,
    jobs: projectScrapeJobs({
      runtimeUrl: settings.RUNTIME_URL,
      workerMetricsPort: settings.WORKER_METRICS_PORT,
      runtimeTokenFile,
    }),
  }),
);
