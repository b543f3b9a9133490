import { randomBytes } from "node:crypto";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { closeQueues } from "@/server/jobs/define-job";
import { endpointObjectName, kubernetesName } from "@/server/integrations/kubernetes/object-names";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import { instanceSecondsQuery } from "@/server/services/cost/cost-queries";
import { costWindow } from "@/server/services/cost/cost-overview";
import { upsertPrice } from "@/server/services/cost/pricing";
import type { TargetInstanceReading } from "@/server/services/cost/target-instances";
import { llmEndpointMetrics } from "@/server/services/endpoints/llm-metrics";
import { createRun } from "@/server/services/experiments/runs";
import { createModel } from "@/server/services/registry/create-model";
import { registerVersion } from "@/server/services/registry/register-version";
import { targetInstancesGauge } from "@/workers/metrics";
import { givenUser } from "@/tests/integration/fixtures";
import { LoopbackServer } from "@/tests/integration/support/loopback-server";
import { vllmArchive } from "@/tests/integration/support/model-artifacts";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";
import {
  bucketQuantile,
  VLLM_0_11,
  VLLM_0_9,
  VLLM_BUCKETS,
  VllmExporter,
} from "@/tests/integration/support/vllm-exporter";

/*
 * An LLM endpoint on Kubernetes in the middle of a canary between two vLLM releases: the stable variant runs two pods
 * of vLLM 0.11 (kv_cache_usage_perc, inter_token_latency_seconds), the canary one pod of vLLM 0.9, which still exports
 * the old names (gpu_cache_usage_perc, time_per_output_token_seconds). Each pod is a stand-in emitting vLLM's
 * exposition format, scraped by a real Prometheus with the labels the portal's pod scrape sets; the worker's real
 * instance gauge says what the pods run on. The portal's numbers are checked against the observations themselves.
 */

const SUFFIX = randomBytes(3).toString("hex");
const ENDPOINT = `support-chat-${SUFFIX}-production-kubernetes`;
const STABLE = `support-chat-${SUFFIX}-v1`;
const CANARY = `support-chat-${SUFFIX}-v2`;
const INSTANCE_TYPE = `gpu-l4-${SUFFIX}`;
const HOURLY_USD = 0.8;

const pods = {
  stableA: new VllmExporter(VLLM_0_11, ENDPOINT),
  stableB: new VllmExporter(VLLM_0_11, ENDPOINT),
  canary: new VllmExporter(VLLM_0_9, ENDPOINT),
};
const instances: TargetInstanceReading[] = [
  { endpoint: ENDPOINT, variant: STABLE, instanceType: INSTANCE_TYPE, target: "kubernetes", instances: 2 },
  { endpoint: ENDPOINT, variant: CANARY, instanceType: INSTANCE_TYPE, target: "kubernetes", instances: 1 },
];
const workerRegistry = new Registry();
targetInstancesGauge(workerRegistry, () => instances);
const worker = new LoopbackServer((_request, response) => {
  void workerRegistry.metrics().then((text) => {
    response.writeHead(200, { "content-type": workerRegistry.contentType });
    response.end(text);
  });
});

let prometheus: RunningPrometheus;
let endpointId: string;
let otherEndpointId: string;
let windowStart: Date;

/** Deterministic traffic: `n` requests whose timings cycle through the given values. */
function traffic(
  pod: VllmExporter,
  n: number,
  values: { ttft: number[]; itl: number[]; e2e: number[]; queue: number[] },
) {
  for (let i = 0; i < n; i++) {
    const pick = (list: number[]) => list[i % list.length]!;
    pod.request({
      ttft: pick(values.ttft),
      interTokens: Array.from({ length: 9 }, (_, j) => values.itl[(i + j) % values.itl.length]!),
      e2e: pick(values.e2e),
      queue: pick(values.queue),
      prompt: 100 + (i % 7),
    });
  }
}

async function givenLlmEndpoint() {
  const { ctx, team } = await givenUser("DATA_SCIENTIST");
  const modelName = `support-chat-${SUFFIX}`;
  const model = await createModel(ctx, { name: modelName, team: team.name, taskType: "LLM" });
  const versionIds: string[] = [];
  for (const path of ["v1.tar.gz", "v2.tar.gz"]) {
    const run = await createRun(ctx, { experimentName: `${modelName}-tuning` });
    await uploadArtifact(ctx, { runId: run.id, path, body: new Blob([new Uint8Array(vllmArchive())]).stream() });
    const version = await registerVersion(ctx, modelName, { runId: run.id, artifactPath: path, format: "VLLM" });
    versionIds.push(version.id);
  }
  const endpoint = await db().endpoint.create({
    data: {
      name: ENDPOINT,
      modelId: model.id,
      environment: "PRODUCTION",
      target: "KUBERNETES",
      variants: {
        create: [
          { versionId: versionIds[0]!, variantName: STABLE, weight: 90, instanceType: INSTANCE_TYPE, instanceCount: 2 },
          { versionId: versionIds[1]!, variantName: CANARY, weight: 10, instanceType: INSTANCE_TYPE, instanceCount: 1 },
        ],
      },
    },
  });
  // The same model on the local runtime: not where vLLM's series are read.
  const local = await db().endpoint.create({
    data: { name: `${modelName}-staging-local`, modelId: model.id, environment: "STAGING", target: "LOCAL" },
  });
  const admin = await givenUser("ADMIN");
  await upsertPrice(admin.ctx, { name: INSTANCE_TYPE, target: "KUBERNETES", hourlyUsd: HOURLY_USD, gpus: 1 });
  return { endpointId: endpoint.id, otherEndpointId: local.id };
}

