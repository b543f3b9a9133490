import type { z } from "zod";
import { type GateRule, gateRuleSchema, REGRESSOR_METRICS } from "@/contracts/golden-sets";
import { badRequest, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { goldenSetSpecOf } from "@/server/services/labels/golden-sets-spec";
import { setGateRuleInput } from "@/server/services/quality/gate/schemas";

/** A stored rule, parsed; null when the row holds none (never written by this code). */
export function storedRule(row: {
  confidenceLevel: number;
  resamples: number;
  criteria: unknown;
  goldenSetName: string | null;
}): GateRule | null {
  const parsed = gateRuleSchema.safeParse(row);
  return parsed.success ? parsed.data : null;
}

export async function getGateRule(ctx: ReadContext, input: { modelName: string }) {
  const row = await ctx.db.gateRule.findFirst({ where: { model: { name: input.modelName } } });
  const rule = row && storedRule(row);
  return row && rule ? { rule, updatedAt: row.updatedAt, updatedById: row.updatedById } : null;
}

/** Sets a model's gate rule (the owning team's data scientists; audited with the rule before and after). */
export async function setGateRule(ctx: ServiceContext, rawInput: z.input<typeof setGateRuleInput>) {
  const input = parseInput(setGateRuleInput, rawInput);
  return ctx.db.$transaction(async (tx) => {
    const model = await tx.registeredModel.findUnique({
      where: { name: input.modelName },
      select: { id: true, taskType: true, outcomeClasses: true, decisionThreshold: true },
    });
    if (!model) throw notFound(`Model "${input.modelName}"`);
    const spec = goldenSetSpecOf(model);
    for (const criterion of input.rule.criteria) {
      const isRegression = (REGRESSOR_METRICS as readonly string[]).includes(criterion.metric);
      if (isRegression !== (spec.kind === "regression"))
        throw badRequest(
          `${criterion.metric} does not apply to a ${spec.kind === "regression" ? "regressor" : "classifier"}`,
        );
      if (spec.kind === "classification" && criterion.class !== null && !spec.classes.includes(criterion.class))
        throw badRequest(`"${criterion.class}" is not one of the model's classes (${spec.classes.join(", ")})`);
    }
    if (
      input.rule.goldenSetName !== null &&
      !(await tx.goldenSet.findFirst({ where: { modelId: model.id, name: input.rule.goldenSetName } }))
    )
      throw badRequest(`The model has no golden set named "${input.rule.goldenSetName}"`);
    const before = await tx.gateRule.findUnique({ where: { modelId: model.id } });
    const data = { ...input.rule, updatedById: ctx.actor.userId };
    const saved = await tx.gateRule.upsert({
      where: { modelId: model.id },
      create: { modelId: model.id, ...data },
      update: data,
    });
    await recordAudit(tx, ctx.actor, {
      action: "gateRule.set",
      entityType: "RegisteredModel",
      entityId: model.id,
      before: before
        ? {
            confidenceLevel: before.confidenceLevel,
            resamples: before.resamples,
            criteria: before.criteria ?? [],
            goldenSetName: before.goldenSetName,
          }
        : undefined,
      after: input.rule,
    });
    return { rule: input.rule, updatedAt: saved.updatedAt, updatedById: saved.updatedById };
  });
}
