import type { AbScoreShift } from "@/contracts/abtest-analysis";
import { formatCount } from "@/components/abtests/ab-analysis-format";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { ArmRowHeader } from "@/components/abtests/arm-row-header";
import { TableHead } from "@/components/ui/table-head";
import { tableClasses as t } from "@/components/ui/table-classes";

const psi = (value: number) => value.toLocaleString("en", { maximumSignificantDigits: 3 });

/**
 * How far each challenger's score distribution is from the champion's (PSI), beside the PSI two samples of these sizes
 * from one distribution show on average: a PSI near that value is noise, not a shift.
 */
export function AbScoreShiftTable({ shifts, arms }: { shifts: AbScoreShift[]; arms: AbTestView["arms"] }) {
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="ab-score-shift">
        <caption className="px-3 pt-2 text-left text-xs font-semibold text-slate-600">
          Score distribution shift against the champion
        </caption>
        <TableHead
          columns={[
            "Challenger",
            { label: "PSI", numeric: true },
            { label: "Expected with no shift", numeric: true },
            { label: "Rows", numeric: true },
          ]}
        />
        <tbody className={t.body}>
          {shifts.map((shift) => (
            <tr key={shift.variantName} className={t.row}>
              <ArmRowHeader arms={arms} variantName={shift.variantName} />
              {shift.psi === null ? (
                <td colSpan={2} className={`${t.tdWrap} text-slate-500`}>
                  {shift.note ?? "not measured"}
                </td>
              ) : (
                <>
                  <td className={`${t.tdWrap} ${t.numeric}`}>{psi(shift.psi)}</td>
                  <td className={`${t.tdWrap} ${t.numeric}`}>
                    {shift.expectedUnderNoShift === null ? "—" : `≈ ${psi(shift.expectedUnderNoShift)}`}
                    <span className="block text-xs text-slate-500">{shift.bins} bins</span>
                  </td>
                </>
              )}
              <td className={`${t.tdWrap} ${t.numeric}`}>
                {formatCount(shift.controlRows)} / {formatCount(shift.treatmentRows)}
                <span className="block text-xs text-slate-500">champion / challenger</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