beforeAll(async () => {
  ({ endpointId, otherEndpointId } = await givenLlmEndpoint());
  windowStart = new Date(Date.now() - 5_000);
  const podLabels = (variant: string) => ({
    namespace: "ml-serving",
    modelport_endpoint: endpointObjectName(ENDPOINT),
    modelport_variant: kubernetesName(variant),
  });
  const [stableA, stableB, canary, workerTarget] = await Promise.all([
    pods.stableA.start(),
    pods.stableB.start(),
    pods.canary.start(),
    worker.start(),
  ]);
  prometheus = await startPrometheus({
    targets: [workerTarget!],
    scrapeIntervalSeconds: 1,
    labelledTargets: [
      { target: stableA!, labels: podLabels(STABLE) },
      { target: stableB!, labels: podLabels(STABLE) },
      { target: canary!, labels: podLabels(CANARY) },
    ],
  });
  // A first scrape of every series at zero, as a freshly started vLLM exports them; rates start from it.
  await prometheus.waitForScrape();
  traffic(pods.stableA, 60, { ttft: [0.03, 0.05, 0.07], itl: [0.02, 0.04], e2e: [0.9, 1.2], queue: [0.0, 0.1] });
  traffic(pods.stableB, 40, { ttft: [0.03, 0.3], itl: [0.02, 0.04, 0.6], e2e: [1.2, 3.0], queue: [0.2, 0.4] });
  traffic(pods.canary, 20, { ttft: [0.09, 0.2, 1.5], itl: [0.08, 0.12], e2e: [2.2, 4.0], queue: [0.6, 1.1] });
  Object.assign(pods.stableA.gauges, { running: 5, waiting: 3, kvCache: 0.25 });
  Object.assign(pods.stableB.gauges, { running: 4, waiting: 4, kvCache: 0.75 });
  Object.assign(pods.canary.gauges, { running: 2, waiting: 0, kvCache: 0.4 });
  await prometheus.waitForScrape();
  await prometheus.waitForScrape();
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all([...Object.values(pods).map((pod) => pod.stop()), worker.stop()]);
  await closeQueues();
});

const observations = (list: VllmExporter[], name: keyof VllmExporter["histograms"]) =>
  list.flatMap((pod) => pod.histograms[name].observations);

