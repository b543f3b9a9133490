import { tableClasses } from "@/components/ui/table-classes";

/** The first rows that failed (by their row number in the input) and why. */
export function BatchErrorsTable({ samples, total }: { samples: { row: number; message: string }[]; total: number }) {
  return (
    <div className={tableClasses.wrapper}>
      <table className={tableClasses.table} data-testid="batch-errors">
        <caption className="px-3 py-2 text-left text-xs text-slate-500">
          The first {samples.length} of {total.toLocaleString("en-US")} failed rows; every one is in the result with its
          _error.
        </caption>
        <thead className={tableClasses.head}>
          <tr>
            <th scope="col" className={tableClasses.th}>
              Row
            </th>
            <th scope="col" className={tableClasses.th}>
              Why
            </th>
          </tr>
        </thead>
        <tbody className={tableClasses.body}>
          {samples.map((sample) => (
            <tr key={sample.row} className={tableClasses.row}>
              <td className={`${tableClasses.td} ${tableClasses.numeric} font-mono`}>{sample.row}</td>
              <td className={tableClasses.td}>{sample.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
