import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { KubernetesTarget } from "@/server/integrations/kubernetes/kubernetes-target";
import { variantObjectName } from "@/server/integrations/kubernetes/object-names";
import type { EndpointSpec, VariantSpec } from "@/server/integrations/targets/deployment-target";
import { config, onnxVariant } from "@/tests/unit/kubernetes/samples";
import { FakeKubernetesApi } from "@/tests/integration/kubernetes/fake-api-server";

// An A/B test drives the target as the lifecycle does: apply with the challenger at 0, wait, setWeights; shadow mode
// applies the challenger as a shadow; a harm stop sets the challenger to 0; the end goes back to the champion alone.
const NS = "ml-serving";
const TOKEN = "k8s-test-token";
const ROUTE_PATH = `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes/fraud`;
const fraud = (variant: string) => variantObjectName("fraud", variant);

const champion = onnxVariant({ variantName: "fraud-v6", version: 6, weight: 100 });
const challenger = (weight: number, overrides: Partial<VariantSpec> = {}) =>
  onnxVariant({ variantName: "fraud-v7", weight, ...overrides });
const abSpec = (...variants: VariantSpec[]): EndpointSpec => ({
  endpointName: "fraud",
  variants,
  routing: { salt: "ab-42" },
});
const started = abSpec(champion, challenger(0));
const shadowMode = abSpec(champion, challenger(0, { shadow: true }));

let api: FakeKubernetesApi;
let server: string;
let target: KubernetesTarget;

const targetWith = (overrides: Partial<KubernetesTargetConfig["gateway"]> = {}) =>
  new KubernetesTarget(
    config({
      connection: { kind: "token", server, token: TOKEN, skipTlsVerify: true },
      gateway: { name: "inference", namespace: "gateways", ...overrides },
    }),
  );

beforeEach(async () => {
  api = new FakeKubernetesApi(TOKEN);
  server = await api.start();
  target = targetWith();
});

afterEach(async () => {
  await api.stop();
});

const writeLines = () => api.writes().map((request) => `${request.method} ${request.path}`);
const resourceVersions = () =>
  ["Deployment", "Service", "HTTPRoute"].flatMap((kind) =>
    api.objects(kind).map((object) => `${kind}/${object.metadata.name}@${object.metadata.resourceVersion}`),
  );
type Rule = {
  backendRefs?: { name: string; weight?: number }[];
  filters?: { type: string; requestMirror?: unknown }[];
};
const routeRule = () => (api.object("HTTPRoute", NS, "fraud")?.spec?.rules as Rule[] | undefined)?.[0];
const markReady = (...variants: string[]) => {
  for (const variant of variants) api.setDeploymentStatus(NS, fraud(variant), "ready");
};

