// Writes prometheus.yml for scripts/lib.sh's start_prometheus: scrapes the runtime (RUNTIME_URL) and the worker
// (WORKER_METRICS_PORT) every PROMETHEUS_SCRAPE_INTERVAL seconds. Usage: tsx scripts/prometheus/write-config.ts FILE
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { projectScrapeJobs, renderPrometheusConfig } from "@/server/integrations/prometheus/config";

const settings = z
  .object({
    RUNTIME_URL: z.string().url(),
    WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9464),
    PROMETHEUS_SCRAPE_INTERVAL: z.coerce.number().int().min(1).max(300).default(5),
  })
  .parse(process.env);

const file = process.argv[2];
if (!file) throw new Error("Usage: tsx scripts/prometheus/write-config.ts FILE");
await mkdir(path.dirname(path.resolve(file)), { recursive: true });
await writeFile(
  file,
  renderPrometheusConfig({
    scrapeIntervalSeconds: settings.PROMETHEUS_SCRAPE_INTERVAL,
    jobs: projectScrapeJobs({ runtimeUrl: settings.RUNTIME_URL, workerMetricsPort: settings.WORKER_METRICS_PORT }),
  }),
);
