import { randomBytes } from "node:crypto";
import { ROLES, type Role } from "@/contracts/enums";
import { TOKEN_SCOPES } from "@/contracts/token-scopes";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { hashToken } from "@/server/services/admin/api-tokens";
import { planTest } from "@/server/services/abtests/pre-registration";
import { versionVariantName } from "@/server/integrations/targets/variant-name";
import { ENTERED_ACCURACY_PLAN } from "@/tests/integration/support/entered-plan";
import { onnxModel } from "@/tests/integration/support/model-artifacts";

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

export type TeamSide = "own" | "other";
export const TEAM_SIDES: readonly TeamSide[] = ["own", "other"];

/** Everything one team owns that a mutation can aim at. */
export type TeamWorld = {
  id: string;
  name: string;
  modelName: string;
  experimentId: string;
  /** A RUNNING run (log, finish, upload). */
  runId: string;
  /** A FINISHED run holding a real ONNX model at model.onnx (register a version from it). */
  finishedRunId: string;
  endpointId: string;
  endpointName: string;
  /** A SUCCEEDED deployment on the endpoint. */
  deploymentId: string;
  /** A production promotion waiting for approval, requested by someone else of the team. */
  promotionId: string;
  alertId: string;
  /** A planned A/B test on the endpoint, version 2 against version 1 (starting it is refused, stopping it is not). */
  abTestId: string;
  /** A label queue of the model (overlap 2), an item waiting for labels and one (labelled by others) for review. */
  labelQueueId: string;
  /** A second, empty label queue (for deleting). */
  spareQueueId: string;
  labelItemId: string;
  reviewItemId: string;
  /** A failed batch job of version 1 (resumable; cancelling it is a conflict, not a refusal). */
  batchJobId: string;
  /** A feature group of the team (entity key card_id, features a and b). */
  featureGroupName: string;
  requester: { userId: string };
};

export type World = {
  teams: Record<TeamSide, TeamWorld>;
  /** One person per role, all in the "own" team, each with an API token carrying every scope. */
  people: Record<Role, { userId: string; secret: string }>;
  /** Someone admins change the role and team of. */
  victimId: string;
};

async function givenPerson(role: Role, teamId: string | null, name: string) {
  return db().user.create({
    data: { email: `${unique(name)}@example.test`, name: `${name} ${role}`, role, teamId },
    select: { id: true },
  });
}

/** A token with every scope, as if issued before its owner's role changed: the role, not the scope, must refuse. */
async function givenToken(userId: string) {
  const secret = `mp_${randomBytes(24).toString("base64url")}`;
  await db().apiToken.create({
    data: {
      name: "matrix",
      prefix: secret.slice(0, 10),
      tokenHash: hashToken(secret),
      scopes: [...TOKEN_SCOPES],
      userId,
      expiresAt: new Date(Date.now() + 24 * 3600 * 1000),
    },
  });
  return secret;
}

async function givenRunWithModel(experimentId: string, userId: string) {
  const system = systemContextFromEnv();
  const run = await db().run.create({
    data: { experimentId, name: unique("trained"), status: "FINISHED", userId },
  });
  const blob = await system.artifacts.put(new Blob([new Uint8Array(onnxModel())]).stream(), {
    maxBytes: system.settings.artifactMaxBytes,
  });
  const artifact = await db().artifact.create({
    data: {
      runId: run.id,
      path: "model.onnx",
      sha256: blob.sha256,
      sizeBytes: BigInt(blob.sizeBytes),
      createdById: userId,
    },
  });
  return { run, artifact };
}

async function givenModelWithEndpoint(teamId: string, userId: string, artifactId: string, runId: string) {
  const model = await db().registeredModel.create({
    data: { name: unique("matrix-model"), teamId, taskType: "CLASSIFICATION", createdById: userId, latestVersion: 1 },
  });
  const version = await db().modelVersion.create({
    data: { modelId: model.id, version: 1, format: "ONNX", artifactId, sourceRunId: runId, createdById: userId },
  });
  await db().modelAlias.create({
    data: { modelId: model.id, alias: "old", versionId: version.id, updatedById: userId },
  });
  const endpoint = await db().endpoint.create({
    data: { name: unique("matrix-endpoint"), modelId: model.id, environment: "PRODUCTION", target: "SAGEMAKER" },
  });
  return { model, version, endpoint };
}

/** A planned test of the model's version 2 against version 1, pre-registered by the same planning as a real set-up. */
async function givenPlannedAbTest(
  model: { id: string; name: string },
  endpointId: string,
  champion: { id: string; artifactId: string | null },
  createdById: string,
) {
  const challenger = await db().modelVersion.create({
    data: { modelId: model.id, version: 2, format: "ONNX", artifactId: champion.artifactId, createdById },
  });
  await db().registeredModel.update({ where: { id: model.id }, data: { latestVersion: 2 } });
  const arms = [
    { versionId: champion.id, role: "CHAMPION" as const, variantName: "champion", weight: 50 },
    {
      versionId: challenger.id,
      role: "CHALLENGER" as const,
      variantName: versionVariantName(model.name, challenger.version),
      weight: 50,
    },
  ];
  const preRegistration = planTest(
    ENTERED_ACCURACY_PLAN,
    arms.map((arm) => ({ variantName: arm.variantName, weight: arm.weight, champion: arm.role === "CHAMPION" })),
    0,
    new Date(),
  );
  return db().abTest.create({
    data: {
      name: unique("matrix-ab"),
      endpointId,
      assignment: "REQUEST",
      salt: unique("salt"),
      createdById,
      preRegistration,
      arms: { create: arms },
    },
  });
}

