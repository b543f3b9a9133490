import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeKubernetesApi } from "@/tests/integration/kubernetes/fake-api-server";

/*
 * The rules the stand-in API server enforces, checked over plain HTTP so the Kubernetes target's own tests can rely
 * on them: names and labels, the immutable Deployment selector, server-side apply's field ownership, and the Gateway
 * controller's HTTPRoute status.
 */

const NS = "ml-serving";
const TOKEN = "fake-api-token";

let api: FakeKubernetesApi;
let server: string;

beforeEach(async () => {
  api = new FakeKubernetesApi(TOKEN);
  server = await api.start();
});

afterEach(async () => {
  await api.stop();
});

type Body = { message?: string; reason?: string; spec?: Record<string, unknown>; status?: Record<string, unknown> };

async function apply(object: Record<string, unknown>, { manager = "modelport", force = false } = {}) {
  const { kind, metadata } = object as { kind: string; metadata: { name: string } };
  const path = {
    Deployment: `/apis/apps/v1/namespaces/${NS}/deployments`,
    Service: `/api/v1/namespaces/${NS}/services`,
    HTTPRoute: `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes`,
  }[kind];
  const query = new URLSearchParams({ fieldManager: manager, ...(force ? { force: "true" } : {}) });
  const response = await fetch(`${server}${path}/${metadata.name}?${query}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/apply-patch+yaml" },
    body: JSON.stringify(object),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

function deployment(name: string, selector: Record<string, string>, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS, labels: selector },
    spec: {
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: { containers: [{ name: "server", image: "r.example.test/s:1" }] },
      },
      ...spec,
    },
  };
}

function service(name: string) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NS },
    spec: { selector: { app: name }, ports: [{ port: 80 }] },
  };
}

function route(name: string, backends: string[]) {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace: NS },
    spec: {
      parentRefs: [{ name: "inference", namespace: "gateways" }],
      rules: [{ backendRefs: backends.map((backend) => ({ name: backend, port: 80 })) }],
    },
  };
}

const conditionsOf = (name: string) =>
  (api.object("HTTPRoute", NS, name)?.status?.parents as Array<{ conditions: Array<Record<string, unknown>> }>)?.[0]
    ?.conditions;

describe("the fake API server's validation", () => {
  it.each([
    ["upper case", "Deployment", "Fraud-v7"],
    ["an underscore", "Deployment", "fraud_v7"],
    ["64 characters", "Deployment", "a".repeat(64)],
    ["a trailing dash", "Deployment", "fraud-"],
    ["a Service name starting with a digit", "Service", "7-fraud"],
  ])("refuses a name with %s (422 Invalid)", async (_case, kind, name) => {
    const object = kind === "Service" ? service(name) : deployment(name, { app: "x" });
    const { status, body } = await apply(object);
    expect(status).toBe(422);
    expect(body.reason).toBe("Invalid");
    expect(body.message).toContain(`"${name}" is invalid: metadata.name: Invalid value`);
    expect(api.objects(kind)).toEqual([]);
  });

  it("refuses label values over 63 characters and selectors that miss the template", async () => {
    const long = await apply(deployment("fraud", { app: "x".repeat(64) }));
    expect(long.status).toBe(422);
    expect(long.body.message).toContain("metadata.labels: Invalid value");
    const mismatched = deployment("fraud", { app: "fraud" });
    mismatched.spec.template.metadata.labels = { app: "other" };
    const refused = await apply(mismatched);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain("`selector` does not match template `labels`");
  });

  it("refuses to change a Deployment's selector, which is how two endpoints sharing a name would collide", async () => {
    const staging = { "modelport.dev/endpoint": "fraud-staging", "modelport.dev/variant": "fraud-v7" };
    const production = { "modelport.dev/endpoint": "fraud-production", "modelport.dev/variant": "fraud-v7" };
    expect((await apply(deployment("fraud-v7", staging))).status).toBe(201);

    const { status, body } = await apply(deployment("fraud-v7", production), { force: true });

    expect(status).toBe(422);
    expect(body.message).toMatch(
      /Deployment\.apps "fraud-v7" is invalid: .*spec\.selector: Invalid value: .*field is immutable/,
    );
    expect(api.object("Deployment", NS, "fraud-v7")?.metadata.labels).toEqual(staging);
  });
});

describe("the fake API server's server-side apply", () => {
  const selector = { app: "fraud" };

  it("refuses another manager's different value for an owned field (409) unless it forces", async () => {
    await apply(deployment("fraud", selector, { replicas: 2 }));

    const conflict = await apply(deployment("fraud", selector, { replicas: 5 }), { manager: "kubectl" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.reason).toBe("Conflict");
    expect(conflict.body.message).toContain('conflict with "modelport" using apps/v1: .spec.replicas');
    expect(api.object("Deployment", NS, "fraud")?.spec?.replicas).toBe(2);

    const forced = await apply(deployment("fraud", selector, { replicas: 5 }), { manager: "kubectl", force: true });
    expect(forced.status).toBe(200);
    expect(api.object("Deployment", NS, "fraud")?.spec?.replicas).toBe(5);
    expect(api.fieldOwners("Deployment", NS, "fraud").kubectl).toContainEqual(["spec", "replicas"]);
    expect(api.fieldOwners("Deployment", NS, "fraud").modelport).not.toContainEqual(["spec", "replicas"]);
  });

  it("lets managers share a field when they apply the same value", async () => {
    await apply(deployment("fraud", selector, { replicas: 2 }));
    expect((await apply(deployment("fraud", selector, { replicas: 2 }), { manager: "kubectl" })).status).toBe(200);
    expect(api.fieldOwners("Deployment", NS, "fraud").kubectl).toContainEqual(["spec", "replicas"]);
    expect(api.fieldOwners("Deployment", NS, "fraud").modelport).toContainEqual(["spec", "replicas"]);
  });

  it("removes fields a manager stops applying, unless another manager owns them, and never bumps the generation for nothing", async () => {
    await apply(deployment("fraud", selector, { replicas: 2, minReadySeconds: 5 }));
    await apply(
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "fraud", namespace: NS },
        spec: { minReadySeconds: 5 },
      },
      { manager: "kubectl" },
    );
    const before = api.object("Deployment", NS, "fraud")?.metadata.generation ?? 0;

    await apply(deployment("fraud", selector));

    const spec = api.object("Deployment", NS, "fraud")?.spec;
    expect(spec?.minReadySeconds).toBe(5);
    // Nobody owns replicas any more; the server defaults it, as the real one does.
    expect(spec?.replicas).toBe(1);
    expect(api.object("Deployment", NS, "fraud")?.metadata.generation).toBe(before + 1);
    const version = api.object("Deployment", NS, "fraud")?.metadata.resourceVersion;
    await apply(deployment("fraud", selector));
    expect(api.object("Deployment", NS, "fraud")?.metadata.resourceVersion).toBe(version);
    expect(api.object("Deployment", NS, "fraud")?.metadata.managedFields).toEqual(
      expect.arrayContaining([expect.objectContaining({ manager: "modelport", operation: "Apply" })]),
    );
  });
});

describe("the fake Gateway controller", () => {
  it("accepts a route and resolves backends that exist, for the route's current generation", async () => {
    await apply(service("fraud-a"));
    await apply(route("fraud", ["fraud-a"]));

    expect(conditionsOf("fraud")).toEqual([
      expect.objectContaining({ type: "Accepted", status: "True", observedGeneration: 1 }),
      expect.objectContaining({ type: "ResolvedRefs", status: "True", observedGeneration: 1 }),
    ]);
  });

  it("reports ResolvedRefs=False for a backend Service that does not exist, and True once it does", async () => {
    await apply(route("fraud", ["fraud-a"]));
    expect(conditionsOf("fraud")?.[1]).toMatchObject({
      type: "ResolvedRefs",
      status: "False",
      reason: "BackendNotFound",
      message: `Service ${NS}/fraud-a not found`,
    });

    await apply(service("fraud-a"));
    expect(conditionsOf("fraud")?.[1]).toMatchObject({ type: "ResolvedRefs", status: "True" });

    api.deleteObject("Service", NS, "fraud-a");
    expect(conditionsOf("fraud")?.[1]).toMatchObject({ status: "False", reason: "BackendNotFound" });
  });

  it("leaves status behind the spec while paused, and catches up when resumed", async () => {
    await apply(service("fraud-a"));
    await apply(service("fraud-b"));
    await apply(route("fraud", ["fraud-a"]));
    api.pauseGatewayController();

    await apply(route("fraud", ["fraud-b"]));

    expect(api.object("HTTPRoute", NS, "fraud")?.metadata.generation).toBe(2);
    expect(conditionsOf("fraud")?.[0]).toMatchObject({ observedGeneration: 1 });
    api.resumeGatewayController();
    expect(conditionsOf("fraud")?.[0]).toMatchObject({ observedGeneration: 2 });
  });
});
