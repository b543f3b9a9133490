type Props = { lower: number; upper: number; delta: number; margin: number | null; higherIsBetter: boolean };

const WIDTH = 160;
const HEIGHT = 18;

/**
 * The interval of Δ = candidate − champion on a scale centred on zero, with the non-inferiority limit (−margin for
 * higher-is-better metrics, +margin for errors) drawn as a dashed line; the point is the observed Δ.
 */
export function CiBar({ lower, upper, delta, margin, higherIsBetter }: Props) {
  const limit = margin === null ? null : higherIsBetter ? -margin : margin;
  const extent = Math.max(Math.abs(lower), Math.abs(upper), Math.abs(limit ?? 0), 1e-9) * 1.15;
  const x = (value: number) => WIDTH / 2 + (value / extent) * (WIDTH / 2);
  const label = `Δ ${delta} with interval ${lower} to ${upper}${limit === null ? "" : `, limit ${limit}`}`;
  return (
    <svg width={WIDTH} height={HEIGHT} role="img" aria-label={label} className="block">
      <line x1={x(0)} x2={x(0)} y1={0} y2={HEIGHT} className="stroke-slate-300" />
      {limit !== null && (
        <line x1={x(limit)} x2={x(limit)} y1={0} y2={HEIGHT} strokeDasharray="3 2" className="stroke-rose-500" />
      )}
      <line x1={x(lower)} x2={x(upper)} y1={HEIGHT / 2} y2={HEIGHT / 2} strokeWidth={3} className="stroke-indigo-500" />
      <circle cx={x(delta)} cy={HEIGHT / 2} r={3.5} className="fill-indigo-700" />
    </svg>
  );
}
