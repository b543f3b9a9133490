import { Card } from "@/components/ui/card";
import { tableClasses as t } from "@/components/ui/table-classes";

export function RunParamsTable({ params }: { params: Record<string, string> }) {
  const entries = Object.entries(params).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card title={`Parameters (${entries.length})`}>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">This run logged no parameters.</p>
      ) : (
        <div className="-m-4 max-h-[28rem] overflow-y-auto">
          <table className={t.table} data-testid="run-params">
            <thead className="sticky top-0 bg-slate-50">
              <tr>
                <th scope="col" className={t.th}>
                  Key
                </th>
                <th scope="col" className={t.th}>
                  Value
                </th>
              </tr>
            </thead>
            <tbody className={t.body}>
              {entries.map(([key, value]) => (
                <tr key={key} className={t.row}>
                  <th scope="row" className="px-3 py-2 text-left font-mono text-xs font-medium text-slate-600">
                    {key}
                  </th>
                  <td className="break-all px-3 py-2 font-mono text-xs text-slate-900">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
