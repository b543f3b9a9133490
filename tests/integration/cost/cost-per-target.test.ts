import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { Counter, Gauge, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { parseKubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { endpointObjectName } from "@/server/integrations/kubernetes/object-names";
import { renderDeployment } from "@/server/integrations/kubernetes/render-deployment";
import { kubernetesPodScrapeConfig, renderPrometheusConfig } from "@/server/integrations/prometheus/config";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { dollarsFor } from "@/server/services/cost/cost-math";
import { costOverview } from "@/server/services/cost/cost-overview";
import { costTrend } from "@/server/services/cost/cost-trend";
import { upsertPrice } from "@/server/services/cost/pricing";
import { readTargetInstances, type TargetInstanceReading } from "@/server/services/cost/target-instances";
import { givenUser } from "@/tests/integration/fixtures";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";
import { targetInstancesGauge } from "@/workers/metrics";

const LOCAL = "fraud-production-local";
const SAGEMAKER = "fraud-production-sagemaker";
const KUBERNETES = "fraud-production-kubernetes";
const PRICES = { "local-cpu": 0.0425, "ml.m5.large": 0.115, "k8s-onnx": 0.02125 };
const SAGEMAKER_INSTANCES = 2;
const POD_REPLICAS = 3;
const LOCAL_ROWS = 500;
const POD_ROWS = 120;
const INVOCATIONS = 25;

let prometheus: RunningPrometheus;
let fakeSageMaker: FakeSageMaker;
let cloudwatch: CloudWatchClient;
const servers: Server[] = [];
let window: { start: Date; end: Date };

/** Serves a registry's /metrics on a free loopback port: one scrape target. */
async function serve(registry: Registry): Promise<string> {
  const server = createServer((_request, response) => {
    void registry.metrics().then((text) => response.writeHead(200, { "content-type": registry.contentType }).end(text));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The families the model runtime exports, under their real names: the local runtime and a runtime pod each have one. */
function runtimeSeries(endpoint: string, variant: string, instanceType: string, instances: number) {
  const registry = new Registry();
  const rows = new Counter({
    name: "modelport_runtime_predicted_rows_total",
    help: "Rows predicted",
    labelNames: ["endpoint", "variant"],
    registers: [registry],
  });
  rows.inc({ endpoint, variant }, 0);
  new Gauge({
    name: "modelport_runtime_variant_instances",
    help: "Instances",
    labelNames: ["endpoint", "variant", "instance_type"],
    registers: [registry],
  }).set({ endpoint, variant, instance_type: instanceType }, instances);
  return { registry, predict: (n: number) => rows.inc({ endpoint, variant }, n) };
}

const kubernetesTargetConfig = () =>
  parseKubernetesTargetConfig({
    connection: { kind: "in-cluster" },
    namespace: "ml-serving",
    gateway: { name: "inference" },
    modelVolume: { kind: "pvc", claimName: "model-store" },
    onnx: { image: "registry.example.test/modelport/onnx-runtime:1.4.2" },
    vllm: { image: "registry.example.test/vllm/vllm-openai:v0.11.0" },
  });

const onnxVariantFor = (variantName: string): VariantSpec => ({
  variantName,
  modelName: "fraud",
  version: 3,
  format: "ONNX",
  artifactUri: "fraud/3/model.onnx",
  artifactSha256: "a".repeat(64),
  signature: { inputs: [{ name: "amount", type: "float32" }], outputs: [{ name: "score", type: "float32" }] },
  weight: 100,
});

/** The `__meta_kubernetes_*` labels Kubernetes pod discovery gives a pod with these labels and an `http` port. */
function podDiscoveryLabels(podLabels: Record<string, string>): Record<string, string> {
  const meta = Object.fromEntries(
    Object.entries(podLabels).map(([key, value]) => [
      `__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`,
      value,
    ]),
  );
  return {
    ...meta,
    __meta_kubernetes_namespace: "ml-serving",
    __meta_kubernetes_pod_name: "fraud-production-kubernetes--fraud-v3-7d9f-abcde",
    __meta_kubernetes_pod_container_port_name: "http",
  };
}

async function settleScrapes() {
  await prometheus.waitForScrape();
  await sleep(1500);
  await prometheus.waitForScrape();
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
  const admin = await givenUser("ADMIN", "Per-target team");
  for (const [name, hourlyUsd] of Object.entries(PRICES))
    await upsertPrice(admin.ctx, { name, target: "LOCAL", hourlyUsd, source: "test price" });
  const model = await db().registeredModel.create({
    data: { name: "fraud-per-target", teamId: admin.team.id, taskType: "CLASSIFICATION", createdById: admin.user.id },
  });
  for (const [name, target] of [
    [LOCAL, "LOCAL"],
    [SAGEMAKER, "SAGEMAKER"],
    [KUBERNETES, "KUBERNETES"],
  ] as const)
    await db().endpoint.create({ data: { name, modelId: model.id, environment: "PRODUCTION", target } });

  // SageMaker: an endpoint created through the real SDK in the stand-in, which also answers CloudWatch.
  fakeSageMaker = new FakeSageMaker([], { transitionMs: 20, msPerSecond: 1 });
  const url = await fakeSageMaker.start();
  const sagemakerClient = new SageMakerClient({ region: "eu-west-1", endpoint: url, maxAttempts: 1 });
  cloudwatch = new CloudWatchClient({ region: "eu-west-1", endpoint: url, maxAttempts: 1 });
  await sagemakerClient.send(
    new CreateModelCommand({
      ModelName: "fraud-m1",
      ExecutionRoleArn: "arn:aws:iam::123456789012:role/modelport-sagemaker",
      PrimaryContainer: { Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/onnx:1", ModelDataUrl: "s3://b/m" },
    }),
  );
  await sagemakerClient.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: "fraud-cfg",
      ProductionVariants: [
        {
          VariantName: "primary",
          ModelName: "fraud-m1",
          InstanceType: "ml.m5.large",
          InitialInstanceCount: SAGEMAKER_INSTANCES,
          InitialVariantWeight: 1,
        },
      ],
    }),
  );
  await sagemakerClient.send(new CreateEndpointCommand({ EndpointName: SAGEMAKER, EndpointConfigName: "fraud-cfg" }));
  await sleep(100);
  const sagemakerTarget = new SageMakerTarget(
    {
      region: "eu-west-1",
      executionRoleArn: "arn:aws:iam::123456789012:role/modelport-sagemaker",
      images: { ONNX: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/onnx:1" },
      modelDataS3Prefix: "s3://modelport-test/models/",
      endpointUrl: url,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    },
    { sagemaker: sagemakerClient },
  );

  // The worker's instance gauge, filled from the targets (Kubernetes: the Deployment's ready replicas).
  const { readings } = await readTargetInstances({ db: db() }, (kind) =>
    kind === "SAGEMAKER"
      ? sagemakerTarget
      : {
          readInstances: async () => [{ variantName: "fraud-v3", instanceType: "k8s-onnx", instances: POD_REPLICAS }],
        },
  );
  const workerRegistry = new Registry();
  targetInstancesGauge(workerRegistry, (): TargetInstanceReading[] => readings);

  const local = runtimeSeries(LOCAL, "fraud-v3", "local-cpu", 1);
  // A runtime pod exports the same families (its own instance gauge too, which the target gauge already counts).
  const pod = runtimeSeries(KUBERNETES, "fraud-v3", "k8s-onnx", 1);
  prometheus = await startPrometheus({
    targets: [await serve(local.registry), await serve(workerRegistry)],
    labelledTargets: [
      {
        // What Kubernetes discovery would give the pod (Debian's Prometheus has no Kubernetes discovery), relabelled
        // by the pod scrape config the docs give.
        target: await serve(pod.registry),
        labels: podDiscoveryLabels(
          renderDeployment(KUBERNETES, onnxVariantFor("fraud-v3"), kubernetesTargetConfig()).spec?.template.metadata
            ?.labels ?? {},
        ),
        relabelConfigs: kubernetesPodScrapeConfig({ namespace: "ml-serving" }).relabel_configs,
      },
    ],
    scrapeIntervalSeconds: 1,
  });
  await settleScrapes();
  const start = new Date();
  // The aligned window reads counters' starting values up to one second after `start` (whole-second steps, rounded
  // length), so nothing may be counted in that second or it would fall before the window.
  await sleep(1200);
  local.predict(LOCAL_ROWS);
  pod.predict(POD_ROWS);
  for (let i = 0; i < INVOCATIONS; i++) expect(fakeSageMaker.invoke(SAGEMAKER)).not.toBeNull();
  await settleScrapes();
  window = { start, end: new Date() };
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await fakeSageMaker?.stop();
  for (const server of servers) server.close();
});

describe("cost per target, measured", () => {
  it("counts each endpoint's predictions on its own target and divides each row's cost by its own predictions", async () => {
    const overview = await costOverview(
      { db: db(), prometheus: prometheus.client, cloudwatch },
      { ...window, stepSeconds: 1 },
    );
    const seconds = (overview.window.end.getTime() - overview.window.start.getTime()) / 1000;
    const expected = {
      [LOCAL]: { predictions: LOCAL_ROWS, usd: dollarsFor(seconds, PRICES["local-cpu"]), target: "LOCAL" },
      [SAGEMAKER]: {
        predictions: INVOCATIONS,
        usd: dollarsFor(SAGEMAKER_INSTANCES * seconds, PRICES["ml.m5.large"]),
        target: "SAGEMAKER",
      },
      [KUBERNETES]: {
        predictions: POD_ROWS,
        usd: dollarsFor(POD_REPLICAS * seconds, PRICES["k8s-onnx"]),
        target: "KUBERNETES",
      },
    };
    expect(overview.predictions.map((p) => [p.endpoint, p.source, p.predictions])).toEqual([
      [KUBERNETES, "kubernetes-pods", POD_ROWS],
      [LOCAL, "local-runtime", LOCAL_ROWS],
      [SAGEMAKER, "cloudwatch", INVOCATIONS],
    ]);
    // The pod's own instance gauge is not counted beside the target's ready replicas.
    expect(overview.variants.find((v) => v.endpoint === KUBERNETES)).toMatchObject({
      instancesNow: POD_REPLICAS,
      target: "KUBERNETES",
    });
    for (const [endpoint, want] of Object.entries(expected)) {
      const row = overview.byEndpoint.find((r) => r.key === endpoint)!;
      expect(row).toMatchObject({ target: want.target, predictions: want.predictions, predictionsNotMeasured: [] });
      expect(row.usd).toBeCloseTo(want.usd, 10);
      expect(row.usdPer1kPredictions).toBeCloseTo((want.usd / want.predictions) * 1000, 10);
      const byTarget = overview.byTarget.find((r) => r.key === want.target)!;
      expect(byTarget.predictions).toBe(want.predictions);
      expect(byTarget.usd).toBeCloseTo(want.usd, 10);
    }
    const usd = Object.values(expected).reduce((sum, e) => sum + e.usd, 0);
    const predictions = LOCAL_ROWS + INVOCATIONS + POD_ROWS;
    expect(overview.total).toMatchObject({ predictions, target: null });
    expect(overview.total!.usd).toBeCloseTo(usd, 10);
    expect(overview.total!.usdPer1kPredictions).toBeCloseTo((usd / predictions) * 1000, 10);
    expect(fakeSageMaker.operations()).toContain("CloudWatch.GetMetricData");

    // The $/1k trend leaves SageMaker (counted by CloudWatch) out rather than dividing its cost by others' predictions.
    const trend = await costTrend({ db: db(), prometheus: prometheus.client }, { ...window, stepSeconds: 1 });
    expect(trend.per1kExcludes).toEqual([SAGEMAKER]);
  });

  it("says 'not measured' where CloudWatch does not answer, and keeps the other targets' numbers", async () => {
    fakeSageMaker.setCloudWatchDown(true);
    const overview = await costOverview(
      { db: db(), prometheus: prometheus.client, cloudwatch },
      { ...window, stepSeconds: 1 },
    );
    fakeSageMaker.setCloudWatchDown(false);
    const sagemaker = overview.predictions.find((p) => p.endpoint === SAGEMAKER)!;
    expect(sagemaker.predictions).toBeNull();
    expect(sagemaker.notMeasuredReason).toMatch(/CloudWatch did not answer/);
    expect(overview.byEndpoint.find((r) => r.key === SAGEMAKER)).toMatchObject({
      predictions: null,
      usdPer1kPredictions: null,
      predictionsNotMeasured: [SAGEMAKER],
    });
    expect(overview.total).toMatchObject({ predictions: null, usdPer1kPredictions: null });
    expect(overview.byEndpoint.find((r) => r.key === LOCAL)?.predictions).toBe(LOCAL_ROWS);
    expect(overview.byTarget.find((r) => r.key === "KUBERNETES")?.predictions).toBe(POD_ROWS);

    // Without any CloudWatch client (no SageMaker target configured) the count is not measured either.
    const unconfigured = await costOverview({ db: db(), prometheus: prometheus.client }, { ...window, stepSeconds: 1 });
    expect(unconfigured.predictions.find((p) => p.endpoint === SAGEMAKER)?.notMeasuredReason).toMatch(
      /No SageMaker target is configured/,
    );
  });
});

describe("the Kubernetes runtime pods' scrape config", () => {
  it("has relabel rules promtool accepts, which keep only Modelport's ONNX runtime pods", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "modelport-pod-scrape-"));
    const file = path.join(directory, "prometheus.yml");
    const { relabel_configs: relabelConfigs } = kubernetesPodScrapeConfig({ namespace: "ml-serving" });
    const jobs = [{ name: "pods", targets: ["127.0.0.1:9"], relabelConfigs }];
    await writeFile(file, renderPrometheusConfig({ scrapeIntervalSeconds: 15, jobs }));
    expect(execFileSync("promtool", ["check", "config", file], { encoding: "utf8" })).toContain("SUCCESS");
    await rm(directory, { recursive: true, force: true });
    // The pod scraped above carried exactly these labels after relabelling.
    const up = await prometheus.client.query(`up{modelport_endpoint!=""}`);
    expect(up.map((s) => s.metric)).toEqual([
      expect.objectContaining({
        modelport_endpoint: endpointObjectName(KUBERNETES),
        modelport_variant: "fraud-v3",
        namespace: "ml-serving",
        pod: "fraud-production-kubernetes--fraud-v3-7d9f-abcde",
      }),
    ]);
  });
});
