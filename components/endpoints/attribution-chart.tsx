"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { attributionSummary, formatAttribution, type AttributionBar } from "@/components/endpoints/explanation-bars";

/** Pushes the output up / down; rose and blue rather than red and green, so they stay apart for colour-blind readers. */
export const ATTRIBUTION_COLORS = { up: "#e11d48", down: "#2563eb", none: "#94a3b8" } as const;

const BAR_HEIGHT_PX = 22;

/** A row's attributions as horizontal bars, largest first, with 0 marked; the summary is what a screen reader hears. */
export function AttributionChart({ bars }: { bars: AttributionBar[] }) {
  const height = Math.max(120, bars.length * BAR_HEIGHT_PX + 40);
  return (
    <div role="img" aria-label={attributionSummary(bars)} style={{ height }} data-testid="attribution-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bars} layout="vertical" margin={{ top: 4, right: 12, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" fontSize={11} tickFormatter={(value: number) => formatAttribution(value)} />
          <YAxis type="category" dataKey="feature" fontSize={11} width={120} interval={0} />
          <ReferenceLine x={0} stroke="#475569" />
          <Tooltip
            isAnimationActive={false}
            formatter={(value) => (typeof value === "number" ? formatAttribution(value) : "—")}
          />
          <Bar dataKey="attribution" name="Attribution" isAnimationActive={false}>
            {bars.map((bar) => (
              <Cell key={bar.feature} fill={ATTRIBUTION_COLORS[bar.direction]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
