import type { V1Deployment, V1DeploymentCondition } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { endpointState, type RouteView } from "@/server/integrations/kubernetes/endpoint-state";
import type { RouteReadiness } from "@/server/integrations/kubernetes/route-status";

type Status = NonNullable<V1Deployment["status"]>;

/** The route with these weights, accepted by the gateway unless said otherwise. */
const routed = (
  weights: Record<string, number>,
  readiness: RouteReadiness = { state: "accepted" },
  mirrors: string[] = [],
): RouteView => ({ weights, mirrors, readiness });

function deployment(variant: string, status: Status, { replicas = 2, generation = 1 } = {}): V1Deployment {
  return {
    metadata: { name: variant, generation, labels: { "modelport.dev/variant": variant } },
    spec: { replicas, selector: {}, template: {} },
    status,
  };
}

const condition = (
  type: string,
  status: string,
  reason: string,
  message = `${reason} happened`,
): V1DeploymentCondition => ({ type, status, reason, message });
const rolledOut = (replicas = 2): Status => ({
  observedGeneration: 1,
  replicas,
  updatedReplicas: replicas,
  readyReplicas: replicas,
  availableReplicas: replicas,
  conditions: [
    condition("Available", "True", "MinimumReplicasAvailable"),
    condition("Progressing", "True", "NewReplicaSetAvailable"),
  ],
});

