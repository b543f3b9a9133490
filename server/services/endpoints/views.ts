import { componentHostingSchema } from "@/contracts/component-hosting";
import { asyncServingSchema } from "@/contracts/async-serving";
import { signatureSchema, type Signature } from "@/contracts/signature";
import { onlineFeaturesSchema } from "@/contracts/online-features";
import { firstEntityId, lookupExampleRow } from "@/server/services/endpoints/lookup-example";
import { z } from "zod";
import type { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { listEndpointsInput, type EndpointDetail, type EndpointList } from "@/server/services/endpoints/schemas";

const variantSelect = {
  id: true,
  variantName: true,
  weight: true,
  instanceType: true,
  instanceCount: true,
  updatedAt: true,
  version: { select: { id: true, version: true } },
} satisfies Prisma.EndpointVariantSelect;

const deploymentSummarySelect = {
  id: true,
  status: true,
  createdAt: true,
  finishedAt: true,
} satisfies Prisma.DeploymentSelect;

/** Every endpoint with what it serves (variants and weights) and how its latest deployment went; by model name. */
export async function listEndpoints(
  ctx: ReadContext,
  rawInput: z.input<typeof listEndpointsInput> = {},
): Promise<EndpointList> {
  const input = parseInput(listEndpointsInput, rawInput);
  const where: Prisma.EndpointWhereInput = {
    ...(input.search ? { model: { name: { contains: input.search, mode: "insensitive" } } } : {}),
    ...(input.environment ? { environment: input.environment } : {}),
    ...(input.target ? { target: input.target } : {}),
  };
  const [total, endpoints] = await Promise.all([
    ctx.db.endpoint.count({ where }),
    ctx.db.endpoint.findMany({
      where,
      orderBy: [{ model: { name: "asc" } }, { environment: "asc" }, { target: "asc" }],
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
      select: {
        id: true,
        name: true,
        environment: true,
        target: true,
        updatedAt: true,
        model: { select: { name: true, isDemo: true } },
        variants: { select: variantSelect, orderBy: [{ weight: "desc" }, { variantName: "asc" }] },
        deployments: { select: deploymentSummarySelect, orderBy: { createdAt: "desc" }, take: 1 },
      },
    }),
  ]);
  const items = endpoints.map(({ deployments, ...endpoint }) => {
    const latestDeployment = deployments[0] ?? null;
    return {
      ...endpoint,
      latestDeployment,
      updatedAt: lastChange(endpoint.updatedAt, endpoint.variants, latestDeployment),
    };
  });
  return { items, total, page: input.page, pageSize: input.pageSize };
}

/** When what the endpoint serves last changed: a deployment finishing or starting, a weight moving. */
function lastChange(
  updatedAt: Date,
  variants: { updatedAt: Date }[],
  deployment: { createdAt: Date; finishedAt: Date | null } | null,
): Date {
  const times = [
    updatedAt,
    ...variants.map((v) => v.updatedAt),
    deployment?.finishedAt ?? deployment?.createdAt ?? updatedAt,
  ];
  return new Date(Math.max(...times.map((t) => t.getTime())));
}

const HISTORY_LIMIT = 50;

/**
 * One endpoint: its variants, its deployment history (newest first), the version a rollback would put back (the
 * latest healthy version other than the current one, as rollBackEndpoint chooses it) and an example request row.
 */
export async function getEndpoint(ctx: ReadContext, endpointId: string): Promise<EndpointDetail> {
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { id: endpointId },
    select: {
      id: true,
      name: true,
      environment: true,
      target: true,
      sloP99Ms: true,
      sloAvailability: true,
      captureRate: true,
      captureRetentionDays: true,
      scaleToZeroIdleSeconds: true,
      onlineFeatures: true,
      asyncServing: true,
      componentHosting: true,
      createdAt: true,
      updatedAt: true,
      model: { select: { name: true, taskType: true, isDemo: true, teamId: true } },
      variants: { select: variantSelect, orderBy: [{ weight: "desc" }, { variantName: "asc" }] },
      deployments: {
        orderBy: { createdAt: "desc" },
        take: HISTORY_LIMIT,
        select: {
          ...deploymentSummarySelect,
          failureReason: true,
          promotion: {
            select: {
              reason: true,
              strategy: true,
              version: { select: { version: true } },
              requestedBy: { select: { name: true } },
            },
          },
        },
      },
    },
  });
  if (!endpoint) throw notFound("Endpoint");
  const [rollbackCandidate, serving] = await Promise.all([
    rollbackCandidateOf(ctx, endpoint.id),
    servingVersion(ctx, endpoint),
  ]);
  const onlineFeatures = endpoint.onlineFeatures === null ? null : onlineFeaturesSchema.parse(endpoint.onlineFeatures);
  const lookup = onlineFeatures?.lookup;
  if (lookup && serving?.exampleRow)
    serving.exampleRow = lookupExampleRow(serving.exampleRow, lookup, await firstEntityId(ctx, lookup));
  const asyncServing = endpoint.asyncServing === null ? null : asyncServingSchema.parse(endpoint.asyncServing);
  const componentHosting =
    endpoint.componentHosting === null ? null : componentHostingSchema.parse(endpoint.componentHosting);
  return { ...endpoint, onlineFeatures, asyncServing, componentHosting, rollbackCandidate, serving };
}

