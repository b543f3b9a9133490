import type { GroundTruthSource } from "@/contracts/quality";
import type { RouterOutputs } from "@/trpc/react";

export type QualityDashboard = RouterOutputs["quality"]["dashboard"];
export type QualityEndpoint = QualityDashboard["endpoints"][number];
export type QualityVariant = QualityEndpoint["variants"][number];
export type QualitySegment = QualityVariant["total"];
export type QualityEstimate = NonNullable<QualitySegment["regression"]>["mae"];

export const NO_DATA = "—";

export const SOURCE_LABELS: Record<GroundTruthSource, string> = {
  combined: "Combined (feedback, else review)",
  review: "Review (accepted labels)",
  feedback: "Feedback (API outcomes)",
};

export const SOURCE_EXPLANATIONS: Record<GroundTruthSource, string> = {
  combined:
    "Per prediction, the API feedback when there is one, else the accepted human label; each row weighted by 1/π of the source it came from.",
  review: "Accepted human labels, each weighted by 1/π (capture rate × the stratum's sampling probability).",
  feedback:
    "Outcomes reported through the API, weighted by 1/capture probability and by the day's share of predictions with feedback, so days with little feedback are not under-represented. Assumes feedback is missing at random within an endpoint, variant and day.",
};

/** A proportion or error to three significant decimals: 0.812, 12.3. */
export function formatValue(value: number | null): string {
  if (value === null) return NO_DATA;
  return Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3);
}

export function formatShare(share: number | null): string {
  return share === null ? NO_DATA : `${(share * 100).toFixed(1)} %`;
}

export const formatCount = (count: number): string => count.toLocaleString("en");

/** "0.770–0.851", or null when there is no interval. */
export function formatInterval(estimate: QualityEstimate): string | null {
  return estimate.interval ? `${formatValue(estimate.interval.lower)}–${formatValue(estimate.interval.upper)}` : null;
}
