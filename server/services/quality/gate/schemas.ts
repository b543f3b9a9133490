import { z } from "zod";
import {
  GATE_EVALUATION_STATUSES,
  GATE_METRICS,
  gateMetricResultSchema,
  gateRuleSchema,
} from "@/contracts/golden-sets";

export const modelNameInput = z.object({ modelName: z.string().min(1).max(200) });
export const setGateRuleInput = z.object({ modelName: z.string().min(1).max(200), rule: gateRuleSchema });
export const versionGateInput = z.object({
  modelName: z.string().min(1).max(200),
  version: z.number().int().min(1),
});

export const gateRuleOutput = z
  .object({ rule: gateRuleSchema, updatedAt: z.date(), updatedById: z.string() })
  .nullable();

export const gateEvaluationView = z.object({
  id: z.string(),
  status: z.enum(GATE_EVALUATION_STATUSES),
  candidateVersion: z.number().int(),
  championVersion: z.number().int().nullable(),
  goldenSet: z.object({ id: z.string(), name: z.string(), version: z.number().int(), rowCount: z.number().int() }),
  goldenSetHash: z.string(),
  rule: gateRuleSchema,
  metrics: z.array(gateMetricResultSchema),
  warnings: z.array(z.string()),
  error: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type GateEvaluationView = z.infer<typeof gateEvaluationView>;

/** The gate for a version as promotion sees it now: not configured (and why), or its latest evaluation. */
export const versionGateOutput = z.discriminatedUnion("configured", [
  z.object({ configured: z.literal(false), detail: z.string() }),
  z.object({ configured: z.literal(true), evaluation: gateEvaluationView.nullable(), current: z.boolean() }),
]);
export type VersionGate = z.infer<typeof versionGateOutput>;

/** Per criterion with a margin: the interval half-width a golden set gives (measured or a worst-case bound). */
export const ruleSizeCheckOutput = z.object({
  goldenSet: z
    .object({ id: z.string(), name: z.string(), version: z.number().int(), rowCount: z.number().int() })
    .nullable(),
  criteria: z.array(
    z.object({
      metric: z.enum(GATE_METRICS),
      class: z.string().nullable(),
      margin: z.number().nullable(),
      rows: z.number().int(),
      halfWidth: z.number().nullable(),
      measured: z.boolean(),
      tooSmall: z.boolean(),
    }),
  ),
});
