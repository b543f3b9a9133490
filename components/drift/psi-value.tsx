import { formatPsi, formatRows } from "@/components/drift/drift-format";

type Props = { psi: number; sampleSize: number; referenceSize: number; expectedPsi: number };

/** A PSI is only meaningful next to its sample sizes and what sampling noise alone would give. */
export function PsiValue({ psi, sampleSize, referenceSize, expectedPsi }: Props) {
  return (
    <span className="tabular-nums" data-testid="psi-value" data-psi={psi} data-n={sampleSize}>
      <span className="font-medium text-slate-900">{formatPsi(psi)}</span>{" "}
      <span className="text-xs text-slate-500">
        n = {formatRows(sampleSize)}, m = {formatRows(referenceSize)}, no-drift ≈ {formatPsi(expectedPsi)}
      </span>
    </span>
  );
}
