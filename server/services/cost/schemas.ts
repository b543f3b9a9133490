import { z } from "zod";
import { COST_RANGE_KEYS } from "@/contracts/cost-ranges";

const MAX_RANGE_DAYS = 93;

const explicitWindow = z
  .object({
    start: z.coerce.date(),
    end: z.coerce.date(),
    stepSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .refine((w) => w.end.getTime() > w.start.getTime(), { message: "The window must end after it starts", path: ["end"] })
  .refine((w) => w.end.getTime() - w.start.getTime() <= MAX_RANGE_DAYS * 86_400_000, {
    message: `At most ${MAX_RANGE_DAYS} days`,
    path: ["start"],
  });

/** Either a named range ending now (the dashboard) or an explicit window (jobs, tests, links to a past period). */
export const costWindowInput = z.union([z.object({ range: z.enum(COST_RANGE_KEYS) }), explicitWindow]);

export type CostWindowInput = z.input<typeof costWindowInput>;

export const setBudgetInput = z.object({
  teamId: z.string().min(1),
  /** null removes the team's budget. */
  monthlyUsd: z.number().positive("A budget is more than $0").max(100_000_000).nullable(),
});
