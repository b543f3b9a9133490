import { z } from "zod";

export const deploymentIdInput = z.object({ id: z.string().min(1) });

export const listDeploymentsInput = z.object({
  modelName: z.string().optional(),
  take: z.number().int().min(1).max(200).optional(),
});