describe("LLM endpoint metrics from vLLM's own series through a real Prometheus", () => {
  it("reads every vLLM series under the names each release exports", async () => {
    const exposition = pods.canary.render();
    expect(exposition).toContain('vllm:gpu_cache_usage_perc{engine="0",model_name="');
    expect(exposition).toContain("# TYPE vllm:prompt_tokens_total counter");
    expect(exposition).toMatch(
      /vllm:time_per_output_token_seconds_bucket\{engine="0",le="\+Inf",model_name="[^"]+"\} 180\.0/,
    );
    const stored = await prometheus.client.query('count by (__name__) ({__name__=~"vllm:.*"})');
    expect(stored.map((s) => s.metric.__name__).sort()).toEqual(
      expect.arrayContaining([
        "vllm:gpu_cache_usage_perc",
        "vllm:kv_cache_usage_perc",
        "vllm:inter_token_latency_seconds_bucket",
        "vllm:time_per_output_token_seconds_bucket",
        "vllm:time_to_first_token_seconds_count",
      ]),
    );
  });

  it("gives TTFT / inter-token / e2e / queue p95, queue, KV cache and tokens per variant, as Prometheus computes them", async () => {
    const metrics = await llmEndpointMetrics(
      { db: db(), prometheus: prometheus.client },
      { endpointId, window: { start: windowStart, end: new Date(), stepSeconds: 1 } },
    );
    expect(metrics).toMatchObject({ llm: true, unsupported: null, measured: true });
    expect(metrics.variants.map((v) => v.variant)).toEqual([STABLE, CANARY]);
    const [stable, canary] = metrics.variants;
    const stablePods = [pods.stableA, pods.stableB];
    const close = (value: number | null | undefined, expected: number) => expect(value).toBeCloseTo(expected, 9);

    // Two pods of the stable variant are one distribution; the canary's inter-token latency is read under its old name.
    close(stable?.ttftP95, bucketQuantile(0.95, VLLM_BUCKETS.ttft, observations(stablePods, "ttft")));
    close(stable?.interTokenP95, bucketQuantile(0.95, VLLM_BUCKETS.interToken, observations(stablePods, "interToken")));
    close(stable?.e2eP95, bucketQuantile(0.95, VLLM_BUCKETS.requestLatency, observations(stablePods, "e2e")));
    close(stable?.queueP95, bucketQuantile(0.95, VLLM_BUCKETS.requestLatency, observations(stablePods, "queue")));
    close(canary?.ttftP95, bucketQuantile(0.95, VLLM_BUCKETS.ttft, observations([pods.canary], "ttft")));
    close(
      canary?.interTokenP95,
      bucketQuantile(0.95, VLLM_BUCKETS.interToken, observations([pods.canary], "interToken")),
    );
    // By hand for one of them: 20 canary requests, TTFT cycling 0.09 / 0.2 / 1.5 s: 7 + 7 under 0.25 s, 6 at 1.5 s.
    // The 19th (95 %) falls in (1.0, 2.5] holding 6 above 14: 1.0 + 1.5 × (19 − 14) / 6 = 2.25 s.
    close(canary?.ttftP95, 2.25);
    // Mean queue time: the sum of waits over their count.
    const queued = observations(stablePods, "queue");
    close(stable?.queueMean, queued.reduce((a, b) => a + b, 0) / queued.length);

    expect(stable).toMatchObject({ requests: 100, waiting: 7, running: 9, kvCacheUsage: 0.5 });
    expect(canary).toMatchObject({ requests: 20, waiting: 0, running: 2, kvCacheUsage: 0.4 });
    const prompt = (list: VllmExporter[]) => list.reduce((sum, pod) => sum + pod.counters.prompt, 0);
    const generated = (list: VllmExporter[]) => list.reduce((sum, pod) => sum + pod.counters.generation, 0);
    expect(stable?.promptTokens).toBe(prompt(stablePods));
    expect(stable?.generationTokens).toBe(generated(stablePods));
    expect(stable?.generationTokens).toBe(100 * 10);
    expect(canary?.promptTokens).toBe(prompt([pods.canary]));
  });

  it("prices the endpoint in dollars per million tokens from its instance cost over the same window", async () => {
    const window = { start: windowStart, end: new Date(), stepSeconds: 1 };
    const metrics = await llmEndpointMetrics({ db: db(), prometheus: prometheus.client }, { endpointId, window });
    const all = Object.values(pods);
    const tokens = all.reduce((sum, pod) => sum + pod.counters.prompt + pod.counters.generation, 0);
    // The instance-seconds the cost dashboard counts for this endpoint, read directly from Prometheus.
    const aligned = costWindow(window);
    const seconds = await prometheus.client.query(
      instanceSecondsQuery(aligned.rangeSeconds, aligned.stepSeconds),
      aligned.evaluationTime,
    );
    const instanceSeconds = seconds.filter((s) => s.metric.endpoint === ENDPOINT).reduce((sum, s) => sum + s.value, 0);
    expect(instanceSeconds).toBeGreaterThan(0);
    const usd = (instanceSeconds * HOURLY_USD) / 3600;

    expect(metrics.cost.tokens).toBe(tokens);
    expect(metrics.cost.usd).toBeCloseTo(usd, 9);
    expect(metrics.cost.usdPerHourNow).toBeCloseTo(3 * HOURLY_USD, 9);
    expect(metrics.cost.usdPer1MTokens).toBeCloseTo((usd / tokens) * 1_000_000, 6);
    expect(metrics.cost.unpricedInstanceTypes).toEqual([]);
    expect(metrics.promql.map((q) => q.label)).toEqual(expect.arrayContaining(["ttftP95", "kvCacheUsage"]));
  });

  it("says nothing was measured rather than inventing numbers", async () => {
    // A window before any pod was scraped: no series, no tokens, no $ per 1M tokens.
    const before = new Date(windowStart.getTime() - 3_600_000);
    const empty = await llmEndpointMetrics(
      { db: db(), prometheus: prometheus.client },
      { endpointId, window: { start: new Date(before.getTime() - 600_000), end: before, stepSeconds: 15 } },
    );
    expect(empty).toMatchObject({ llm: true, measured: false, variants: [] });
    expect(empty.cost).toEqual({
      usd: null,
      usdPerHourNow: null,
      tokens: null,
      usdPer1MTokens: null,
      unpricedInstanceTypes: [],
    });
    const local = await llmEndpointMetrics(
      { db: db(), prometheus: prometheus.client },
      { endpointId: otherEndpointId },
    );
    expect(local.unsupported).toMatch(/not on Kubernetes/);
    expect(local.variants).toEqual([]);
  });

  it("answers through tRPC for a viewer", async () => {
    const { user } = await givenUser("VIEWER");
    const caller = await trpcCallerFor(user.id, { ...systemContextFromEnv(), prometheus: prometheus.client });
    const answer = await caller.endpoints.llmMetrics({ endpointId, window: { range: "1h" } });
    expect(answer.variants.map((v) => v.variant)).toEqual([STABLE, CANARY]);
    await expect(caller.endpoints.llmMetrics({ endpointId: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
