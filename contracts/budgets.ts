import { z } from "zod";

/** Shared by the service and the budget dialog. */
export const setBudgetInput = z.object({
  teamId: z.string().min(1),
  /** null removes the team's budget. */
  monthlyUsd: z.number().positive("A budget is more than $0").max(100_000_000).nullable(),
});
