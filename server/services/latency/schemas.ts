import { z } from "zod";
import { DEFAULT_LATENCY_RANGE, LATENCY_RANGE_KEYS } from "@/contracts/latency-ranges";

export const latencyInput = z.object({
  range: z.enum(LATENCY_RANGE_KEYS).default(DEFAULT_LATENCY_RANGE),
  endpoint: z.string().trim().min(1).max(200).optional(),
  /** The end of the range; now when omitted. */
  at: z.date().optional(),
});

export type LatencyInput = z.input<typeof latencyInput>;

/** A number read from Prometheus: ±Inf is a real answer (a quantile above the highest bucket); NaN is null by now. */
export const promNumber = z.union([z.number(), z.literal([Infinity, -Infinity])]);

const promQueries = <K extends string>(keys: readonly [K, ...K[]]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.string()])) as Record<K, z.ZodString>);

export const sloStatusOutput = z.object({
  defaults: z.object({ p99Ms: z.number(), availability: z.number() }),
  queries: promQueries(["p99", "requests1h", "errorRatio1h", "errorRatio6h", "errorRatio30d"]),
  endpoints: z.array(
    z.object({
      endpoint: z.string(),
      endpointId: z.string().nullable(),
      objective: z.object({
        source: z.enum(["default", "endpoint"]),
        p99TargetSeconds: z.number(),
        availability: z.number(),
        errorBudget: z.number(),
      }),
      p99: promNumber.nullable(),
      requests1h: promNumber.nullable(),
      errorRatio1h: promNumber.nullable(),
      burn1h: promNumber.nullable(),
      burn6h: promNumber.nullable(),
      budgetUsed30d: promNumber.nullable(),
    }),
  ),
});

export const latencyDashboardOutput = z.object({
  range: z.enum(LATENCY_RANGE_KEYS),
  endpoint: z.string().nullable(),
  start: z.date(),
  end: z.date(),
  stepSeconds: z.number(),
  chartWindow: z.string(),
  queries: z.object({
    summary: promQueries(["requests", "rps", "errorRatio", "clientErrorRatio", "p50", "p95", "p99"]),
    series: promQueries(["p50", "p95", "p99", "rps", "errorRatio"]),
  }),
  rows: z.array(
    z.object({
      endpoint: z.string(),
      variant: z.string(),
      requests: promNumber,
      rps: promNumber.nullable(),
      errorRatio: promNumber.nullable(),
      clientErrorRatio: promNumber.nullable(),
      p50: promNumber.nullable(),
      p95: promNumber.nullable(),
      p99: promNumber.nullable(),
    }),
  ),
  series: z.array(
    z.object({
      endpoint: z.string(),
      variant: z.string(),
      points: z.array(
        z.object({
          t: z.number(),
          p50: promNumber.nullable(),
          p95: promNumber.nullable(),
          p99: promNumber.nullable(),
          rps: promNumber.nullable(),
          errorRatio: promNumber.nullable(),
        }),
      ),
    }),
  ),
  slo: sloStatusOutput,
});

export type LatencyDashboard = z.infer<typeof latencyDashboardOutput>;
