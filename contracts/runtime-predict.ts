import { z } from "zod";
import type { FallbackReason } from "@/contracts/online-features";

/** What the runtime's POST /v1/endpoints/:name/predict answers. */
export type OutputValue = number | string | boolean | Array<number | string | boolean>;
export type Prediction = Record<string, OutputValue>;

export type PredictResponse = {
  /** The first row's prediction id (kept for callers that send one row); equals predictionIds[0]. */
  predictionId: string;
  /** One UUID per predicted row, aligned with `predictions`: the id ground truth is reported against. */
  predictionIds: string[];
  endpoint: string;
  variant: string;
  modelName?: string;
  modelVersion?: number;
  predictions: Prediction[];
  /** With a feature lookup: how many rows' stored features Redis (hot) and PostgreSQL (cold) gave. */
  featureSources?: { hot: number; cold: number };
  /**
   * Present when the endpoint's rule-based fallback answered instead of its model (then `variant` is "(rules)", no
   * model is named and the rows are not captured).
   */
  fallback?: { reason: FallbackReason; detail: string };
};

/** A caller's id for a predicted row (e.g. a transaction id), sent as `correlationId` (with `row`) or `correlationIds`. */
export const correlationIdSchema = z.string().min(1).max(200);
