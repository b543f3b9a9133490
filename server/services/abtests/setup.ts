import { randomBytes } from "node:crypto";
import type { z } from "zod";
import {
  AB_METRICS,
  createAbTestInput,
  defaultGuardrails,
  metricFitsTask,
  type AbMetricKey,
} from "@/contracts/abtests";
import type { Prisma } from "@/server/db/generated/client";
import { badRequest, conflict, isUniqueViolation, notFound } from "@/server/errors";
import { versionVariantName } from "@/server/integrations/targets/variant-name";
import {
  BASELINE_WINDOW_DAYS,
  measuredBaseline,
  MIN_BASELINE_UNITS,
  unitsPerDay,
} from "@/server/services/abtests/measured-baseline";
import { PlanError, planTest, type PlanInput } from "@/server/services/abtests/pre-registration";
import {
  listAbTestsInput,
  type abTestListOutput,
  type abTestOutput,
  type abTestPreviewOutput,
} from "@/server/services/abtests/schemas";
import { summaryView, testInclude, testView } from "@/server/services/abtests/test-view";
import { lockEndpointRow } from "@/server/services/endpoints/lock-endpoint";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";

type SetupContext = Pick<ServiceContext, "db" | "actor" | "clock">;

type EndpointRow = Prisma.EndpointGetPayload<{ include: { model: true; variants: { include: { version: true } } } }>;

/** The version the endpoint serves alone: a test compares challengers against it. */
function championOf(endpoint: EndpointRow) {
  const serving = endpoint.variants.filter((variant) => variant.weight > 0);
  const versions = new Set(serving.map((variant) => variant.versionId));
  if (versions.size === 0) throw conflict(`Endpoint "${endpoint.name}" serves no version yet: deploy a champion first`);
  if (versions.size > 1)
    throw conflict(
      `Endpoint "${endpoint.name}" already splits traffic between versions (a rollout or another test): wait until one version serves it`,
    );
  // The champion keeps the variant it serves under (SageMaker names its variant after a slot, not a version).
  return { ...serving[0]!.version, variantName: serving[0]!.variantName };
}

/**
 * An asynchronous SageMaker endpoint serves one variant, and a component endpoint one version per component that each
 * request names (SageMaker splits no traffic between them): versions are compared on real-time variant endpoints.
 */
function assertRealTime(endpoint: { name: string; asyncServing: unknown; componentHosting: unknown }) {
  if (endpoint.asyncServing !== null)
    throw conflict(
      `Endpoint "${endpoint.name}" serves asynchronously on SageMaker, with one variant: turn it back to real time to test versions on it`,
    );
  if (endpoint.componentHosting !== null)
    throw conflict(
      `Endpoint "${endpoint.name}" hosts its versions as SageMaker inference components, which split no traffic: test versions on an endpoint with dedicated instances`,
    );
}

function checkMetricsFit(taskType: string, keys: readonly AbMetricKey[]) {
  const misfits = keys.filter((key) => !metricFitsTask(key, taskType));
  if (misfits.length > 0)
    throw badRequest(
      `${misfits.map((key) => AB_METRICS[key].label).join(", ")} does not apply to a ${taskType.toLowerCase()} model`,
    );
}

type Parsed = z.output<typeof createAbTestInput>;
type SetupReader = Pick<Prisma.TransactionClient, "endpoint" | "modelVersion" | "$queryRaw">;

/**
 * Everything a set-up implies, checked: the endpoint's serving version as the champion, the challengers (other
 * versions of the same model), the metrics (fitting the model's task), and the pre-registration — the baseline
 * entered or measured from the champion's last 28 days of ground truth, the units each arm needs under the mSPRT
 * design and the days that takes at the last 7 days' traffic. Writes nothing.
 */
async function prepareAbTest(db: SetupReader, parsed: Parsed, now: Date) {
  const endpoint = await db.endpoint.findUnique({
    where: { name: parsed.endpointName },
    include: { model: true, variants: { include: { version: true } } },
  });
  if (!endpoint) throw notFound(`Endpoint "${parsed.endpointName}"`);
  assertRealTime(endpoint);
  const { model } = endpoint;
  const champion = championOf(endpoint);
  const { primaryMetric } = parsed.preRegistration;
  const guardrails = parsed.guardrails ?? defaultGuardrails(primaryMetric);
  checkMetricsFit(model.taskType, [primaryMetric, ...guardrails, ...parsed.secondary]);
  const challengers = await Promise.all(
    parsed.challengers.map(async ({ version, weight }) => {
      if (version === champion.version)
        throw badRequest(`Version ${version} is the champion: a challenger is another version`);
      const row = await db.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version } } });
      if (!row) throw notFound(`Version ${version} of "${model.name}"`);
      return { row, weight };
    }),
  );
  const measured =
    parsed.preRegistration.baseline !== undefined
      ? undefined
      : await measuredBaseline({ db }, endpoint.id, champion.id, model, primaryMetric, now);
  const baseline = parsed.preRegistration.baseline ?? measured?.baseline;
  if (baseline === undefined) throw badRequest(missingBaseline(primaryMetric));
  const plan: PlanInput = {
    ...parsed.preRegistration,
    baseline,
    baselineSource: measured ? "measured" : "entered",
    baselineUnits: measured?.units ?? 0,
  };
  const arms = [
    { version: champion, weight: parsed.championWeight, role: "CHAMPION" as const, variantName: champion.variantName },
    ...challengers.map(({ row, weight }) => ({
      version: row,
      weight,
      role: "CHALLENGER" as const,
      variantName: versionVariantName(model.name, row.version),
    })),
  ];
  const traffic = await unitsPerDay({ db }, endpoint.id, model, primaryMetric, now);
  const preRegistration = planOrRefuse(
    plan,
    arms.map((arm) => ({ variantName: arm.variantName, weight: arm.weight, champion: arm.role === "CHAMPION" })),
    traffic,
    now,
  );
  const metrics = [
    ...guardrails.map((key) => ({ key, role: "GUARDRAIL" as const })),
    ...parsed.secondary.map((key) => ({ key, role: "SECONDARY" as const })),
  ];
  return { endpoint, championId: champion.id, arms, preRegistration, metrics };
}