describe("Kubernetes target: an A/B test's traffic, through the deployment-target interface", () => {
  it("starts with the challenger's Service as a backend at weight 0, then splits traffic through the route only", async () => {
    await target.apply(started);
    markReady("fraud-v6", "fraud-v7");
    expect(routeRule()?.backendRefs).toEqual([
      { kind: "Service", name: fraud("fraud-v6"), port: 80, weight: 100 },
      { kind: "Service", name: fraud("fraud-v7"), port: 80, weight: 0 },
    ]);
    await expect(target.describe("fraud")).resolves.toMatchObject({
      status: "healthy",
      variants: [
        { variantName: "fraud-v6", weight: 100, ready: true },
        { variantName: "fraud-v7", weight: 0, ready: true },
      ],
    });

    api.clearRequests();
    const split = await target.setWeights("fraud", { "fraud-v6": 50, "fraud-v7": 50 });
    expect(writeLines()).toEqual([`PATCH ${ROUTE_PATH}`]);
    expect(split).toMatchObject({ status: "healthy", variants: [{ weight: 50 }, { weight: 50 }] });

    const stopped = await target.setWeights("fraud", { "fraud-v7": 0, "fraud-v6": 100 });
    expect(stopped).toMatchObject({
      status: "healthy",
      variants: [
        { variantName: "fraud-v6", weight: 100 },
        { variantName: "fraud-v7", weight: 0, ready: true },
      ],
    });
  });

  it("applying the started spec again changes no object; the routing salt leaves the objects as they are", async () => {
    await target.apply(started);
    const before = resourceVersions();
    await target.apply(started);
    await target.apply({ ...started, routing: undefined });
    expect(resourceVersions()).toEqual(before);
  });

  it("ends with the champion at 100, then the champion alone: the challenger's objects are removed", async () => {
    await target.apply(started);
    markReady("fraud-v6", "fraud-v7");
    await target.setWeights("fraud", { "fraud-v6": 100, "fraud-v7": 0 });
    await target.apply(abSpec(champion));
    expect(api.objects("Deployment").map((object) => object.metadata.name)).toEqual([fraud("fraud-v6")]);
    expect(api.objects("Service").map((object) => object.metadata.name)).toEqual([fraud("fraud-v6")]);
    await expect(target.describe("fraud")).resolves.toEqual({
      endpointName: "fraud",
      status: "healthy",
      variants: [{ variantName: "fraud-v6", weight: 100, ready: true, replicas: 1 }],
    });
  });

  it("shadow mode: runs the shadow, mirrors the route's rule to it, and describes it as a shadow", async () => {
    await target.apply(shadowMode);
    markReady("fraud-v6", "fraud-v7");
    expect(api.objects("Deployment").map((object) => object.metadata.name)).toEqual([
      fraud("fraud-v6"),
      fraud("fraud-v7"),
    ]);
    const rule = routeRule();
    expect(rule?.backendRefs).toEqual([{ kind: "Service", name: fraud("fraud-v6"), port: 80, weight: 100 }]);
    expect(rule?.filters?.at(-1)).toEqual({
      type: "RequestMirror",
      requestMirror: { backendRef: { kind: "Service", name: fraud("fraud-v7"), port: 80 } },
    });
    const state = await target.describe("fraud");
    expect(state).toEqual({
      endpointName: "fraud",
      status: "healthy",
      variants: [
        { variantName: "fraud-v6", weight: 100, ready: true, replicas: 1 },
        { variantName: "fraud-v7", weight: 0, ready: true, shadow: true, replicas: 1 },
      ],
    });

    const before = resourceVersions();
    await target.apply(shadowMode);
    expect(resourceVersions()).toEqual(before);
  });

  it("keeps mirroring when weights change, and refuses to weight the shadow itself", async () => {
    await target.apply(
      abSpec(
        onnxVariant({ variantName: "fraud-v5", version: 5, weight: 50 }),
        { ...champion, weight: 50 },
        challenger(0, { shadow: true }),
      ),
    );
    api.clearRequests();
    await expect(target.setWeights("fraud", { "fraud-v7": 10, "fraud-v6": 40 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("is a shadow"),
    });
    expect(api.writes()).toEqual([]);

    await target.setWeights("fraud", { "fraud-v5": 0, "fraud-v6": 100 });
    expect(routeRule()?.filters?.filter((filter) => filter.type === "RequestMirror")).toHaveLength(1);
    await expect(target.describe("fraud")).resolves.toMatchObject({
      variants: [
        { variantName: "fraud-v5", weight: 0 },
        { variantName: "fraud-v6", weight: 100 },
        { variantName: "fraud-v7", weight: 0, shadow: true },
      ],
    });
  });

  it("is not healthy while the gateway cannot resolve the shadow's Service", async () => {
    await target.apply(shadowMode);
    markReady("fraud-v6", "fraud-v7");
    api.deleteObject("Service", NS, fraud("fraud-v7"));
    const state = await target.describe("fraud");
    expect(state.status).not.toBe("healthy");
    expect(state.message).toContain(`Service ${NS}/${fraud("fraud-v7")} not found`);
  });

  it("refuses weights that do not leave the live variants at 100 in total, writing nothing", async () => {
    await target.apply(started);
    api.clearRequests();
    await expect(target.setWeights("fraud", { "fraud-v6": 0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("add up to 100, got 0"),
    });
    await expect(target.setWeights("fraud", { "fraud-v6": 60, "fraud-v7": 60 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(api.writes()).toEqual([]);
  });

  it("accepts new weights while the challenger still rolls out (Kubernetes has no 'in progress' refusal) and says it is not ready", async () => {
    await target.apply(started);
    markReady("fraud-v6");
    const state = await target.setWeights("fraud", { "fraud-v6": 50, "fraud-v7": 50 });
    expect(state.status).not.toBe("healthy");
    expect(state.variants).toContainEqual(
      expect.objectContaining({ variantName: "fraud-v7", weight: 50, ready: false }),
    );
  });

  it("takes a second shadow only on a gateway configured for several mirrors", async () => {
    const twoShadows = abSpec(
      champion,
      challenger(0, { shadow: true }),
      onnxVariant({ variantName: "fraud-v8", weight: 0, shadow: true }),
    );
    await expect(target.apply(twoShadows)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(api.writes()).toEqual([]);

    const state = await targetWith({ multipleMirrors: true }).apply(twoShadows);
    expect(state.variants.filter((variant) => variant.shadow).map((variant) => variant.variantName)).toEqual([
      "fraud-v7",
      "fraud-v8",
    ]);
    expect(routeRule()?.filters?.filter((filter) => filter.type === "RequestMirror")).toHaveLength(2);
  });
});

describe("the Kubernetes stand-in enforces the HTTPRoute CRD's filter rules", () => {
  async function applyRoute(filters: unknown[]) {
    const route = {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "fraud", namespace: NS },
      spec: { parentRefs: [{ name: "inference" }], rules: [{ filters, backendRefs: [{ name: "svc", port: 80 }] }] },
    };
    const response = await fetch(`${server}${ROUTE_PATH}?fieldManager=test`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/apply-patch+yaml" },
      body: JSON.stringify(route),
    });
    return { status: response.status, message: ((await response.json()) as { message?: string }).message ?? "" };
  }
  const mirror = (name: string) => ({ type: "RequestMirror", requestMirror: { backendRef: { name, port: 80 } } });

  it("refuses a RequestMirror filter without its requestMirror, and a requestMirror on another type", async () => {
    await expect(applyRoute([{ type: "RequestMirror" }])).resolves.toMatchObject({
      status: 422,
      message: expect.stringContaining("filter.requestMirror must be specified for RequestMirror filter.type"),
    });
    await expect(applyRoute([{ ...mirror("a"), type: "RequestHeaderModifier" }])).resolves.toMatchObject({
      status: 422,
      message: expect.stringContaining("filter.requestMirror must be nil"),
    });
  });

  it("accepts repeated RequestMirror filters, and refuses a repeated URLRewrite", async () => {
    await expect(applyRoute([mirror("a"), mirror("b")])).resolves.toMatchObject({ status: 201 });
    const rewrite = {
      type: "URLRewrite",
      urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } },
    };
    await expect(applyRoute([rewrite, rewrite])).resolves.toMatchObject({
      status: 422,
      message: expect.stringContaining("URLRewrite filter cannot be repeated"),
    });
  });
});
