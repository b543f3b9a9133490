import { createHash, randomInt } from "node:crypto";
import type { GateRule } from "@/contracts/golden-sets";
import type { Prisma } from "@/server/db/generated/client";
import type { Actor } from "@/server/auth/actor";
import { canonicalJson } from "@/server/services/labels/golden-sets-hash";
import { storedRule } from "@/server/services/quality/gate/gate-rules";

/**
 * What the golden-set gate asks of a candidate right now: nothing (not configured, and why), or an evaluation of
 * (candidate, the current champion, the latest version of the rule's golden set — or the model's latest golden set —,
 * the current rule). The key names exactly those,
 * so asking twice finds the same evaluation, and a new champion, golden set or rule needs a new one.
 */
export type GateRequirement =
  | { configured: false; detail: string }
  | {
      configured: true;
      key: string;
      modelId: string;
      candidateVersionId: string;
      championVersionId: string | null;
      goldenSet: { id: string; contentHash: string; name: string; version: number };
      rule: GateRule;
    };

export async function gateRequirement(
  tx: Prisma.TransactionClient,
  modelId: string,
  candidateVersionId: string,
): Promise<GateRequirement> {
  const ruleRow = await tx.gateRule.findUnique({ where: { modelId } });
  const rule = ruleRow && storedRule(ruleRow);
  const goldenSet = await tx.goldenSet.findFirst({
    where: { modelId, ...(rule?.goldenSetName ? { name: rule.goldenSetName } : {}) },
    orderBy: [{ createdAt: "desc" }, { version: "desc" }],
    select: { id: true, contentHash: true, name: true, version: true },
  });
  if (!goldenSet) return { configured: false, detail: "Golden-set gate not configured: the model has no golden set" };
  if (!rule)
    return { configured: false, detail: "Golden-set gate not configured: the model has a golden set but no gate rule" };
  const champion = await tx.modelAlias.findUnique({
    where: { modelId_alias: { modelId, alias: "production" } },
    select: { versionId: true },
  });
  const ruleHash = createHash("sha256").update(canonicalJson(rule)).digest("hex").slice(0, 16);
  const championVersionId = champion?.versionId ?? null;
  return {
    configured: true,
    key: [candidateVersionId, championVersionId ?? "none", goldenSet.id, ruleHash].join("/"),
    modelId,
    candidateVersionId,
    championVersionId,
    goldenSet,
    rule,
  };
}

/**
 * The evaluation a requirement names, created QUEUED when there is none (ON CONFLICT DO NOTHING: two requests at
 * once share one row) and put back to QUEUED when its last run ended in ERROR. `enqueue` says whether the caller
 * must queue its job after committing.
 */
export async function ensureGateEvaluation(
  tx: Prisma.TransactionClient,
  actor: Actor,
  requirement: Extract<GateRequirement, { configured: true }>,
) {
  await tx.gateEvaluation.createMany({
    data: {
      key: requirement.key,
      modelId: requirement.modelId,
      candidateVersionId: requirement.candidateVersionId,
      championVersionId: requirement.championVersionId,
      goldenSetId: requirement.goldenSet.id,
      goldenSetHash: requirement.goldenSet.contentHash,
      rule: requirement.rule,
      seed: randomInt(1, 2 ** 31 - 1),
      requestedById: actor.userId,
    },
    skipDuplicates: true,
  });
  const evaluation = await tx.gateEvaluation.findUniqueOrThrow({ where: { key: requirement.key } });
  if (evaluation.status === "ERROR") {
    const retried = await tx.gateEvaluation.update({
      where: { id: evaluation.id },
      data: { status: "QUEUED", error: null, startedAt: null, finishedAt: null },
    });
    return { evaluation: retried, enqueue: true };
  }
  return { evaluation, enqueue: evaluation.status === "QUEUED" };
}
