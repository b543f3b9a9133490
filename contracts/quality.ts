import { z } from "zod";

/** The Quality view's ranges, in whole UTC days ending today (shareable in the URL). */
export const QUALITY_RANGES = { "7d": 7, "30d": 30, "90d": 90 } as const;
export type QualityRange = keyof typeof QUALITY_RANGES;
export const QUALITY_RANGE_KEYS = Object.keys(QUALITY_RANGES) as [QualityRange, ...QualityRange[]];
export const DEFAULT_QUALITY_RANGE: QualityRange = "7d";

/**
 * Which ground truth a quality estimate uses: accepted human labels (`review`), outcomes reported through the API
 * (`feedback`), or per prediction the feedback when there is one and else the accepted label (`combined`).
 */
export const GROUND_TRUTH_SOURCES = ["combined", "review", "feedback"] as const;
export const groundTruthSourceSchema = z.enum(GROUND_TRUTH_SOURCES);
export type GroundTruthSource = z.infer<typeof groundTruthSourceSchema>;
export const DEFAULT_GROUND_TRUTH_SOURCE: GroundTruthSource = "combined";
