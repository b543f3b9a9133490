"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatRows, formatShare } from "@/components/drift/drift-format";

type Bin = { label: string; reference: number; production: number; productionCount: number };

/** Reference vs production share per reference bin, as grouped bars. */
export function BinProportionsChart({ feature, bins }: { feature: string; bins: Bin[] }) {
  return (
    <div
      role="img"
      aria-label={`Reference and production proportions of ${feature} in ${bins.length} bins`}
      data-testid="bin-proportions-chart"
      className="h-72"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bins} margin={{ top: 4, right: 12, bottom: 24, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} interval={0} angle={-25} textAnchor="end" height={48} />
          <YAxis fontSize={11} width={56} tickFormatter={(v: number) => formatShare(v)} />
          <Tooltip
            isAnimationActive={false}
            formatter={(value, name, item) => {
              const share = typeof value === "number" ? formatShare(value) : String(value);
              const bin = item.payload as Bin;
              return [
                name === "Production" ? `${share} (${formatRows(Math.round(bin.productionCount))} rows)` : share,
                name,
              ];
            }}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="reference" name="Reference (training sample)" fill="#94a3b8" isAnimationActive={false} />
          <Bar dataKey="production" name="Production" fill="#4f46e5" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
