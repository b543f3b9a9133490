import { type GuardrailSource } from "@/server/integrations/targets/guardrail-source";
import type { Db } from "@/server/db/client";
import type { DeploymentTargetKind } from "@/server/db/generated/enums";
import type {
  DeploymentTarget,
  EndpointSpec,
  VariantSizing,
  VariantSpec,
} from "@/server/integrations/targets/deployment-target";
import { signatureSchema } from "@/contracts/signature";
import { setAlias } from "@/server/services/registry/set-alias";
import { DeploymentFailure, isPermanentTargetError, runStep } from "@/server/services/deployments/deployment-steps";
import { DEFAULT_GUARDRAILS, guardrailBreach, type GuardrailLimits } from "@/server/services/deployments/guardrails";
import { rolloutSteps, splitTraffic } from "@/server/services/deployments/rollout-plan";
import { rolloutStrategySchema } from "@/contracts/deployments";

/** Everything a deployment needs from the outside world; the worker wires the real ones, tests their own. */
export type DeploymentRuntime = {
  target: (kind: DeploymentTargetKind) => DeploymentTarget;
  artifactUri: (artifact: { sha256: string }, kind: DeploymentTargetKind) => string;
  artifactExists: (sha256: string) => Promise<boolean>;
  guardrails: GuardrailSource;
  limits?: GuardrailLimits;
  sleep: (ms: number) => Promise<void>;
  healthTimeoutMs: number;
  guardrailPollMs: number;
};

const ALIAS = { STAGING: "staging", PRODUCTION: "production" } as const;

