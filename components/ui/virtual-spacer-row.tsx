/** Stands in for the rows of a virtualised table that are scrolled out of view; nothing when there are none. */
export function VirtualSpacerRow({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    <tr aria-hidden>
      <td colSpan={columns} style={{ height, padding: 0 }} />
    </tr>
  );
}
