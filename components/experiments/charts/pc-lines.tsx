import { memo } from "react";

export type PcPath = { id: string; label: string; color: string; d: string };

/** All run lines; memoised so hovering does not redraw them. */
export const PcLines = memo(function PcLines({ paths }: { paths: PcPath[] }) {
  const width = paths.length > 50 ? 1 : 1.5;
  return (
    <>
      {paths.map((path) => (
        <path
          key={path.id}
          d={path.d}
          fill="none"
          stroke={path.color}
          strokeWidth={width}
          strokeOpacity={0.7}
          pointerEvents="none"
        />
      ))}
    </>
  );
});