describe("endpoint state from Deployments and the HTTPRoute", () => {
  it("is absent when neither exists", () => {
    expect(endpointState("fraud", [], undefined)).toEqual({ endpointName: "fraud", status: "absent", variants: [] });
  });

  it("is healthy when every Deployment has rolled out and the route exists, with the route's weights", () => {
    const state = endpointState(
      "fraud",
      [deployment("fraud-v7", rolledOut()), deployment("fraud-v6", rolledOut())],
      routed({ "fraud-v6": 90, "fraud-v7": 10 }),
    );
    expect(state).toEqual({
      endpointName: "fraud",
      status: "healthy",
      variants: [
        { variantName: "fraud-v6", weight: 90, ready: true, replicas: 2 },
        { variantName: "fraud-v7", weight: 10, ready: true, replicas: 2 },
      ],
    });
  });

  it("reports the variants the route mirrors to as shadows at 0%, and a mirrored one without a Deployment", () => {
    const state = endpointState(
      "fraud",
      [deployment("fraud-v6", rolledOut()), deployment("fraud-v7", rolledOut(1), { replicas: 1 })],
      routed({ "fraud-v6": 100 }, { state: "accepted" }, ["fraud-v7", "fraud-v8"]),
    );
    expect(state.status).not.toBe("healthy");
    expect(state.message).toContain("Variant fraud-v8 receives traffic but has no Deployment");
    expect(state.variants).toEqual([
      { variantName: "fraud-v6", weight: 100, ready: true, replicas: 2 },
      { variantName: "fraud-v7", weight: 0, ready: true, shadow: true, replicas: 1 },
      { variantName: "fraud-v8", weight: 0, ready: false, shadow: true, replicas: 0 },
    ]);
  });

  it("is creating until some replica has ever been available", () => {
    const state = endpointState("fraud", [deployment("fraud-v7", {})], routed({ "fraud-v7": 100 }));
    expect(state.status).toBe("creating");
    expect(state.variants).toEqual([{ variantName: "fraud-v7", weight: 100, ready: false, replicas: 0 }]);
  });

  it("is updating while a new variant rolls out next to a serving one", () => {
    const rolling: Status = {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 0,
      availableReplicas: 0,
    };
    const state = endpointState(
      "fraud",
      [deployment("fraud-v6", rolledOut()), deployment("fraud-v7", rolling, { replicas: 1 })],
      routed({ "fraud-v6": 100, "fraud-v7": 0 }),
    );
    expect(state.status).toBe("updating");
  });

  it("is not healthy while the controller has not observed the newest generation", () => {
    const state = endpointState(
      "fraud",
      [deployment("fraud-v7", rolledOut(), { generation: 2 })],
      routed({ "fraud-v7": 100 }),
    );
    expect(state.status).toBe("updating");
    expect(state.variants[0]?.ready).toBe(false);
  });

  it("is not healthy while old replicas are still terminating", () => {
    const state = endpointState(
      "fraud",
      [deployment("fraud-v7", { ...rolledOut(), replicas: 3 })],
      routed({ "fraud-v7": 100 }),
    );
    expect(state.status).toBe("updating");
  });

  it("is failed with the controller's message when the progress deadline is exceeded", () => {
    const stuck: Status = {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 0,
      conditions: [
        condition(
          "Progressing",
          "False",
          "ProgressDeadlineExceeded",
          'ReplicaSet "fraud-v7-5d" has timed out progressing.',
        ),
      ],
    };
    const state = endpointState(
      "fraud",
      [deployment("fraud-v6", rolledOut()), deployment("fraud-v7", stuck)],
      routed({ "fraud-v6": 100, "fraud-v7": 0 }),
    );
    expect(state.status).toBe("failed");
    expect(state.message).toBe('Variant fraud-v7: ReplicaSet "fraud-v7-5d" has timed out progressing.');
  });

  it("explains a replica failure without calling it final", () => {
    const quota: Status = {
      observedGeneration: 1,
      conditions: [condition("ReplicaFailure", "True", "FailedCreate", "exceeded quota: gpu")],
    };
    const state = endpointState("chat", [deployment("chat-v1", quota)], routed({ "chat-v1": 100 }));
    expect(state).toMatchObject({ status: "creating", message: "Variant chat-v1: exceeded quota: gpu" });
  });

  it("reports a routed variant without a Deployment, and a missing route", () => {
    const routedOnly = endpointState(
      "fraud",
      [deployment("fraud-v6", rolledOut())],
      routed({ "fraud-v6": 50, "fraud-v7": 50 }),
    );
    expect(routedOnly.status).toBe("updating");
    expect(routedOnly.variants).toContainEqual({ variantName: "fraud-v7", weight: 50, ready: false, replicas: 0 });
    expect(routedOnly.message).toMatch(/fraud-v7 receives traffic but has no Deployment/);
    const unrouted = endpointState("fraud", [deployment("fraud-v6", rolledOut())], undefined);
    expect(unrouted).toMatchObject({
      status: "updating",
      message: "The endpoint has no HTTPRoute, so it receives no traffic",
    });
  });

  it("names a variant by its annotation, since object names and label values may be derived", () => {
    const named: V1Deployment = {
      ...deployment("fraud-v7", rolledOut()),
      metadata: {
        name: "fraud-detector-production--fraud-v7",
        generation: 1,
        labels: { "modelport.dev/variant": "fraud-v7-1a2b3c4d" },
        annotations: { "modelport.dev/variant": "Fraud_V7" },
      },
    };
    expect(endpointState("fraud", [named], routed({ Fraud_V7: 100 })).variants).toEqual([
      { variantName: "Fraud_V7", weight: 100, ready: true, replicas: 2 },
    ]);
  });

  it("is healthy only once the gateway has accepted the route", () => {
    const pending = endpointState(
      "fraud",
      [deployment("fraud-v7", rolledOut())],
      routed(
        { "fraud-v7": 100 },
        { state: "pending", message: "HTTPRoute fraud on Gateway g/inference is not accepted yet" },
      ),
    );
    expect(pending).toMatchObject({
      status: "updating",
      message: "HTTPRoute fraud on Gateway g/inference is not accepted yet",
    });
    expect(pending.variants[0]?.ready).toBe(true);
  });

  it("is failed with the gateway's reason when it rejects the route", () => {
    const rejected = endpointState(
      "fraud",
      [deployment("fraud-v7", rolledOut())],
      routed(
        { "fraud-v7": 100 },
        { state: "rejected", message: "HTTPRoute fraud on Gateway g/inference: ResolvedRefs=False (BackendNotFound)" },
      ),
    );
    expect(rejected).toMatchObject({
      status: "failed",
      message: "HTTPRoute fraud on Gateway g/inference: ResolvedRefs=False (BackendNotFound)",
    });
  });
});
