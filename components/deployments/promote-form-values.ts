import type { z } from "zod";
import type { requestPromotionInput, tooFewRequestsSchema } from "@/contracts/deployments";
import type { ServingMode } from "@/contracts/serving-modes";
import type { ENVIRONMENTS, RolloutStrategy, TARGETS } from "@/components/deployments/labels";

export type StrategyKind = RolloutStrategy["kind"];
export type TooFewRequests = z.infer<typeof tooFewRequestsSchema>;

/** What the promote form holds while it is edited: numbers stay text until submit, so a field can be empty. */
export type PromoteFormValues = {
  environment: (typeof ENVIRONMENTS)[number];
  target: (typeof TARGETS)[number];
  /** null until the person picks one: the dialog's default for the target and environment is sent. */
  servingMode: ServingMode | null;
  strategyKind: StrategyKind;
  canaryPercent: string;
  bakeSeconds: string;
  stepPercent: string;
  stepBakeSeconds: string;
  tooFewRequests: TooFewRequests;
  reason: string;
  gateEnabled: boolean;
  gateMetric: string;
  gateHigherIsBetter: boolean;
  gateTolerance: string;
};

export const INITIAL_PROMOTE_VALUES: PromoteFormValues = {
  environment: "STAGING",
  target: "LOCAL",
  servingMode: null,
  strategyKind: "all-at-once",
  canaryPercent: "10",
  bakeSeconds: "60",
  stepPercent: "25",
  stepBakeSeconds: "30",
  tooFewRequests: "ask",
  reason: "",
  gateEnabled: false,
  gateMetric: "",
  gateHigherIsBetter: true,
  gateTolerance: "0",
};

/** Text to number for the schema to judge; an empty field becomes NaN so it is reported, not read as 0. */
const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

function strategyOf(values: PromoteFormValues): RolloutStrategy {
  switch (values.strategyKind) {
    case "all-at-once":
      return { kind: "all-at-once" };
    case "canary":
      return {
        kind: "canary",
        canaryPercent: numberOf(values.canaryPercent),
        bakeSeconds: numberOf(values.bakeSeconds),
        tooFewRequests: values.tooFewRequests,
      };
    case "linear":
      return {
        kind: "linear",
        stepPercent: numberOf(values.stepPercent),
        stepBakeSeconds: numberOf(values.stepBakeSeconds),
        tooFewRequests: values.tooFewRequests,
      };
  }
}

/** The requestPromotion input the form describes, before validation with the server's schema. */
export function toPromotionInput(
  values: PromoteFormValues,
  modelName: string,
  version: number,
): z.input<typeof requestPromotionInput> {
  return {
    modelName,
    version,
    environment: values.environment,
    target: values.target,
    servingMode: values.servingMode ?? undefined,
    strategy: strategyOf(values),
    reason: values.reason,
    metricGate: values.gateEnabled
      ? {
          metric: values.gateMetric,
          higherIsBetter: values.gateHigherIsBetter,
          tolerance: numberOf(values.gateTolerance),
        }
      : undefined,
  };
}
