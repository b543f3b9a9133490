import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { Service } from "kubernetes-models/v1";
import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { renderEndpoint } from "@/server/integrations/kubernetes/render-endpoint";
import { renderHttpRoute } from "@/server/integrations/kubernetes/render-http-route";
import { routeMirrors, routeWeights } from "@/server/integrations/kubernetes/route-weights";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import { config, onnxVariant } from "@/tests/unit/kubernetes/samples";

const champion = onnxVariant({ variantName: "fraud-v6", version: 6, weight: 100 });
const challenger = (overrides = {}) => onnxVariant({ variantName: "fraud-v7", weight: 0, ...overrides });
const shadowMode: EndpointSpec = { endpointName: "fraud", variants: [champion, challenger({ shadow: true })] };
const asObject = (route: unknown) => route as KubernetesObject;

describe("HTTPRoute of an A/B test on Kubernetes", () => {
  it("keeps a challenger at weight 0 as a backend the gateway sends nothing", () => {
    const route = renderEndpoint({ endpointName: "fraud", variants: [champion, challenger()] }, config()).route;
    expect(() => new HTTPRoute(route).validate()).not.toThrow();
    expect(route.spec.rules?.[0]?.backendRefs).toEqual([
      { kind: "Service", name: "fraud--fraud-v6", port: 80, weight: 100 },
      { kind: "Service", name: "fraud--fraud-v7", port: 80, weight: 0 },
    ]);
    expect(routeWeights(asObject(route))).toEqual({ "fraud-v6": 100, "fraud-v7": 0 });
  });

  it("mirrors every request to a shadow with a RequestMirror filter, outside the weighted backends", () => {
    const rendered = renderEndpoint(shadowMode, config());
    expect(() => new HTTPRoute(rendered.route).validate()).not.toThrow();
    const rule = rendered.route.spec.rules?.[0];
    expect(rule?.backendRefs).toEqual([{ kind: "Service", name: "fraud--fraud-v6", port: 80, weight: 100 }]);
    expect(rule?.filters).toEqual([
      { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } },
      { type: "RequestMirror", requestMirror: { backendRef: { kind: "Service", name: "fraud--fraud-v7", port: 80 } } },
    ]);
    expect(routeWeights(asObject(rendered.route))).toEqual({ "fraud-v6": 100 });
    expect(routeMirrors(asObject(rendered.route))).toEqual(["fraud-v7"]);
  });

  it("renders the shadow's Deployment and Service like any variant's, valid for the API server", () => {
    const workloads = renderEndpoint(shadowMode, config()).workloads;
    const shadowObjects = workloads.filter((object) => object.metadata?.name === "fraud--fraud-v7");
    expect(shadowObjects.map((object) => object.kind)).toEqual(["Deployment", "Service"]);
    for (const object of shadowObjects) {
      if (object.kind === "Deployment") expect(() => new Deployment(object).validate()).not.toThrow();
      if (object.kind === "Service") expect(() => new Service(object).validate()).not.toThrow();
    }
  });

  it("mirrors to several shadows only when the gateway is configured to support it", () => {
    const twoShadows: EndpointSpec = {
      endpointName: "fraud",
      variants: [
        champion,
        challenger({ shadow: true }),
        onnxVariant({ variantName: "fraud-v8", weight: 0, shadow: true }),
      ],
    };
    expect(() => renderEndpoint(twoShadows, config())).toThrow(/gateway.multipleMirrors/);
    const route = renderEndpoint(
      twoShadows,
      config({ gateway: { name: "inference", namespace: "gateways", multipleMirrors: true } }),
    ).route;
    expect(() => new HTTPRoute(route).validate()).not.toThrow();
    expect(routeMirrors(asObject(route))).toEqual(["fraud-v7", "fraud-v8"]);
  });

  it("keeps the mirrors when only the weights are re-rendered", () => {
    const route = renderHttpRoute("fraud", { "fraud-v6": 100 }, config(), ["fraud-v7"]);
    expect(routeMirrors(asObject(route))).toEqual(["fraud-v7"]);
    expect(renderHttpRoute("fraud", { "fraud-v6": 100 }, config()).spec.rules?.[0]?.filters).toHaveLength(1);
  });

  it.each([
    [
      "a shadow with live weight",
      [onnxVariant({ variantName: "fraud-v6", weight: 90 }), challenger({ weight: 10, shadow: true })],
      /its weight must be 0/,
    ],
    ["only a shadow", [challenger({ shadow: true })], /at least one live variant/],
    [
      "live weights that do not add up once the shadow is left out",
      [onnxVariant({ variantName: "fraud-v6", weight: 0 }), challenger({ shadow: true })],
      /add up to 100, got 0/,
    ],
  ])("refuses %s", (_case, variants, message) => {
    expect(() => renderEndpoint({ endpointName: "fraud", variants }, config())).toThrow(message);
  });
});
