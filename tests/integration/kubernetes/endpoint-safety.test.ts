import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KubernetesTarget } from "@/server/integrations/kubernetes/kubernetes-target";
import { endpointObjectName, variantObjectName } from "@/server/integrations/kubernetes/object-names";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import { config, onnxVariant, vllmVariant } from "@/tests/unit/kubernetes/samples";
import { FakeKubernetesApi } from "@/tests/integration/kubernetes/fake-api-server";

/*
 * The Kubernetes target against the stand-in API server's rules: one version on two endpoints, names the registry
 * allows but Kubernetes does not, and readiness that waits for the Gateway to accept the route.
 */

const NS = "ml-serving";
const TOKEN = "k8s-test-token";
const STAGING = "fraud-detector-staging-kubernetes";
const PRODUCTION = "fraud-detector-production-kubernetes";
const V7 = "fraud-detector-v7";

let api: FakeKubernetesApi;
let server: string;
let target: KubernetesTarget;

beforeEach(async () => {
  api = new FakeKubernetesApi(TOKEN);
  server = await api.start();
  target = new KubernetesTarget(
    config({
      connection: { kind: "token", server, token: TOKEN, skipTlsVerify: true },
      onnx: {
        image: "registry.example.test/modelport/onnx-runtime:1.4.2",
        autoscaling: { maxReplicas: 4, targetCpuUtilizationPercent: 70 },
      },
    }),
  );
});

afterEach(async () => {
  await api.stop();
});

const only = (endpointName: string, variantName = V7): EndpointSpec => ({
  endpointName,
  variants: [onnxVariant({ variantName, weight: 100 })],
});

function markReady(endpointName: string, variantName = V7) {
  api.setDeploymentStatus(NS, variantObjectName(endpointName, variantName), "ready");
}

const names = (kind: string) =>
  api
    .objects(kind)
    .map((object) => object.metadata.name)
    .sort();

describe("one version on a staging and a production endpoint", () => {
  it("gets separate Deployments, Services, autoscalers and routes, each healthy on its own", async () => {
    await target.apply(only(STAGING));
    await target.apply(only(PRODUCTION));
    markReady(STAGING);
    markReady(PRODUCTION);

    const staging = variantObjectName(STAGING, V7);
    const production = variantObjectName(PRODUCTION, V7);
    expect(staging).not.toBe(production);
    for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler"])
      expect(names(kind)).toEqual([production, staging].sort());
    expect(names("HTTPRoute")).toEqual([PRODUCTION, STAGING].sort());
    const backends = (endpoint: string) =>
      JSON.stringify(api.object("HTTPRoute", NS, endpointObjectName(endpoint))?.spec?.rules);
    expect(backends(STAGING)).toContain(`"name":"${staging}"`);
    expect(backends(PRODUCTION)).toContain(`"name":"${production}"`);
    for (const endpoint of [STAGING, PRODUCTION]) {
      expect(await target.describe(endpoint)).toEqual({
        endpointName: endpoint,
        status: "healthy",
        variants: [{ variantName: V7, weight: 100, ready: true, replicas: 1 }],
      });
    }
  });

  it("leaves production serving when staging is re-applied, changed or deleted", async () => {
    await target.apply(only(PRODUCTION));
    markReady(PRODUCTION);
    const production = () =>
      ["Deployment", "Service", "HorizontalPodAutoscaler", "HTTPRoute"].flatMap((kind) =>
        api
          .objects(kind)
          .filter((object) => object.metadata.labels?.["modelport.dev/endpoint"] === PRODUCTION)
          .map((object) => `${kind}/${object.metadata.name}@${object.metadata.resourceVersion}`),
      );
    const before = production();

    await target.apply(only(STAGING));
    await target.apply({
      endpointName: STAGING,
      variants: [
        onnxVariant({ variantName: V7, weight: 50 }),
        onnxVariant({ variantName: "fraud-detector-v8", version: 8, weight: 50 }),
      ],
    });
    await target.delete(STAGING);

    expect(production()).toEqual(before);
    expect((await target.describe(PRODUCTION)).status).toBe("healthy");
    expect((await target.describe(STAGING)).status).toBe("absent");
  });
});

