"use client";

import { memo } from "react";
import { Line } from "recharts";
import type { CurvePoint } from "@/components/experiments/charts/curves";

type Props = { runName: string; color: string; points: CurvePoint[]; thin: boolean };

/**
 * One run's line. Memoised on plain props (the points array comes straight from the query), so
 * hiding one run of 200 re-renders one line, not all of them.
 */
export const RunLine = memo(function RunLine({ runName, color, points, thin }: Props) {
  return (
    <Line
      data={points}
      dataKey="value"
      name={runName}
      stroke={color}
      strokeWidth={thin ? 1 : 1.5}
      strokeOpacity={thin ? 0.75 : 1}
      dot={points.length === 1 ? { r: 2.5 } : false}
      activeDot={false}
      isAnimationActive={false}
    />
  );
});
