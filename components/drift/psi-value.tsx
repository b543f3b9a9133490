import { formatPsi, formatRows } from "@/components/drift/drift-format";
import { NOISE_CEILING_HELP } from "@/components/drift/noise-ceiling-help";

type Props = { psi: number; sampleSize: number; referenceSize: number; expectedPsi: number; noiseCeiling: number };

/** A PSI is only meaningful next to its sample sizes, what sampling noise gives on average, and at most (99.9%). */
export function PsiValue({ psi, sampleSize, referenceSize, expectedPsi, noiseCeiling }: Props) {
  return (
    <span
      className="tabular-nums"
      data-testid="psi-value"
      data-psi={psi}
      data-n={sampleSize}
      data-noise-ceiling={noiseCeiling}
    >
      <span className="font-medium text-slate-900">{formatPsi(psi)}</span>{" "}
      <span className="text-xs text-slate-500" title={NOISE_CEILING_HELP}>
        n = {formatRows(sampleSize)}, m = {formatRows(referenceSize)}, no-drift ≈ {formatPsi(expectedPsi)}, noise
        ceiling {formatPsi(noiseCeiling)}
      </span>
    </span>
  );
}
