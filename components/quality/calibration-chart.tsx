"use client";

import { memo } from "react";
import {
  CartesianGrid,
  ErrorBar,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Card } from "@/components/ui/card";
import { formatValue, type QualityEndpoint } from "@/components/quality/quality-format";

const COLORS = ["#4f46e5", "#e11d48", "#059669", "#d97706", "#0284c7", "#9333ea"];

/** Mean score vs the weighted observed positive rate per score bin (range total); the diagonal is perfect calibration. */
export const CalibrationChart = memo(function CalibrationChart({ endpoint }: { endpoint: QualityEndpoint }) {
  const series = endpoint.variants.map((v) => ({
    variantName: v.variantName,
    points: (v.total.classification?.calibration?.bins ?? []).flatMap((bin) =>
      bin.meanScore !== null && bin.observedRate.status === "measured" && bin.observedRate.value !== null
        ? [
            {
              score: bin.meanScore,
              observed: bin.observedRate.value,
              error: bin.observedRate.interval
                ? [
                    bin.observedRate.value - bin.observedRate.interval.lower,
                    bin.observedRate.interval.upper - bin.observedRate.value,
                  ]
                : [0, 0],
              n: bin.observedRate.n,
            },
          ]
        : [],
    ),
  }));
  const plotted = series.reduce((sum, s) => sum + s.points.length, 0);
  const positive = endpoint.classes.at(-1) ?? "";
  return (
    <Card title={`Calibration (share of “${positive}” per score bin)`}>
      <div
        role="img"
        aria-label={`Calibration of ${endpoint.endpointName}: ${plotted} score bins with enough labelled rows`}
        data-testid="quality-calibration-chart"
        className="h-56"
      >
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 4, right: 12, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis type="number" dataKey="score" name="mean score" domain={[0, 1]} fontSize={11} />
            <YAxis type="number" dataKey="observed" name="observed rate" domain={[0, 1]} fontSize={11} width={40} />
            <ReferenceLine
              segment={[
                { x: 0, y: 0 },
                { x: 1, y: 1 },
              ]}
              stroke="#94a3b8"
              strokeDasharray="4 4"
            />
            <Tooltip isAnimationActive={false} formatter={(value) => formatValue(Number(value))} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {series.map((s, i) => (
              <Scatter
                key={s.variantName}
                name={s.variantName}
                data={s.points}
                fill={COLORS[i % COLORS.length]}
                isAnimationActive={false}
              >
                <ErrorBar dataKey="error" direction="y" stroke={COLORS[i % COLORS.length]} />
              </Scatter>
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      {plotted === 0 && (
        <p className="mt-2 text-xs text-slate-500">
          No score bin has enough labelled rows yet; bins are shown once they do.
        </p>
      )}
    </Card>
  );
});
