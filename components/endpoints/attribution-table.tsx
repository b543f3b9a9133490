import { formatAttribution, type AttributionBar } from "@/components/endpoints/explanation-bars";
import { formatOutput } from "@/components/endpoints/prediction-rows";
import { tableClasses } from "@/components/ui/table-classes";

/** The chart's numbers as a table: readable by screen readers and easy to copy. */
export function AttributionTable({ bars }: { bars: AttributionBar[] }) {
  return (
    <div className={tableClasses.wrapper}>
      <table className={tableClasses.table} data-testid="attribution-table">
        <caption className="sr-only">Feature attributions, largest first</caption>
        <thead className={tableClasses.head}>
          <tr>
            <th scope="col" className={tableClasses.th}>
              Feature
            </th>
            <th scope="col" className={`${tableClasses.th} text-right`}>
              Value
            </th>
            <th scope="col" className={`${tableClasses.th} text-right`}>
              Attribution
            </th>
          </tr>
        </thead>
        <tbody className={tableClasses.body}>
          {bars.map((bar) => (
            <tr key={bar.feature} className={tableClasses.row}>
              <th scope="row" className={`${tableClasses.td} text-left font-normal`}>
                {bar.feature}
              </th>
              <td className={`${tableClasses.td} ${tableClasses.numeric} font-mono`}>
                {bar.value === undefined ? "—" : formatOutput(bar.value)}
              </td>
              <td
                className={`${tableClasses.td} ${tableClasses.numeric} font-mono`}
                data-testid="attribution-value"
                data-feature={bar.feature}
              >
                {formatAttribution(bar.attribution)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
