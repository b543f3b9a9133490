import path from "node:path";
import type { Db } from "@/server/db/client";
import type { DeploymentTargetKind } from "@/server/db/generated/enums";
import type { Prisma } from "@/server/db/generated/client";
import type {
  DeploymentTarget,
  EndpointSpec,
  VariantSizing,
  VariantSpec,
} from "@/server/integrations/targets/deployment-target";
import { signatureSchema } from "@/contracts/signature";
import { modelShapeSchema } from "@/contracts/vllm";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";
import { onlineFeaturesSchema } from "@/contracts/online-features";
import { asyncServingSchema, type AsyncServing } from "@/contracts/async-serving";
import { componentHostingSchema } from "@/contracts/component-hosting";

/**
 * The endpoint's own settings every apply carries with its variants (capture rate, scale to zero, online features,
 * SageMaker asynchronous serving and component hosting),
 * read from PostgreSQL right before the apply: a change made while a rollout baked is what the next apply carries,
 * and a runtime that missed an in-place change gets it with the next deployment or rollback.
 */
async function endpointSettings(
  database: Db,
  endpointId: string,
): Promise<
  Pick<
    EndpointSpec,
    "captureRate" | "scaleToZeroIdleSeconds" | "onlineFeatures" | "asyncInference" | "componentHosting"
  >
> {
  const endpoint = await database.endpoint.findUniqueOrThrow({
    where: { id: endpointId },
    select: {
      captureRate: true,
      scaleToZeroIdleSeconds: true,
      onlineFeatures: true,
      asyncServing: true,
      componentHosting: true,
    },
  });
  return {
    captureRate: endpoint.captureRate,
    scaleToZeroIdleSeconds: endpoint.scaleToZeroIdleSeconds,
    onlineFeatures: endpoint.onlineFeatures === null ? null : onlineFeaturesSchema.parse(endpoint.onlineFeatures),
    asyncInference: endpoint.asyncServing === null ? null : asyncServingSchema.parse(endpoint.asyncServing),
    componentHosting:
      endpoint.componentHosting === null ? null : componentHostingSchema.parse(endpoint.componentHosting),
  };
}

type EndpointSettings = Awaited<ReturnType<typeof endpointSettings>>;

/**
 * Applies the variants with the endpoint's settings as PostgreSQL holds them, again while they changed meanwhile: a
 * setting changed in place during the apply (and told the runtime then) is never undone by this apply's older copy.
 */
export async function applyWithSettings(
  database: Db,
  target: Pick<DeploymentTarget, "apply">,
  endpointId: string,
  spec: Omit<EndpointSpec, keyof EndpointSettings>,
  options?: Parameters<DeploymentTarget["apply"]>[1],
  /** The serving mode to apply instead of the row's (a rollback restores the one it replaced). */
  asyncInference?: AsyncServing | null,
): Promise<void> {
  let settings = await endpointSettings(database, endpointId);
  if (asyncInference !== undefined) settings = { ...settings, asyncInference };
  for (;;) {
    await target.apply({ ...spec, ...settings }, options);
    // The serving mode is not changed in place (SageMaker needs a new fleet for it): the next release carries it.
    const now = { ...(await endpointSettings(database, endpointId)), asyncInference: settings.asyncInference };
    if (JSON.stringify(now) === JSON.stringify(settings)) return;
    settings = now;
  }
}

/** A version as a variant needs it: model, artifact and the reference bins the runtime counts served features into. */
export const versionInclude = {
  model: true,
  artifact: true,
  reference: {
    select: {
      features: { orderBy: { position: "asc" }, select: { name: true, kind: true, edges: true, categories: true } },
    },
  },
} as const;

export function loadDeployment(database: Db, deploymentId: string) {
  return database.deployment.findUnique({
    where: { id: deploymentId },
    include: {
      endpoint: { include: { variants: { orderBy: { variantName: "asc" } } } },
      promotion: { include: { version: { include: versionInclude } } },
    },
  });
}

export type LoadedDeployment = NonNullable<Awaited<ReturnType<typeof loadDeployment>>>;
export type DeployableVersion = LoadedDeployment["promotion"]["version"];

/** Where a target finds an artifact's bytes. */
export type ArtifactLocator = (
  artifact: { sha256: string; path: string },
  kind: DeploymentTargetKind,
) => Promise<string>;

/** The spec a target serves a version from; a version that cannot be served is a failure of the release. */
export async function toVariantSpec(
  version: DeployableVersion,
  placement: { variantName: string; weight: number; sizing?: VariantSizing },
  kind: DeploymentTargetKind,
  artifactUri: ArtifactLocator,
): Promise<VariantSpec> {
  const artifact = version.artifact;
  if (!artifact) throw new DeploymentFailure(`Version ${version.version} has no artifact`);
  const signature = signatureSchema.safeParse(version.signature);
  if (!signature.success) throw new DeploymentFailure(`Version ${version.version} has no valid input signature`);
  return {
    variantName: placement.variantName,
    modelName: version.model.name,
    version: version.version,
    format: version.format,
    artifactUri: await artifactUri(artifact, kind),
    artifactSha256: artifact.sha256,
    artifactFileName: path.posix.basename(artifact.path),
    signature: signature.data,
    weight: placement.weight,
    ...(version.reference ? { featureBins: version.reference.features } : {}),
    ...llmProfile(version),
    ...placement.sizing,
  };
}

/** A VLLM version's stored shape and weight size (see VariantSpec.llm); nothing for versions without them. */
export function llmProfile(version: {
  format: DeployableVersion["format"];
  llmShape: unknown;
  weightBytes: bigint | null;
}) {
  if (version.format !== "VLLM" || version.weightBytes === null) return {};
  const shape = modelShapeSchema.safeParse(version.llmShape);
  return { llm: { shape: shape.success ? shape.data : null, weightBytes: Number(version.weightBytes) } };
}

export type RecordedVariant = {
  versionId: string;
  variantName: string;
  weight: number;
  sizing?: VariantSizing;
  /** Mirrored to (an A/B test's shadow mode); false when absent. */
  shadow?: boolean;
};

/**
 * Writes the variants the endpoint now serves, in one transaction, so the UI, cost and the next deployment see them.
 * A variant keeps its recorded sizing unless a new one is given.
 */
export async function recordVariants(database: Db, endpointId: string, variants: RecordedVariant[]) {
  await database.$transaction((tx) => writeVariants(tx, endpointId, variants));
}

/** recordVariants inside a caller's transaction. */
export async function writeVariants(tx: Prisma.TransactionClient, endpointId: string, variants: RecordedVariant[]) {
  await tx.endpointVariant.deleteMany({
    where: { endpointId, variantName: { notIn: variants.map((v) => v.variantName) } },
  });
  for (const v of variants) {
    const shadow = v.shadow ?? false;
    await tx.endpointVariant.upsert({
      where: { endpointId_variantName: { endpointId, variantName: v.variantName } },
      create: { endpointId, versionId: v.versionId, variantName: v.variantName, weight: v.weight, shadow, ...v.sizing },
      update: { versionId: v.versionId, weight: v.weight, shadow, ...v.sizing },
    });
  }
}
