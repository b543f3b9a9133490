import { z } from "zod";
import { abAnalysisSchema } from "@/contracts/abtest-analysis";
import {
  AB_ASSIGNMENT_UNITS,
  AB_TEST_STATUSES,
  abMetricKeySchema,
  abMetricRolesSchema,
  preRegistrationSchema,
} from "@/contracts/abtests";

export const abTestArmOutput = z.object({
  variantName: z.string(),
  role: z.enum(["CHAMPION", "CHALLENGER"]),
  weight: z.number().int(),
  version: z.number().int(),
  versionId: z.string(),
  stoppedAt: z.date().nullable(),
  stopReason: z.string().nullable(),
});

export const abTestOutput = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(AB_TEST_STATUSES),
  /** The status the endpoint's traffic is moving to; null once settled. */
  pendingStatus: z.enum(AB_TEST_STATUSES).nullable(),
  transitionError: z.string().nullable(),
  stopReason: z.string().nullable(),
  assignment: z.enum(AB_ASSIGNMENT_UNITS),
  endpoint: z.object({ id: z.string(), name: z.string(), environment: z.string(), target: z.string() }),
  model: z.object({ id: z.string(), name: z.string(), teamId: z.string() }),
  arms: z.array(abTestArmOutput),
  preRegistration: preRegistrationSchema,
  metrics: abMetricRolesSchema,
  createdBy: z.object({ id: z.string(), name: z.string() }),
  decision: z.enum(["PROMOTE", "KEEP_CHAMPION"]).nullable(),
  decidedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  decidedAt: z.date().nullable(),
  promotionId: z.string().nullable(),
  startedAt: z.date().nullable(),
  endedAt: z.date().nullable(),
  createdAt: z.date(),
  /** The latest look's analysis; null before the first look (or if the stored one no longer parses). */
  analysis: abAnalysisSchema.nullable(),
  analyzedAt: z.date().nullable(),
});

export const abTestIdInput = z.object({ testId: z.string().min(1).max(100) });

export const listAbTestsInput = z.object({
  status: z.enum(AB_TEST_STATUSES).optional(),
  search: z.string().trim().max(100).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

/** A test as the list shows it: everything but its analysis (a look can be large; the test's page reads it). */
export const abTestSummaryOutput = abTestOutput.omit({ analysis: true });
export const abTestListOutput = z.object({ items: z.array(abTestSummaryOutput), nextCursor: z.string().nullable() });

export const abTestPreviewOutput = z.object({
  arms: z.array(abTestArmOutput.omit({ versionId: true, stoppedAt: true, stopReason: true })),
  preRegistration: preRegistrationSchema,
  metrics: abMetricRolesSchema,
});

export const versionAbTestsInput = z.object({
  modelName: z.string().min(1).max(200),
  version: z.number().int().min(1),
});

export const versionAbTestsOutput = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    status: z.enum(AB_TEST_STATUSES),
    endpointName: z.string(),
    role: z.enum(["CHAMPION", "CHALLENGER"]),
    stoppedAt: z.date().nullable(),
    stopReason: z.string().nullable(),
    startedAt: z.date().nullable(),
    endedAt: z.date().nullable(),
    decision: z.enum(["PROMOTE", "KEEP_CHAMPION"]).nullable(),
    decidedAt: z.date().nullable(),
    decidedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    winnerVersion: z.number().int().nullable(),
  }),
);

/** Most points a look series carries: longer series are thinned to evenly spaced looks plus the last. */
export const MAX_LOOK_POINTS = 300;

export const abTestLooksInput = z.object({
  testId: z.string().min(1).max(100),
  metric: abMetricKeySchema.optional(),
});

export const abTestLookPoint = z.object({
  at: z.date(),
  estimate: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  pValue: z.number().nullable(),
  controlUnits: z.number().int(),
  treatmentUnits: z.number().int(),
});

export const abTestLooksOutput = z.object({
  series: z.array(
    z.object({
      metric: abMetricKeySchema,
      variantName: z.string(),
      points: z.array(abTestLookPoint).max(MAX_LOOK_POINTS),
    }),
  ),
});
