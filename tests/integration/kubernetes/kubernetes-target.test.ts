import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { KubernetesTarget } from "@/server/integrations/kubernetes/kubernetes-target";
import { variantObjectName } from "@/server/integrations/kubernetes/object-names";
import { renderDeployment } from "@/server/integrations/kubernetes/render-deployment";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import { config, onnxVariant, vllmVariant } from "@/tests/unit/kubernetes/samples";
import { FakeKubernetesApi } from "@/tests/integration/kubernetes/fake-api-server";

const NS = "ml-serving";
const TOKEN = "k8s-test-token";
const SELECTOR = "app.kubernetes.io/managed-by=modelport,modelport.dev/endpoint=fraud";

/** The objects of variant `variant` on the endpoint "fraud". */
const fraud = (variant: string) => variantObjectName("fraud", variant);

const paths = {
  deployment: (name: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${name}`,
  service: (name: string) => `/api/v1/namespaces/${NS}/services/${name}`,
  autoscaler: (name: string) => `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers/${name}`,
  route: (name: string) => `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes/${name}`,
};

const canary: EndpointSpec = {
  endpointName: "fraud",
  variants: [
    onnxVariant({ variantName: "fraud-v6", version: 6, weight: 90 }),
    onnxVariant({ variantName: "fraud-v7", weight: 10 }),
  ],
};
const onlyV7: EndpointSpec = {
  endpointName: "fraud",
  variants: [onnxVariant({ variantName: "fraud-v7", weight: 100 })],
};

let api: FakeKubernetesApi;
let targetConfig: KubernetesTargetConfig;
let target: KubernetesTarget;

beforeEach(async () => {
  api = new FakeKubernetesApi(TOKEN);
  const server = await api.start();
  targetConfig = config({
    connection: { kind: "token", server, token: TOKEN, skipTlsVerify: true },
    onnx: {
      image: "registry.example.test/modelport/onnx-runtime:1.4.2",
      autoscaling: { maxReplicas: 4, targetCpuUtilizationPercent: 70 },
    },
  });
  target = new KubernetesTarget(targetConfig);
});

afterEach(async () => {
  await api.stop();
});

const writeLines = () => api.writes().map((request) => `${request.method} ${request.path}`);
const resourceVersions = () =>
  ["Deployment", "Service", "HorizontalPodAutoscaler", "HTTPRoute"].flatMap((kind) =>
    api
      .objects(kind)
      .map(
        (object) => `${kind}/${object.metadata.name}@${object.metadata.resourceVersion}/${object.metadata.generation}`,
      ),
  );

function markReady(...variants: string[]) {
  for (const variant of variants) api.setDeploymentStatus(NS, fraud(variant), "ready");
}

describe("Kubernetes target against a Kubernetes API server", () => {
  it("server-side applies every object of the endpoint with the modelport field manager", async () => {
    const state = await target.apply(canary);

    expect(writeLines()).toEqual([
      `PATCH ${paths.deployment(fraud("fraud-v6"))}`,
      `PATCH ${paths.service(fraud("fraud-v6"))}`,
      `PATCH ${paths.autoscaler(fraud("fraud-v6"))}`,
      `PATCH ${paths.deployment(fraud("fraud-v7"))}`,
      `PATCH ${paths.service(fraud("fraud-v7"))}`,
      `PATCH ${paths.autoscaler(fraud("fraud-v7"))}`,
      `PATCH ${paths.route("fraud")}`,
    ]);
    for (const request of api.writes()) {
      expect(request.contentType).toBe("application/apply-patch+yaml");
      expect(request.query).toEqual({ fieldManager: "modelport", force: "true" });
      expect(request.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(
      api.requests.filter((request) => request.query.labelSelector).map((request) => request.query.labelSelector),
    ).toEqual(expect.arrayContaining([SELECTOR]));
    expect(state).toEqual({
      endpointName: "fraud",
      status: "creating",
      variants: [
        { variantName: "fraud-v6", weight: 90, ready: false, replicas: 0 },
        { variantName: "fraud-v7", weight: 10, ready: false, replicas: 0 },
      ],
    });
  });

  it("sends the rendered manifests unchanged through the client library", async () => {
    await target.apply({ endpointName: "support-chat", variants: [vllmVariant()] });
    const name = variantObjectName("support-chat", "support-llm-v3");
    const sent = api.writes().find((request) => request.path === paths.deployment(name))?.body;
    expect(sent).toEqual(renderDeployment("support-chat", vllmVariant(), targetConfig));
    const stored = api.object("Deployment", NS, name);
    const container = (
      stored?.spec?.template as {
        spec: { containers: Array<{ args: string[]; resources: { limits: Record<string, string> } }> };
      }
    ).spec.containers[0];
    expect(container?.resources.limits["nvidia.com/gpu"]).toBe("2");
    expect(container?.args).not.toContain("--trust-remote-code");
  });

  it("changes nothing when the same spec is applied again", async () => {
    await target.apply(canary);
    const before = resourceVersions();
    api.clearRequests();

    await target.apply(canary);

    expect(resourceVersions()).toEqual(before);
    expect(api.writes().every((request) => request.method === "PATCH")).toBe(true);
    expect(api.writes()).toHaveLength(7);
  });

  it("deletes the objects of a variant that left the spec, and only those", async () => {
    await target.apply(canary);
    api.seed({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "fraud-v6-debug", namespace: NS },
      spec: {},
    });
    api.seed({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "churn-v1",
        namespace: NS,
        labels: { "app.kubernetes.io/managed-by": "modelport", "modelport.dev/endpoint": "churn" },
      },
      spec: {},
    });
    api.clearRequests();

    await target.apply(onlyV7);

    const deletes = api.writes().filter((request) => request.method === "DELETE");
    expect(deletes.map((request) => request.path).sort()).toEqual(
      [
        paths.autoscaler(fraud("fraud-v6")),
        paths.deployment(fraud("fraud-v6")),
        paths.service(fraud("fraud-v6")),
      ].sort(),
    );
    for (const request of deletes) expect(request.query).toEqual({ propagationPolicy: "Background" });
    expect(
      api
        .objects("Deployment")
        .map((object) => object.metadata.name)
        .sort(),
    ).toEqual(["churn-v1", "fraud--fraud-v7", "fraud-v6-debug"]);
    expect(api.objects("Service").map((object) => object.metadata.name)).toEqual([fraud("fraud-v7")]);
    const route = api.object("HTTPRoute", NS, "fraud");
    expect(JSON.stringify(route?.spec)).not.toContain("fraud-v6");
  });

  it("changes traffic weights through the HTTPRoute only", async () => {
    await target.apply(canary);
    markReady("fraud-v6", "fraud-v7");
    const workloadsBefore = resourceVersions().filter((line) => !line.startsWith("HTTPRoute"));
    api.clearRequests();

    const state = await target.setWeights("fraud", { "fraud-v6": 50, "fraud-v7": 50 });

    expect(writeLines()).toEqual([`PATCH ${paths.route("fraud")}`]);
    expect(api.writes()[0]?.contentType).toBe("application/apply-patch+yaml");
    expect(resourceVersions().filter((line) => !line.startsWith("HTTPRoute"))).toEqual(workloadsBefore);
    expect(state).toMatchObject({
      status: "healthy",
      variants: [
        { variantName: "fraud-v6", weight: 50, ready: true, replicas: 1 },
        { variantName: "fraud-v7", weight: 50, ready: true, replicas: 1 },
      ],
    });
  });

  it("refuses weights for unknown variants, weights that do not add up, and an absent endpoint, writing nothing", async () => {
    await target.apply(canary);
    api.clearRequests();

    await expect(target.setWeights("fraud", { "fraud-v8": 100 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/no variant "fraud-v8"/),
    });
    await expect(target.setWeights("fraud", { "fraud-v7": 20 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/got 110/),
    });
    await expect(target.setWeights("churn", { "churn-v1": 100 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(api.writes()).toEqual([]);
  });

  it("refuses a bad spec before sending anything", async () => {
    await expect(
      target.apply({ endpointName: "fraud", variants: [onnxVariant({ weight: 60 })] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(api.requests).toEqual([]);
  });

  it("reports creating, then updating while some variants serve, then healthy once every Deployment rolled out", async () => {
    await target.apply(canary);
    api.setDeploymentStatus(NS, fraud("fraud-v7"), "progressing");
    expect((await target.describe("fraud")).status).toBe("creating");
    markReady("fraud-v6");
    expect((await target.describe("fraud")).status).toBe("updating");
    markReady("fraud-v7");
    expect(await target.describe("fraud")).toMatchObject({
      status: "healthy",
      variants: [
        { weight: 90, ready: true },
        { weight: 10, ready: true },
      ],
    });
  });

  it("maps an exceeded progress deadline to failed with the controller's message", async () => {
    await target.apply(canary);
    markReady("fraud-v6");
    api.setDeploymentStatus(NS, fraud("fraud-v7"), "deadline-exceeded");

    const state = await target.describe("fraud");

    expect(state.status).toBe("failed");
    expect(state.message).toBe('Variant fraud-v7: ReplicaSet "fraud--fraud-v7-7d4b9" has timed out progressing.');
  });

  it("describes an endpoint it never created as absent", async () => {
    expect(await target.describe("nothing-here")).toEqual({
      endpointName: "nothing-here",
      status: "absent",
      variants: [],
    });
  });

  it("reports the API server's refusal with the call that failed", async () => {
    api.failNext({
      method: "PATCH",
      pathIncludes: "/deployments/fraud--fraud-v6",
      status: 403,
      reason: "Forbidden",
      message:
        'deployments.apps "fraud--fraud-v6" is forbidden: User "system:serviceaccount:modelport:deployer" cannot patch resource',
    });

    await expect(target.apply(canary)).rejects.toThrow(
      'Kubernetes apply Deployment fraud--fraud-v6 failed (HTTP 403): deployments.apps "fraud--fraud-v6" is forbidden',
    );
    expect(api.objects("HTTPRoute")).toEqual([]);
  });

  it("rejects requests without the configured token", async () => {
    const wrong = config({
      connection: {
        kind: "token",
        server: targetConfig.connection.kind === "token" ? targetConfig.connection.server : "",
        token: "wrong",
        skipTlsVerify: true,
      },
    });
    await expect(new KubernetesTarget(wrong).describe("fraud")).rejects.toThrow(/HTTP 401/);
  });
});

describe("waiting for an endpoint to settle", () => {
  it("polls until the Deployments become ready", async () => {
    await target.apply(onlyV7);
    setTimeout(() => markReady("fraud-v7"), 150);

    const state = await target.waitUntilSettled("fraud", { timeoutMs: 5000, pollMs: 20 });

    expect(state.status).toBe("healthy");
    expect(
      api.requests.filter((request) => request.path === paths.route("fraud") && request.method === "GET").length,
    ).toBeGreaterThan(1);
  });

  it("returns at once when the rollout has failed", async () => {
    await target.apply(onlyV7);
    api.setDeploymentStatus(NS, fraud("fraud-v7"), "deadline-exceeded");
    const started = Date.now();

    expect((await target.waitUntilSettled("fraud", { timeoutMs: 5000, pollMs: 1000 })).status).toBe("failed");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("answers with the last state when the timeout passes", async () => {
    await target.apply(onlyV7);
    api.setDeploymentStatus(NS, fraud("fraud-v7"), "progressing");
    const started = Date.now();

    const state = await target.waitUntilSettled("fraud", { timeoutMs: 300, pollMs: 50 });

    const elapsed = Date.now() - started;
    expect(state.status).toBe("creating");
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1500);
  });

  it("stops when aborted", async () => {
    await target.apply(onlyV7);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();

    await expect(
      target.waitUntilSettled("fraud", { timeoutMs: 10_000, pollMs: 5000, signal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("deleting an endpoint", () => {
  it("removes everything labelled for the endpoint and nothing else", async () => {
    await target.apply(canary);
    await target.apply({
      ...onlyV7,
      endpointName: "churn",
      variants: [onnxVariant({ variantName: "churn-v1", weight: 100 })],
    });
    api.clearRequests();

    await target.delete("fraud");

    expect(writeLines().sort()).toEqual(
      [
        `DELETE ${paths.route("fraud")}`,
        `DELETE ${paths.autoscaler(fraud("fraud-v6"))}`,
        `DELETE ${paths.autoscaler(fraud("fraud-v7"))}`,
        `DELETE ${paths.service(fraud("fraud-v6"))}`,
        `DELETE ${paths.service(fraud("fraud-v7"))}`,
        `DELETE ${paths.deployment(fraud("fraud-v6"))}`,
        `DELETE ${paths.deployment(fraud("fraud-v7"))}`,
      ].sort(),
    );
    expect(api.writes()[0]?.path).toBe(paths.route("fraud"));
    expect(resourceVersions().every((line) => line.includes("churn"))).toBe(true);
    expect(await target.describe("fraud")).toMatchObject({ status: "absent" });
  });

  it("treats deleting an absent endpoint as done", async () => {
    await expect(target.delete("fraud")).resolves.toBeUndefined();
    expect(api.writes()).toEqual([]);
  });
});

describe("instances for cost", () => {
  it("reads each variant's ready replicas and instance type for cost", async () => {
    expect(await target.readInstances("fraud")).toEqual([]);
    await target.apply(canary);
    const byVariant = async () =>
      (await target.readInstances("fraud")).sort((a, b) => a.variantName.localeCompare(b.variantName));
    expect(await byVariant()).toEqual([
      { variantName: "fraud-v6", instanceType: "k8s-onnx", instances: 0 },
      { variantName: "fraud-v7", instanceType: "k8s-onnx", instances: 0 },
    ]);
    markReady("fraud-v7");
    expect(await byVariant()).toEqual([
      { variantName: "fraud-v6", instanceType: "k8s-onnx", instances: 0 },
      { variantName: "fraud-v7", instanceType: "k8s-onnx", instances: 1 },
    ]);
  });
});
