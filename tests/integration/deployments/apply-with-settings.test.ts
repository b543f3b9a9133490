import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import { applyWithSettings } from "@/server/services/deployments/endpoint-variants";
import { givenModelWithVersions } from "@/tests/integration/deployments/state-machine-fixtures";

// A deployment applies the endpoint's own settings as PostgreSQL holds them. Invariant: a setting changed in place
// while an apply is under way (and told the runtime then) is never undone by the apply's older copy.

describe("applying an endpoint with its settings", () => {
  it("applies again with the newer settings when they changed during the apply", async () => {
    const { name } = await givenModelWithVersions(1);
    const model = await db().registeredModel.findUniqueOrThrow({ where: { name } });
    const endpoint = await db().endpoint.create({
      data: { name: `${name}-settings`, modelId: model.id, environment: "STAGING", target: "LOCAL", captureRate: 0.5 },
    });
    const applied: EndpointSpec[] = [];
    const target = {
      apply: async (spec: EndpointSpec) => {
        applied.push(spec);
        // Someone changes the capture rate and the online features while the first apply runs.
        if (applied.length === 1)
          await db().endpoint.update({
            where: { id: endpoint.id },
            data: { captureRate: 0.25, onlineFeatures: { fallback: { rules: [], otherwise: { score: 0 } } } },
          });
        return { endpointName: spec.endpointName, status: "healthy" as const, variants: [] };
      },
    };
    await applyWithSettings(db(), target, endpoint.id, { endpointName: endpoint.name, variants: [] });
    expect(applied.map((spec) => spec.captureRate)).toEqual([0.5, 0.25]);
    expect(applied[0]!.onlineFeatures).toBeNull();
    expect(applied[1]!.onlineFeatures).toEqual({ fallback: { rules: [], otherwise: { score: 0 } } });
  });

  it("carries the serving mode read at the start: changed meanwhile, it waits for the next release (no second apply)", async () => {
    const { name } = await givenModelWithVersions(1);
    const model = await db().registeredModel.findUniqueOrThrow({ where: { name } });
    const endpoint = await db().endpoint.create({
      data: { name: `${name}-mode`, modelId: model.id, environment: "STAGING", target: "SAGEMAKER" },
    });
    const applied: EndpointSpec[] = [];
    const serving = { maxConcurrentInvocationsPerInstance: 2, invocationTimeoutSeconds: 60, scaling: null };
    const target = {
      apply: async (spec: EndpointSpec) => {
        applied.push(spec);
        if (applied.length === 1)
          await db().endpoint.update({ where: { id: endpoint.id }, data: { asyncServing: serving } });
        return { endpointName: spec.endpointName, status: "updating" as const, variants: [] };
      },
    };
    await applyWithSettings(db(), target, endpoint.id, { endpointName: endpoint.name, variants: [] });
    expect(applied.map((spec) => spec.asyncInference)).toEqual([null]);
    await applyWithSettings(db(), target, endpoint.id, { endpointName: endpoint.name, variants: [] });
    expect(applied.at(-1)?.asyncInference).toEqual(serving);
  });
});
