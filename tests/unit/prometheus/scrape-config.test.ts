import { describe, expect, it } from "vitest";
import { projectScrapeJobs, renderPrometheusConfig } from "@/server/integrations/prometheus/config";

describe("the project's Prometheus config", () => {
  it("sends the runtime's metrics token from a credentials file when there is one", () => {
    const jobs = projectScrapeJobs({
      runtimeUrl: "http://127.0.0.1:8500",
      workerMetricsPort: 9464,
      runtimeTokenFile: "/data/prometheus/runtime-metrics-token",
    });
    const config = JSON.parse(renderPrometheusConfig({ scrapeIntervalSeconds: 5, jobs })) as {
      scrape_configs: Array<{ job_name: string; authorization?: object }>;
    };
    const [runtime, worker] = config.scrape_configs;
    expect(runtime).toMatchObject({
      job_name: "modelport-runtime",
      authorization: { type: "Bearer", credentials_file: "/data/prometheus/runtime-metrics-token" },
    });
    expect(worker?.authorization).toBeUndefined();
  });

  it("writes no authorization without a token", () => {
    const jobs = projectScrapeJobs({ runtimeUrl: "http://127.0.0.1:8500", workerMetricsPort: 9464 });
    expect(renderPrometheusConfig({ scrapeIntervalSeconds: 5, jobs })).not.toContain("authorization");
  });
});
