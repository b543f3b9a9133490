/** A prediction's inputs or outputs as name / value rows. */
export function FieldTable({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: { name: string; value: string }[];
  testId: string;
}) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">None recorded.</p>
      ) : (
        <table className="w-full text-sm" data-testid={testId}>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name} className="border-b border-slate-100 last:border-0">
                <th scope="row" className="py-1 pr-4 text-left font-mono text-xs font-normal text-slate-600">
                  {row.name}
                </th>
                <td className="py-1 font-mono text-xs text-slate-900">{row.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