describe("registry names Kubernetes would refuse as they are", () => {
  it("deploys, describes, reweights and deletes an endpoint whose names are long and mixed-case", async () => {
    const endpoint = "Restaurant_Recommendation.two-tower-retrieval-embeddings-production-kubernetes";
    const spec: EndpointSpec = {
      endpointName: endpoint,
      variants: [
        onnxVariant({ variantName: "Restaurant_Recommendation-v11", version: 11, weight: 100 }),
        onnxVariant({ variantName: "restaurant-recommendation-two-tower-retrieval-embeddings-v12", weight: 0 }),
      ],
    };

    await target.apply(spec);
    for (const variant of spec.variants) markReady(endpoint, variant.variantName);
    const state = await target.setWeights(endpoint, {
      "Restaurant_Recommendation-v11": 30,
      "restaurant-recommendation-two-tower-retrieval-embeddings-v12": 70,
    });

    expect(state).toEqual({
      endpointName: endpoint,
      status: "healthy",
      variants: [
        { variantName: "Restaurant_Recommendation-v11", weight: 30, ready: true, replicas: 1 },
        {
          variantName: "restaurant-recommendation-two-tower-retrieval-embeddings-v12",
          weight: 70,
          ready: true,
          replicas: 1,
        },
      ],
    });
    for (const kind of ["Deployment", "Service", "HTTPRoute"])
      for (const name of names(kind)) expect(name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    await target.delete(endpoint);
    expect(api.objects("Deployment")).toEqual([]);
  });
});

describe("readiness includes the HTTPRoute", () => {
  it("is not healthy while the Gateway has not accepted the route's current generation", async () => {
    api.pauseGatewayController();
    await target.apply(only(PRODUCTION));
    markReady(PRODUCTION);

    const waiting = await target.describe(PRODUCTION);
    expect(waiting.status).toBe("updating");
    expect(waiting.message).toMatch(
      new RegExp(`^HTTPRoute ${PRODUCTION} on Gateway gateways/inference is not accepted yet`),
    );

    setTimeout(() => api.resumeGatewayController(), 150);
    const settled = await target.waitUntilSettled(PRODUCTION, { timeoutMs: 5000, pollMs: 20 });
    expect(settled).toMatchObject({ status: "healthy" });
    expect(settled.message).toBeUndefined();
  });

  it("treats a weight change as pending until the Gateway observes it", async () => {
    await target.apply({
      endpointName: PRODUCTION,
      variants: [
        onnxVariant({ variantName: V7, weight: 100 }),
        onnxVariant({ variantName: "fraud-detector-v8", version: 8, weight: 0 }),
      ],
    });
    markReady(PRODUCTION);
    markReady(PRODUCTION, "fraud-detector-v8");
    api.pauseGatewayController();

    const shifted = await target.setWeights(PRODUCTION, { [V7]: 90, "fraud-detector-v8": 10 });

    expect(shifted.status).toBe("updating");
    expect(shifted.message).toContain("Accepted reported for generation 1, the route is at generation 2");
    api.resumeGatewayController();
    expect((await target.describe(PRODUCTION)).status).toBe("healthy");
  });

  it("reports a route whose backend Service is missing as failed, not healthy, and recovers on re-apply", async () => {
    await target.apply(only(PRODUCTION));
    markReady(PRODUCTION);
    expect((await target.describe(PRODUCTION)).status).toBe("healthy");
    const service = variantObjectName(PRODUCTION, V7);

    api.deleteObject("Service", NS, service);

    const broken = await target.describe(PRODUCTION);
    expect(broken).toMatchObject({
      status: "failed",
      message: `HTTPRoute ${PRODUCTION} on Gateway gateways/inference: ResolvedRefs=False (BackendNotFound): Service ${NS}/${service} not found`,
      variants: [{ variantName: V7, ready: true }],
    });
    const started = Date.now();
    expect((await target.waitUntilSettled(PRODUCTION, { timeoutMs: 5000, pollMs: 1000 })).status).toBe("failed");
    expect(Date.now() - started).toBeLessThan(1000);

    await target.apply(only(PRODUCTION));
    expect((await target.describe(PRODUCTION)).status).toBe("healthy");
  });
});

describe("field ownership", () => {
  /** Someone scaling a Deployment by hand with their own server-side apply, as `kubectl apply --server-side` does. */
  async function scaleAs(manager: string, name: string, replicas: number, force: boolean) {
    const query = new URLSearchParams({ fieldManager: manager, ...(force ? { force: "true" } : {}) });
    const response = await fetch(`${server}/apis/apps/v1/namespaces/${NS}/deployments/${name}?${query}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/apply-patch+yaml" },
      body: JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name }, spec: { replicas } }),
    });
    return response.status;
  }

  it("takes back, by forcing, a field another manager took over", async () => {
    const spec: EndpointSpec = { endpointName: "support-chat", variants: [vllmVariant({ instanceCount: 2 })] };
    await target.apply(spec);
    const name = variantObjectName("support-chat", "support-llm-v3");
    expect(await scaleAs("kubectl", name, 5, false)).toBe(409);
    expect(await scaleAs("kubectl", name, 5, true)).toBe(200);
    expect(api.object("Deployment", NS, name)?.spec?.replicas).toBe(5);

    await target.apply(spec);

    expect(api.object("Deployment", NS, name)?.spec?.replicas).toBe(2);
    expect(api.fieldOwners("Deployment", NS, name).modelport).toContainEqual(["spec", "replicas"]);
    expect(api.fieldOwners("Deployment", NS, name).kubectl).toBeUndefined();
  });
});