async function givenPromotions(versionId: string, endpointId: string, requesterId: string) {
  const promotion = (status: "APPROVED" | "PENDING_APPROVAL") =>
    db().promotion.create({
      data: {
        versionId,
        environment: "PRODUCTION",
        target: "SAGEMAKER",
        strategy: { kind: "all-at-once" },
        status,
        reason: "matrix",
        requestedById: requesterId,
      },
    });
  const done = await promotion("APPROVED");
  const deployment = await db().deployment.create({
    data: { promotionId: done.id, endpointId, status: "SUCCEEDED", finishedAt: new Date() },
  });
  const pending = await promotion("PENDING_APPROVAL");
  return { deploymentId: deployment.id, promotionId: pending.id };
}

async function givenLabelQueue(modelId: string, endpointId: string, createdById: string) {
  const queue = await db().labelQueue.create({
    data: {
      modelId,
      name: "matrix",
      labelSchema: { kind: "classes", classes: ["0", "1"] },
      overlap: 2,
      sampling: {},
      salt: unique("salt"),
      createdById,
    },
  });
  const item = () => ({
    queueId: queue.id,
    predictionId: crypto.randomUUID(),
    endpointId,
    variantName: "blue",
    predictedAt: new Date(),
    inputs: {},
    outputs: {},
    stratum: "AUDIT",
    inclusionProbability: 1,
    budgetFactor: 1,
  });
  const waiting = await db().labelItem.create({ data: item() });
  const value = { kind: "classes", label: "1" };
  const inReview = await db().labelItem.create({
    data: {
      ...item(),
      status: "REVIEW",
      annotations: {
        create: [
          { annotatorId: createdById, round: 1, value },
          { annotatorId: "matrix-annotator", round: 1, value },
        ],
      },
    },
  });
  const spare = await db().labelQueue.create({
    data: { modelId, name: "matrix-spare", labelSchema: {}, sampling: {}, salt: unique("salt"), createdById },
  });
  return { labelQueueId: queue.id, spareQueueId: spare.id, labelItemId: waiting.id, reviewItemId: inReview.id };
}

export async function givenTeamWorld(name: string): Promise<TeamWorld> {
  const team = await db().team.create({ data: { name } });
  const requester = await givenPerson("DATA_SCIENTIST", team.id, "requester");
  const experiment = await db().experiment.create({
    data: { name: unique("matrix-exp"), teamId: team.id, createdById: requester.id },
  });
  const running = await db().run.create({
    data: { experimentId: experiment.id, name: unique("running"), userId: requester.id },
  });
  const { run, artifact } = await givenRunWithModel(experiment.id, requester.id);
  const { model, version, endpoint } = await givenModelWithEndpoint(team.id, requester.id, artifact.id, run.id);
  const { deploymentId, promotionId } = await givenPromotions(version.id, endpoint.id, requester.id);
  const alert = await db().alert.create({
    data: {
      kind: "BUDGET_FORECAST",
      severity: "WARNING",
      dedupeKey: unique("matrix-alert"),
      title: `${name} over budget`,
      message: "matrix",
      teamId: team.id,
    },
  });
  const abTest = await givenPlannedAbTest(model, endpoint.id, version, requester.id);
  const { labelQueueId, spareQueueId, labelItemId, reviewItemId } = await givenLabelQueue(
    model.id,
    endpoint.id,
    requester.id,
  );
  const batchJob = await db().batchJob.create({
    data: {
      versionId: version.id,
      status: "FAILED",
      inputArtifactId: artifact.id,
      inputFormat: "csv",
      keyColumns: ["id"],
      batchSize: 100,
      maxFailedRows: 0,
      inputBytes: artifact.sizeBytes,
      failureReason: "matrix",
      createdById: requester.id,
    },
  });
  const featureGroup = await db().featureGroup.create({
    data: {
      name: unique("matrix-cards"),
      teamId: team.id,
      entityKey: "card_id",
      features: ["a", "b"],
      createdById: requester.id,
    },
  });
  return {
    id: team.id,
    name,
    modelName: model.name,
    experimentId: experiment.id,
    runId: running.id,
    finishedRunId: run.id,
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    deploymentId,
    promotionId,
    alertId: alert.id,
    abTestId: abTest.id,
    labelQueueId,
    spareQueueId,
    labelItemId,
    reviewItemId,
    batchJobId: batchJob.id,
    featureGroupName: featureGroup.name,
    requester: { userId: requester.id },
  };
}

/** Two teams with one of everything each, and one person per role in the first. */
export async function givenWorld(): Promise<World> {
  const own = await givenTeamWorld("Matrix own team");
  const other = await givenTeamWorld("Matrix other team");
  const people = {} as Record<Role, { userId: string; secret: string }>;
  for (const role of ROLES) {
    const person = await givenPerson(role, own.id, "matrix");
    people[role] = { userId: person.id, secret: await givenToken(person.id) };
  }
  const victim = await givenPerson("DATA_SCIENTIST", other.id, "victim");
  return { teams: { own, other }, people, victimId: victim.id };
}

/**
 * A fingerprint of everything stored: per table, the md5 of its rows in a fixed order. Tokens' lastUsedAt is left out
 * (every authenticated REST call stamps it).
 */
export async function databaseFingerprint(): Promise<Record<string, string>> {
  const tables = await db().$queryRaw<{ name: string }[]>`
    SELECT table_name::text AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
    ORDER BY table_name`;
  const columns = tables.map(
    ({ name }) =>
      `(SELECT md5(coalesce(string_agg(r, ',' ORDER BY r), '')) FROM ` +
      `(SELECT (to_jsonb(t) - 'lastUsedAt')::text AS r FROM "${name}" t) s) AS "${name}"`,
  );
  const [row] = await db().$queryRawUnsafe<Record<string, string>[]>(`SELECT ${columns.join(", ")}`);
  return row ?? {};
}
