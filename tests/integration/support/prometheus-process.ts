import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PrometheusClient } from "@/server/integrations/prometheus/client";
import { renderPrometheusConfig, type RelabelConfig } from "@/server/integrations/prometheus/config";
import { freePort, temporaryDirectory } from "@/tests/integration/runtime/runtime-process";

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? "/usr/bin/prometheus";

export type RunningPrometheus = {
  url: string;
  client: PrometheusClient;
  stop(): Promise<void>;
  /** Resolves once every target has been scraped successfully by a scrape that began after this call. */
  waitForScrape(): Promise<void>;
};

/** Starts a real Prometheus on a free loopback port, with its own config and TSDB in a temporary directory. */
export async function startPrometheus(options: {
  targets: string[];
  scrapeIntervalSeconds?: number;
  /** More targets, each scraped with labels of its own (as service discovery would set them). */
  labelledTargets?: Array<{ target: string; labels: Record<string, string>; relabelConfigs?: RelabelConfig[] }>;
  /** A bearer token `targets` require on /metrics (written to a 0600 file Prometheus reads on every scrape). */
  bearerToken?: string;
}): Promise<RunningPrometheus> {
  const interval = options.scrapeIntervalSeconds ?? 1;
  const port = await freePort();
  const temp = await temporaryDirectory("modelport-prometheus-");
  const configFile = path.join(temp.directory, "prometheus.yml");
  const bearerTokenFile = options.bearerToken ? path.join(temp.directory, "metrics-token") : undefined;
  if (bearerTokenFile) await writeFile(bearerTokenFile, options.bearerToken ?? "", { mode: 0o600 });
  await writeFile(
    configFile,
    renderPrometheusConfig({
      scrapeIntervalSeconds: interval,
      jobs: [
        { name: "modelport", targets: options.targets, bearerTokenFile },
        ...(options.labelledTargets ?? []).map((t, i) => ({
          name: `modelport-labelled-${i}`,
          targets: [t.target],
          labels: t.labels,
          relabelConfigs: t.relabelConfigs,
        })),
      ],
    }),
  );
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(temp.directory, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await temp.remove();
  };
  const url = `http://127.0.0.1:${port}`;
  const client = new PrometheusClient(url);
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus did not become ready in 30 s:\n${output}`);
    }
    await sleep(100);
  }
  const waitForScrape = async () => {
    const since = Date.now() / 1000;
    const scrapeDeadline = Date.now() + 30_000 + interval * 3000;
    const targets = [...options.targets, ...(options.labelledTargets ?? []).map((t) => t.target)];
    while (!(await scrapedSince(client, targets, since))) {
      if (Date.now() > scrapeDeadline)
        throw new Error(`Prometheus did not scrape ${options.targets.join(", ")} successfully:\n${output}`);
      await sleep(200);
    }
  };
  return { url, client, stop, waitForScrape };
}

/** `up` is written with the scrape's start time, and becomes queryable only once that scrape's samples are stored. */
async function scrapedSince(client: PrometheusClient, targets: string[], since: number): Promise<boolean> {
  const [up, stamps] = await Promise.all([client.query("up"), client.query("timestamp(up)")]);
  return targets.every((target) => {
    const healthy = up.some((s) => s.metric.instance === target && s.value === 1);
    const fresh = stamps.some((s) => s.metric.instance === target && s.value > since);
    return healthy && fresh;
  });
}