function missingBaseline(key: AbMetricKey): string {
  const { label, kind } = AB_METRICS[key];
  return kind === "rate"
    ? `Enter the champion's current ${label.toLowerCase()} as the baseline (it is not measured here)`
    : `No baseline for ${label}: the champion has too little ground truth to measure one (${MIN_BASELINE_UNITS} outcomes from the feedback API in ${BASELINE_WINDOW_DAYS} days), so enter it`;
}

/** What a set-up would pre-register, for the form's live preview: the same checks as creating it, nothing written. */
export async function previewAbTest(
  ctx: Pick<ServiceContext, "db" | "clock">,
  input: z.input<typeof createAbTestInput>,
): Promise<z.infer<typeof abTestPreviewOutput>> {
  const { arms, preRegistration, metrics } = await prepareAbTest(
    ctx.db,
    parseInput(createAbTestInput, input),
    ctx.clock(),
  );
  return {
    arms: arms.map((arm) => ({
      variantName: arm.variantName,
      role: arm.role,
      weight: arm.weight,
      version: arm.version.version,
    })),
    preRegistration,
    metrics,
  };
}

/** Sets up an A/B test on an endpoint (PLANNED: no traffic moves yet), as prepareAbTest checks it. Audited. */
export async function createAbTest(
  ctx: SetupContext,
  input: z.input<typeof createAbTestInput>,
): Promise<z.infer<typeof abTestOutput>> {
  const parsed = parseInput(createAbTestInput, input);
  // Measured outside the transaction (it reads weeks of outcomes); the transaction checks the champion still serves.
  const { endpoint, championId, arms, preRegistration, metrics } = await prepareAbTest(ctx.db, parsed, ctx.clock());
  return ctx.db.$transaction(async (tx) => {
    await lockEndpointRow(tx, endpoint.id);
    const current = await tx.endpoint.findUniqueOrThrow({
      where: { id: endpoint.id },
      include: { model: true, variants: { include: { version: true } } },
    });
    assertRealTime(current);
    if (championOf(current).id !== championId)
      throw conflict(`Endpoint "${endpoint.name}" changed its serving version meanwhile: set the test up again`);
    const test = await tx.abTest
      .create({
        data: {
          name: parsed.name,
          endpointId: endpoint.id,
          assignment: parsed.assignment,
          salt: randomBytes(12).toString("hex"),
          preRegistration,
          metrics,
          createdById: ctx.actor.userId,
          arms: {
            create: arms.map((arm) => ({
              versionId: arm.version.id,
              role: arm.role,
              variantName: arm.variantName,
              weight: arm.weight,
            })),
          },
        },
        include: testInclude,
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error)
          ? conflict(`Endpoint "${endpoint.name}" already has a test named "${parsed.name}"`)
          : error;
      });
    await recordAudit(tx, ctx.actor, {
      action: "abtests.create",
      entityType: "AbTest",
      entityId: test.id,
      after: {
        endpoint: endpoint.name,
        name: test.name,
        assignment: test.assignment,
        arms: arms.map((arm) => ({ version: arm.version.version, role: arm.role, weight: arm.weight })),
        preRegistration,
        metrics,
      },
    });
    return testView(test);
  });
}

function planOrRefuse(...args: Parameters<typeof planTest>) {
  try {
    return planTest(...args);
  } catch (error) {
    if (error instanceof PlanError) throw badRequest(error.message);
    throw error;
  }
}

export async function getAbTest(ctx: ReadContext, testId: string): Promise<z.infer<typeof abTestOutput>> {
  const test = await ctx.db.abTest.findUnique({ where: { id: testId }, include: testInclude });
  if (!test) throw notFound("A/B test");
  return testView(test);
}

/** Tests newest first, by status and a search over the test's, endpoint's and model's names; keyset-paged. */
export async function listAbTests(
  ctx: ReadContext,
  input: z.input<typeof listAbTestsInput>,
): Promise<z.infer<typeof abTestListOutput>> {
  const { status, search, cursor, limit } = parseInput(listAbTestsInput, input);
  const contains = search ? { contains: search, mode: "insensitive" as const } : undefined;
  const rows = await ctx.db.abTest.findMany({
    where: {
      status,
      ...(contains && {
        OR: [{ name: contains }, { endpoint: { name: contains } }, { endpoint: { model: { name: contains } } }],
      }),
    },
    include: testInclude,
    omit: { analysis: true, evidence: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    cursor: cursor ? { id: cursor } : undefined,
    skip: cursor ? 1 : 0,
    take: limit + 1,
  });
  const items = rows.slice(0, limit).map(summaryView);
  return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
}