async function rollbackCandidateOf(ctx: ReadContext, endpointId: string) {
  const succeeded = await ctx.db.deployment.findMany({
    where: { endpointId, status: "SUCCEEDED" },
    orderBy: { finishedAt: "desc" },
    select: { promotion: { select: { versionId: true, version: { select: { version: true } } } } },
  });
  const current = succeeded[0]?.promotion;
  const previous = succeeded.find((d) => d.promotion.versionId !== current?.versionId)?.promotion;
  return current && previous ? { fromVersion: current.version.version, toVersion: previous.version.version } : null;
}

/** The version taking most of the traffic, with its signature and an example row built from it. */
async function servingVersion(ctx: ReadContext, endpoint: { variants: { weight: number; version: { id: string } }[] }) {
  const main = endpoint.variants.find((v) => v.weight > 0);
  if (!main) return null;
  const version = await ctx.db.modelVersion.findUniqueOrThrow({
    where: { id: main.version.id },
    select: {
      version: true,
      signature: true,
      reference: { select: { features: { select: { name: true, kind: true, edges: true, categories: true } } } },
    },
  });
  const signature = signatureSchema.safeParse(version.signature);
  if (!signature.success) return { version: version.version, signature: null, exampleRow: null };
  return {
    version: version.version,
    signature: signature.data,
    exampleRow: exampleRow(signature.data, version.reference?.features ?? []),
  };
}

type ReferenceHint = { name: string; kind: "NUMERIC" | "CATEGORICAL"; edges: number[]; categories: string[] };

/**
 * A plausible request row: the middle bin edge of the reference distribution (roughly the median) or its first
 * category when the version has a reference profile, otherwise a zero, "" or false of the input's type.
 */
export function exampleRow(
  signature: Signature,
  reference: ReferenceHint[],
): Record<string, number | string | boolean> {
  const hints = new Map(reference.map((f) => [f.name, f]));
  return Object.fromEntries(
    signature.inputs.map((input) => {
      const hint = hints.get(input.name);
      switch (input.type) {
        case "float32":
        case "float64": {
          const middle = hint?.kind === "NUMERIC" ? hint.edges[Math.floor(hint.edges.length / 2)] : undefined;
          return [input.name, middle !== undefined && Number.isFinite(middle) ? Number(middle.toPrecision(4)) : 0];
        }
        case "int64": {
          const middle = hint?.kind === "NUMERIC" ? hint.edges[Math.floor(hint.edges.length / 2)] : undefined;
          return [input.name, middle !== undefined && Number.isFinite(middle) ? Math.round(middle) : 0];
        }
        case "string":
          return [input.name, hint?.kind === "CATEGORICAL" ? (hint.categories[0] ?? "") : ""];
        case "bool":
          return [input.name, false];
      }
    }),
  );
}
