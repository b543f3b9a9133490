import { expect } from "vitest";
import { db } from "@/server/db/client";
import { createAbTest } from "@/server/services/abtests/setup";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import {
  approvedProduction,
  givenModelWithVersions,
  runtime,
  world,
} from "@/tests/integration/deployments/state-machine-fixtures";

/** A model whose v1 serves its production endpoint alone, and a planned test of v2 against it at 70/30. */
export async function givenPlannedTest() {
  const { scientist, reviewer, name } = await givenModelWithVersions(2);
  const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
  expect(await runDeployment(db(), deploymentId, runtime())).toBe("SUCCEEDED");
  const endpointName = `${name}-production-local`;
  const test = await createAbTest(scientist.ctx, plan(endpointName, "v2 against v1", 70));
  world.target.calls.length = 0;
  return { scientist, reviewer, name, endpointName, test, v1: `${name}-v1`, v2: `${name}-v2` };
}

/** Version 2 against the champion, on accuracy with an entered baseline. */
export const plan = (endpointName: string, name: string, championWeight: number) => ({
  endpointName,
  name,
  championWeight,
  challengers: [{ version: 2, weight: 100 - championWeight }],
  preRegistration: { primaryMetric: "accuracy" as const, mde: 0.05, baseline: 0.8 },
});

export const testRow = (id: string) => db().abTest.findUniqueOrThrow({ where: { id } });
export const recordedVariants = async (endpointName: string) =>
  (
    await db().endpointVariant.findMany({
      where: { endpoint: { name: endpointName } },
      orderBy: { variantName: "asc" },
    })
  ).map((v) => `${v.variantName}=${v.shadow ? "shadow" : v.weight}`);
