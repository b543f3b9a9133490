import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { routeReadiness } from "@/server/integrations/kubernetes/route-status";
import { config } from "@/tests/unit/kubernetes/samples";

type Condition = { type: string; status: string; reason?: string; message?: string; observedGeneration?: number };

const GATEWAY = { group: "gateway.networking.k8s.io", kind: "Gateway", name: "inference", namespace: "gateways" };
const PREFIX = "HTTPRoute fraud on Gateway gateways/inference";

const accepted = (generation = 3): Condition => ({
  type: "Accepted",
  status: "True",
  reason: "Accepted",
  observedGeneration: generation,
});
const resolved = (generation = 3): Condition => ({
  type: "ResolvedRefs",
  status: "True",
  reason: "ResolvedRefs",
  observedGeneration: generation,
});

function route(parents: Array<{ parentRef?: Record<string, string>; conditions: Condition[] }>, generation = 3) {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "fraud", namespace: "ml-serving", generation },
    spec: {},
    status: {
      parents: parents.map(({ parentRef = GATEWAY, conditions }) => ({
        parentRef,
        controllerName: "gateway.example.test/controller",
        conditions,
      })),
    },
  } as KubernetesObject;
}

describe("HTTPRoute readiness from status.parents", () => {
  it("is accepted when the configured Gateway reports Accepted and ResolvedRefs for the current generation", () => {
    expect(routeReadiness(route([{ conditions: [accepted(), resolved()] }]), config())).toEqual({ state: "accepted" });
    // A controller that has seen a newer generation than the one read is fine too.
    expect(routeReadiness(route([{ conditions: [accepted(4), resolved(4)] }]), config())).toEqual({
      state: "accepted",
    });
  });

  it("is rejected with the controller's reason and message when a condition is False", () => {
    const missing: Condition = {
      type: "ResolvedRefs",
      status: "False",
      reason: "BackendNotFound",
      message: "Service ml-serving/fraud--fraud-v7 not found",
      observedGeneration: 3,
    };
    expect(routeReadiness(route([{ conditions: [accepted(), missing] }]), config())).toEqual({
      state: "rejected",
      message: `${PREFIX}: ResolvedRefs=False (BackendNotFound): Service ml-serving/fraud--fraud-v7 not found`,
    });
    const notAllowed: Condition = {
      type: "Accepted",
      status: "False",
      reason: "NotAllowedByListeners",
      message: "no listener allows routes from namespace ml-serving",
      observedGeneration: 3,
    };
    expect(routeReadiness(route([{ conditions: [notAllowed, resolved()] }]), config())).toMatchObject({
      state: "rejected",
      message: expect.stringContaining("Accepted=False (NotAllowedByListeners): no listener allows"),
    });
  });

  it("is pending while no controller has written status", () => {
    const bare = { ...route([]), status: undefined } as KubernetesObject;
    expect(routeReadiness(bare, config())).toEqual({
      state: "pending",
      message: `${PREFIX} is not accepted yet: the gateway's controller has not reported on it`,
    });
  });

  it("is pending, not failed or healthy, while the conditions describe an older generation", () => {
    const staleFalse: Condition = { ...resolved(2), status: "False", reason: "BackendNotFound" };
    expect(routeReadiness(route([{ conditions: [accepted(2), staleFalse] }]), config())).toMatchObject({
      state: "pending",
      message: expect.stringContaining("ResolvedRefs reported for generation 2, the route is at generation 3"),
    });
    expect(routeReadiness(route([{ conditions: [accepted(2), resolved(2)] }]), config()).state).toBe("pending");
    const unstamped: Condition = { type: "Accepted", status: "True", reason: "Accepted" };
    expect(routeReadiness(route([{ conditions: [unstamped, resolved()] }]), config()).state).toBe("pending");
  });

  it("is pending while a condition is missing, Unknown, or has the Pending reason", () => {
    expect(routeReadiness(route([{ conditions: [accepted()] }]), config())).toMatchObject({
      state: "pending",
      message: expect.stringContaining("no ResolvedRefs condition yet"),
    });
    const unknown: Condition = { ...accepted(), status: "Unknown", reason: "Pending" };
    expect(routeReadiness(route([{ conditions: [unknown, resolved()] }]), config()).state).toBe("pending");
    const pendingFalse: Condition = { ...accepted(), status: "False", reason: "Pending" };
    expect(routeReadiness(route([{ conditions: [pendingFalse, resolved()] }]), config()).state).toBe("pending");
  });

  it("reads only the configured parent", () => {
    const otherGateway = { ...GATEWAY, name: "public" };
    const rejectedElsewhere: Condition = { ...accepted(), status: "False", reason: "NotAllowedByListeners" };
    expect(
      routeReadiness(route([{ parentRef: otherGateway, conditions: [rejectedElsewhere, resolved()] }]), config()),
    ).toMatchObject({ state: "pending" });
    expect(
      routeReadiness(
        route([
          { parentRef: otherGateway, conditions: [rejectedElsewhere, resolved()] },
          { conditions: [accepted(), resolved()] },
        ]),
        config(),
      ),
    ).toEqual({ state: "accepted" });
  });

  it("matches the parent's section and defaults its namespace to the route's", () => {
    const sectioned = config({ gateway: { name: "inference", sectionName: "https" } });
    const local = { group: "gateway.networking.k8s.io", kind: "Gateway", name: "inference" };
    expect(routeReadiness(route([{ parentRef: local, conditions: [accepted(), resolved()] }]), sectioned).state).toBe(
      "pending",
    );
    expect(
      routeReadiness(
        route([{ parentRef: { ...local, sectionName: "https" }, conditions: [accepted(), resolved()] }]),
        sectioned,
      ),
    ).toEqual({ state: "accepted" });
    expect(
      routeReadiness(
        route([
          {
            parentRef: { name: "inference", namespace: "ml-serving", sectionName: "https" },
            conditions: [accepted(), resolved()],
          },
        ]),
        sectioned,
      ),
    ).toEqual({ state: "accepted" });
  });
});
