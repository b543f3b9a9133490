/** `production: v3 → v4`, `production: set to v1` or `production: removed (was v4)`. */
export function AliasMoveLabel({ alias, from, to }: { alias: string; from: number | null; to: number | null }) {
  return (
    <span className="font-mono text-sm">
      <span className="font-semibold">{alias}</span>: {from === null && to !== null && <>set to v{to}</>}
      {from !== null && to !== null && (
        <>
          v{from} → v{to}
        </>
      )}
      {to === null && <>removed{from !== null ? ` (was v${from})` : ""}</>}
    </span>
  );
}
