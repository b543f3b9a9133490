import {
  clampInterval,
  ratioEstimate,
  type Estimate,
  type EstimateOptions,
} from "@/server/services/quality/estimators/ratio";

/** One labelled prediction of a regressor. */
export type RegressionRow = {
  predicted: number;
  actual: number;
  pi: number;
  /** The variance stratum (the day in a range); one stratum when omitted. */
  stratum?: string;
};

export type RegressionQuality = { labelled: number; mae: Estimate; rmse: Estimate };

const NON_NEGATIVE = { lower: 0, upper: Infinity };

/**
 * MAE = Σw·|e| / Σw and MSE = Σw·e² / Σw (ratios, Taylor-linearised). RMSE = √MSE: its standard error by the delta
 * method, se(MSE) / (2·RMSE), and its interval the square roots of the MSE interval's ends (the same to first order,
 * and never below 0).
 */
export function regressionQuality(rows: readonly RegressionRow[], options: EstimateOptions): RegressionQuality {
  const mae = ratioEstimate(
    rows.map((r) => ({ y: Math.abs(r.predicted - r.actual), x: 1, pi: r.pi, stratum: r.stratum })),
    { ...options, bounds: NON_NEGATIVE },
  );
  const mse = ratioEstimate(
    rows.map((r) => ({ y: (r.predicted - r.actual) ** 2, x: 1, pi: r.pi, stratum: r.stratum })),
    { ...options, bounds: NON_NEGATIVE },
  );
  const rmseValue = mse.value === null ? null : Math.sqrt(mse.value);
  const rmse: Estimate = {
    ...mse,
    value: rmseValue,
    standardError:
      mse.standardError === null || rmseValue === null
        ? null
        : rmseValue === 0
          ? 0
          : mse.standardError / (2 * rmseValue),
    interval:
      mse.interval === null
        ? null
        : clampInterval({ lower: Math.sqrt(mse.interval.lower), upper: Math.sqrt(mse.interval.upper) }, NON_NEGATIVE),
  };
  return { labelled: rows.length, mae, rmse };
}
