import { memo } from "react";
import type { PcPath } from "@/components/experiments/charts/pc-lines";

/** Invisible wide strokes over the run lines, so a 1px line is easy to hover. */
export const PcHitPaths = memo(function PcHitPaths({ paths }: { paths: PcPath[] }) {
  return (
    <>
      {paths.map((path) => (
        <path
          key={path.id}
          d={path.d}
          data-run-id={path.id}
          fill="none"
          stroke="transparent"
          strokeWidth={9}
          className="cursor-pointer"
        />
      ))}
    </>
  );
});