export function variantNameOf(modelName: string, version: number) {
  return `${modelName}-v${version}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63);
}

/** A version as a variant needs it: model, artifact and the reference bins the runtime counts served features into. */
const versionInclude = {
  model: true,
  artifact: true,
  reference: {
    select: {
      features: { orderBy: { position: "asc" }, select: { name: true, kind: true, edges: true, categories: true } },
    },
  },
} as const;

async function loadDeployment(database: Db, deploymentId: string) {
  return database.deployment.findUnique({
    where: { id: deploymentId },
    include: {
      endpoint: { include: { variants: { include: { version: { include: versionInclude } } } } },
      promotion: { include: { version: { include: versionInclude } } },
    },
  });
}

type Loaded = NonNullable<Awaited<ReturnType<typeof loadDeployment>>>;
type VersionWithArtifact = Loaded["promotion"]["version"];

function toVariantSpec(
  version: VersionWithArtifact,
  weight: number,
  kind: DeploymentTargetKind,
  runtime: DeploymentRuntime,
  sizing?: VariantSizing,
): VariantSpec {
  const artifact = version.artifact;
  if (!artifact) throw new DeploymentFailure(`Version ${version.version} has no artifact`);
  const signature = signatureSchema.safeParse(version.signature);
  if (!signature.success) throw new DeploymentFailure(`Version ${version.version} has no valid input signature`);
  return {
    variantName: variantNameOf(version.model.name, version.version),
    modelName: version.model.name,
    version: version.version,
    format: version.format,
    artifactUri: runtime.artifactUri(artifact, kind),
    artifactSha256: artifact.sha256,
    signature: signature.data,
    weight,
    ...(version.reference ? { featureBins: version.reference.features } : {}),
    ...sizing,
  };
}

type RecordedVariant = { versionId: string; variantName: string; weight: number; sizing?: VariantSizing };

/** Writes the variants the endpoint now serves, so the UI, cost and the next deployment see them. Sizing is set once, when a variant is added. */
async function recordVariants(database: Db, endpointId: string, variants: RecordedVariant[]) {
  await database.$transaction([
    database.endpointVariant.deleteMany({
      where: { endpointId, variantName: { notIn: variants.map((v) => v.variantName) } },
    }),
    ...variants.map((v) =>
      database.endpointVariant.upsert({
        where: { endpointId_variantName: { endpointId, variantName: v.variantName } },
        create: { endpointId, versionId: v.versionId, variantName: v.variantName, weight: v.weight, ...v.sizing },
        update: { weight: v.weight },
      }),
    ),
  ]);
}

/**
 * Runs a deployment's state machine: validate the artifact → put the candidate on the endpoint → wait until
 * healthy → shift traffic step by step, baking each step while watching the candidate's guardrails → move the
 * environment's alias. Every step is recorded and skipped when it already succeeded, so a crashed worker resumes
 * and never creates a second endpoint. An unhealthy endpoint or a guardrail breach rolls back to the variants
 * that served before, records why, and leaves the alias where it was.
 */
export async function runDeployment(database: Db, deploymentId: string, runtime: DeploymentRuntime) {
  const deployment = await loadDeployment(database, deploymentId);
  // A job outliving its deployment (a dropped database, a queue that kept old jobs) has nothing left to do.
  if (!deployment) return "MISSING" as const;
  if (["SUCCEEDED", "FAILED", "ROLLED_BACK"].includes(deployment.status)) return deployment.status;
  await database.$transaction([
    database.deployment.update({
      where: { id: deploymentId },
      data: { status: "RUNNING", startedAt: deployment.startedAt ?? new Date() },
    }),
    database.promotion.update({ where: { id: deployment.promotionId }, data: { status: "DEPLOYING" } }),
  ]);
  try {
    await deploySteps(database, deployment, runtime);
  } catch (error) {
    if (!(error instanceof DeploymentFailure) && !isPermanentTargetError(error)) throw error;
    await rollBack(database, deploymentId, runtime, error.message);
    return "ROLLED_BACK" as const;
  }
  return "SUCCEEDED" as const;
}

async function deploySteps(database: Db, deployment: Loaded, runtime: DeploymentRuntime) {
  const { endpoint, promotion } = deployment;
  const kind = endpoint.target;
  const target = runtime.target(kind);
  const candidate = toVariantSpec(promotion.version, 0, kind, runtime);
  const id = deployment.id;

  await runStep(database, id, "validate-artifact", async () => {
    if (!(await runtime.artifactExists(candidate.artifactSha256)))
      throw new DeploymentFailure("The artifact's bytes are missing from the artifact store");
    return { sha256: candidate.artifactSha256 };
  });

  const applied = await runStep(database, id, "apply-endpoint", async () => {
    const incumbents = endpoint.variants.filter((v) => v.variantName !== candidate.variantName && v.weight > 0);
    const previous = Object.fromEntries(incumbents.map((v) => [v.variantName, v.weight]));
    const previousVersionIds = Object.fromEntries(incumbents.map((v) => [v.variantName, v.versionId]));
    const first = incumbents.length === 0;
    const spec: EndpointSpec = {
      endpointName: endpoint.name,
      variants: [
        ...incumbents.map((v) =>
          toVariantSpec(v.version, v.weight, kind, runtime, {
            instanceType: v.instanceType,
            instanceCount: v.instanceCount,
          }),
        ),
        { ...candidate, weight: first ? 100 : 0 },
      ],
    };
    await target.apply(spec, { rollout: rolloutStrategySchema.parse(promotion.strategy) });
    await recordVariants(database, endpoint.id, [
      ...incumbents.map((v) => ({ versionId: v.versionId, variantName: v.variantName, weight: v.weight })),
      {
        versionId: promotion.versionId,
        variantName: candidate.variantName,
        weight: first ? 100 : 0,
        sizing: target.sizing(candidate),
      },
    ]);
    return { previous, previousVersionIds };
  });

  await runStep(database, id, "wait-healthy", async () => {
    const state = await target.waitUntilSettled(endpoint.name, { timeoutMs: runtime.healthTimeoutMs });
    if (state.status !== "healthy")
      throw new DeploymentFailure(
        `Endpoint did not become healthy: ${state.status}${state.message ? ` (${state.message})` : ""}`,
      );
    return { status: state.status };
  });

  const steps = rolloutSteps(rolloutStrategySchema.parse(promotion.strategy));
  for (const [index, step] of steps.entries()) {
    await runStep(database, id, `shift-traffic:${index + 1}`, async () => {
      const weights = splitTraffic(candidate.variantName, step.candidatePercent, applied.previous);
      await target.setWeights(endpoint.name, weights);
      const versionIds: Record<string, string> = {
        ...applied.previousVersionIds,
        [candidate.variantName]: promotion.versionId,
      };
      await recordVariants(
        database,
        endpoint.id,
        Object.entries(weights).map(([variantName, weight]) => ({
          variantName,
          weight,
          versionId: versionIds[variantName] ?? promotion.versionId,
        })),
      );
      return { weights };
    });
    if (step.bakeSeconds > 0) {
      await runStep(database, id, `bake:${index + 1}`, () =>
        bake(endpoint.name, candidate.variantName, step.bakeSeconds, runtime),
      );
    }
  }

  await runStep(database, id, "finalize", async () => {
    await target.apply({ endpointName: endpoint.name, variants: [{ ...candidate, weight: 100 }] });
    await recordVariants(database, endpoint.id, [
      { versionId: promotion.versionId, variantName: candidate.variantName, weight: 100 },
    ]);
    return { variants: [candidate.variantName] };
  });

  await runStep(database, id, "move-alias", async () => {
    const alias = ALIAS[promotion.environment];
    const current = await database.modelAlias.findUnique({
      where: { modelId_alias: { modelId: promotion.version.modelId, alias } },
    });
    if (current?.versionId !== promotion.versionId) {
      const actor = await database.user.findUniqueOrThrow({
        where: { id: promotion.requestedById },
        select: { id: true, role: true },
      });
      await setAlias(
        { db: database, actor: { userId: actor.id, role: actor.role } },
        promotion.version.model.name,
        alias,
        {
          version: promotion.version.version,
          reason: `Deployment ${id} to ${endpoint.name} succeeded: ${promotion.reason}`.slice(0, 500),
        },
      );
    }
    return { alias };
  });

  const finishedAt = new Date();
  await database.$transaction([
    database.deployment.update({ where: { id }, data: { status: "SUCCEEDED", finishedAt } }),
    database.promotion.update({ where: { id: promotion.id }, data: { status: "SUCCEEDED" } }),
  ]);
}

async function bake(endpointName: string, variantName: string, bakeSeconds: number, runtime: DeploymentRuntime) {
  const limits = runtime.limits ?? DEFAULT_GUARDRAILS;
  const deadline = Date.now() + bakeSeconds * 1000;
  let checks = 0;
  while (Date.now() < deadline) {
    await runtime.sleep(Math.min(runtime.guardrailPollMs, Math.max(0, deadline - Date.now())));
    const reading = await runtime.guardrails.read(endpointName, variantName, bakeSeconds);
    checks++;
    const breach = guardrailBreach(reading, limits);
    if (breach) throw new DeploymentFailure(`Guardrail breached by ${variantName}: ${breach}`);
  }
  return { checks };
}

/** Puts the endpoint back to the variants that served before this deployment and records why. */
export async function rollBack(database: Db, deploymentId: string, runtime: DeploymentRuntime, reason: string) {
  const deployment = await loadDeployment(database, deploymentId);
  if (!deployment) return;
  const { endpoint, promotion } = deployment;
  const kind = endpoint.target;
  const target = runtime.target(kind);
  await runStep(database, deploymentId, "rollback", async () => {
    const applied = await database.deploymentEvent.findFirst({
      where: { deploymentId, step: "apply-endpoint", outcome: "SUCCEEDED" },
    });
    const previous = (applied?.details ?? { previous: {}, previousVersionIds: {} }) as {
      previous: Record<string, number>;
      previousVersionIds: Record<string, string>;
    };
    const versions = await database.modelVersion.findMany({
      where: { id: { in: Object.values(previous.previousVersionIds) } },
      include: versionInclude,
    });
    const byId = new Map(versions.map((v) => [v.id, v]));
    const restored = Object.entries(previous.previous).flatMap(([variantName, weight]) => {
      const version = byId.get(previous.previousVersionIds[variantName] ?? "");
      return version ? [{ spec: toVariantSpec(version, weight, kind, runtime), versionId: version.id }] : [];
    });
    if (restored.length === 0) {
      await target.delete(endpoint.name);
    } else {
      await target.apply({ endpointName: endpoint.name, variants: restored.map((r) => r.spec) });
    }
    await recordVariants(
      database,
      endpoint.id,
      restored.map((r) => ({
        versionId: r.versionId,
        variantName: r.spec.variantName,
        weight: r.spec.weight,
        sizing: target.sizing(r.spec),
      })),
    );
    return { restored: restored.map((r) => r.spec.variantName), reason };
  });
  const finishedAt = new Date();
  await database.$transaction([
    database.deployment.update({
      where: { id: deploymentId },
      data: { status: "ROLLED_BACK", failureReason: reason, finishedAt },
    }),
    database.promotion.update({ where: { id: promotion.id }, data: { status: "ROLLED_BACK" } }),
  ]);
}
