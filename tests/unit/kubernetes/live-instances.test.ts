import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { liveInstances } from "@/server/integrations/kubernetes/endpoint-state";
import { renderDeployment } from "@/server/integrations/kubernetes/render-deployment";
import { config, onnxVariant, vllmVariant } from "@/tests/unit/kubernetes/samples";

/** A rendered Deployment as the API server returns it, with the status the Deployment controller wrote. */
const withStatus = (deployment: object, status: V1Deployment["status"]): V1Deployment => ({
  ...(deployment as V1Deployment),
  status,
});

describe("Kubernetes instances read for cost", () => {
  it("counts ready replicas, on the instance type the Deployment was rendered with", () => {
    const sized = renderDeployment("fraud", onnxVariant({ instanceType: "cpu-large", instanceCount: 4 }), {
      ...config(),
      resourceProfiles: { "cpu-large": { requests: { cpu: "2" }, limits: { cpu: "4" } } },
    });
    expect(liveInstances(withStatus(sized, { replicas: 4, readyReplicas: 2 }))).toEqual({
      variantName: "fraud-v7",
      instanceType: "cpu-large",
      instances: 2,
    });
    const vllm = renderDeployment("support", vllmVariant(), config());
    expect(liveInstances(withStatus(vllm, { replicas: 1, readyReplicas: 1 }))).toMatchObject({
      instanceType: "k8s-vllm",
      instances: 1,
    });
  });

  it("counts none before any replica is ready, and prices older Deployments as their flavour's default", () => {
    const rendered = renderDeployment("fraud", onnxVariant(), config());
    expect(liveInstances(withStatus(rendered, { replicas: 1 })).instances).toBe(0);
    const older = withStatus(rendered, { readyReplicas: 1 });
    delete older.metadata?.annotations?.["modelport.dev/instance-type"];
    expect(liveInstances(older)).toMatchObject({ instanceType: "k8s-onnx", instances: 1 });
  });
});
