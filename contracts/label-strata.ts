import { z } from "zod";

/**
 * Why a captured prediction was picked for human review. Each label item records its stratum and its inclusion
 * probability (capture rate × the stratum's sampling probability for that prediction), so a labelled sample can be
 * turned into unbiased (Horvitz–Thompson) estimates of production quality.
 */
export const LABEL_STRATA = ["AUDIT", "UNCERTAINTY", "DISAGREEMENT", "DRIFT", "FLAGGED"] as const;
export const labelStratumSchema = z.enum(LABEL_STRATA);
export type LabelStratum = z.infer<typeof labelStratumSchema>;
