import type { ServiceContext } from "@/server/services/context";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";

type PromotionRequest = Parameters<typeof requestPromotion>[1];

/**
 * Two people request the same promotion and two approvers approve one each at the same moment: the requests and
 * both decisions as settled (one should start a deployment, the other be refused).
 */
export async function raceTwoApprovals(
  scientist: ServiceContext,
  approvers: [ServiceContext, ServiceContext],
  request: Omit<PromotionRequest, "environment" | "reason">,
) {
  const requests = await Promise.all(
    [0, 1].map(() => requestPromotion(scientist, { ...request, environment: "PRODUCTION", reason: "race" })),
  );
  const decisions = await Promise.allSettled(
    approvers.map((approver, i) =>
      decidePromotion(approver, { promotionId: requests[i]!.promotion.id, approve: true }),
    ),
  );
  return { requests, decisions };
}
