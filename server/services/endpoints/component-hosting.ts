import type { z } from "zod";
import { DEPLOYMENT_ACTIVE_STATUSES } from "@/contracts/enums";
import {
  componentHostingSchema,
  sameFleet,
  setComponentHostingInput,
  type ComponentHosting,
} from "@/contracts/component-hosting";
import { Prisma } from "@/server/db/generated/client";
import { conflict, isUniqueViolation, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { endpointNameFor } from "@/server/services/endpoints/endpoint-name";
import { lockEndpointRow } from "@/server/services/endpoints/lock-endpoint";
import type { ComponentHostingSetting } from "@/server/services/endpoints/schemas";
import { parseInput } from "@/server/services/parse-input";

type Tx = Prisma.TransactionClient;

const endpointState = {
  id: true,
  name: true,
  asyncServing: true,
  componentHosting: true,
  _count: {
    select: {
      variants: true,
      abTests: { where: { status: { in: ["PLANNED", "SHADOW", "RUNNING"] } } },
      deployments: { where: { status: { in: [...DEPLOYMENT_ACTIVE_STATUSES] } } },
    },
  },
} satisfies Prisma.EndpointSelect;
type EndpointState = Prisma.EndpointGetPayload<{ select: typeof endpointState }>;

const readHosting = (stored: unknown): ComponentHosting | null =>
  stored === null ? null : componentHostingSchema.parse(stored);

/**
 * Why this endpoint cannot take the hosting now, or nothing. SageMaker hosts components only on an endpoint created for
 * them and cannot change a serving fleet in place, so an endpoint that serves keeps its kind of hosting and its fleet;
 * components answer in real time, one version each, so neither the asynchronous mode nor an A/B test goes with them.
 */
function refusal(endpoint: EndpointState, hosting: ComponentHosting | null): string | null {
  const current = readHosting(endpoint.componentHosting);
  const { variants, abTests, deployments } = endpoint._count;
  if (deployments > 0) return `${endpoint.name} has a deployment in progress; change its hosting once it has ended`;
  if (hosting && endpoint.asyncServing !== null)
    return `${endpoint.name} serves asynchronously; inference components answer in real time — turn it real time first`;
  if (hosting && abTests > 0)
    return `${endpoint.name} has an A/B test that has not ended; a component endpoint serves one version — end the test first`;
  if (variants === 0) return null;
  if (!current && hosting)
    return `${endpoint.name} serves on dedicated instances; SageMaker hosts inference components only on an endpoint created for them`;
  if (current && !hosting)
    return `${endpoint.name} hosts inference components; SageMaker cannot move a serving endpoint to dedicated instances`;
  if (current && hosting && !sameFleet(current, hosting))
    return `${endpoint.name} serves on ${current.instanceType} × ${current.minInstances}–${current.maxInstances}; the fleet of a serving endpoint cannot change (only what a copy reserves and its scaling can)`;
  return null;
}

async function findEndpoint(tx: Tx, modelId: string, environment: ComponentHostingInput["environment"]) {
  const key = { modelId_environment_target: { modelId, environment, target: "SAGEMAKER" as const } };
  const found = await tx.endpoint.findUnique({ where: key, select: { id: true } });
  if (!found) return null;
  await lockEndpointRow(tx, found.id);
  return tx.endpoint.findUniqueOrThrow({ where: { id: found.id }, select: endpointState });
}

type ComponentHostingInput = z.infer<typeof setComponentHostingInput>;

async function writeHosting(tx: Tx, ctx: ServiceContext, input: ComponentHostingInput) {
  const model = await tx.registeredModel.findUnique({ where: { name: input.modelName }, select: { id: true } });
  if (!model) throw notFound(`Model ${input.modelName}`);
  const endpoint = await findEndpoint(tx, model.id, input.environment);
  if (!endpoint && !input.hosting)
    throw notFound(`A SageMaker endpoint of ${input.modelName} in ${input.environment.toLowerCase()}`);
  const why = endpoint && refusal(endpoint, input.hosting);
  if (why) throw conflict(why);
  const hosting = input.hosting ?? Prisma.DbNull;
  const written = endpoint
    ? await tx.endpoint.update({ where: { id: endpoint.id }, data: { componentHosting: hosting } })
    : await tx.endpoint.create({
        data: {
          name: endpointNameFor(input.modelName, input.environment, "SAGEMAKER"),
          modelId: model.id,
          environment: input.environment,
          target: "SAGEMAKER",
          componentHosting: hosting,
        },
      });
  await recordAudit(tx, ctx.actor, {
    action: "endpoint.component-hosting",
    entityType: "Endpoint",
    entityId: written.id,
    before: { hosting: endpoint ? endpoint.componentHosting : null, created: !endpoint },
    after: { hosting: input.hosting },
  });
  return written;
}

/**
 * Hosts a model's SageMaker endpoint in an environment as inference components on one managed fleet (or back on
 * dedicated instances), audited in one transaction; the endpoint's row is created when the model has none there yet,
 * so a new endpoint can be hosted so from its first deployment. The deployment applies it.
 */
export async function setComponentHosting(
  ctx: ServiceContext,
  rawInput: z.input<typeof setComponentHostingInput>,
): Promise<ComponentHostingSetting> {
  const input = parseInput(setComponentHostingInput, rawInput);
  const written = await ctx.db
    .$transaction((tx) => writeHosting(tx, ctx, input))
    .catch((error: unknown) => {
      // Someone (a promotion, or this same request twice) created the endpoint at the same moment.
      if (isUniqueViolation(error)) throw conflict("The endpoint was just created by someone else; try again");
      throw error;
    });
  return { endpointId: written.id, endpointName: written.name, hosting: input.hosting, appliesWith: "next-deployment" };
}
