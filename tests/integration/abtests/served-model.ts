import { randomUUID } from "node:crypto";
import { db } from "@/server/db/client";
import { givenUser } from "@/tests/integration/fixtures";

export const DAY_MS = 86_400_000;

/** A classifier with versions 1–3, an endpoint serving v1 alone, and `outcomes` of v1's ground truth (80 % right). */
export async function givenServedModel(teamName: string, outcomes = 0) {
  const owner = await givenUser("DATA_SCIENTIST", teamName);
  const name = `ab-${randomUUID().slice(0, 8)}`;
  const model = await db().registeredModel.create({
    data: { name, teamId: owner.team.id, taskType: "CLASSIFICATION", createdById: owner.user.id },
  });
  const versions = await Promise.all(
    [1, 2, 3].map((version) =>
      db().modelVersion.create({ data: { modelId: model.id, version, format: "ONNX", createdById: owner.user.id } }),
    ),
  );
  const endpoint = await db().endpoint.create({
    data: { name: `${name}-staging`, modelId: model.id, environment: "STAGING", target: "LOCAL" },
  });
  await db().endpointVariant.create({
    data: { endpointId: endpoint.id, versionId: versions[0]!.id, variantName: `${name}-v1`, weight: 100 },
  });
  const now = Date.now();
  await db().predictionOutcome.createMany({
    data: Array.from({ length: outcomes }, (_, i) => ({
      predictionId: randomUUID(),
      source: "FEEDBACK" as const,
      endpointId: endpoint.id,
      variantName: `${name}-v1`,
      versionId: versions[0]!.id,
      predictedAt: new Date(now - (i % 5) * DAY_MS - 60_000),
      predictedLabel: "1",
      label: i % 5 === 0 ? "0" : "1",
      inclusionProbability: 1,
      knownAt: new Date(now),
    })),
  });
  return { owner, model, versions, endpoint };
}
