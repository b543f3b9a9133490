import { z } from "zod";

export const decidePromotionInput = z.object({
  promotionId: z.string().min(1),
  approve: z.boolean(),
  comment: z.string().trim().max(1000).default(""),
});
