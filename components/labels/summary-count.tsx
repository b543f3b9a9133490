import Link from "next/link";

/** A count on a queue's card, a link to where the work is when there is some. */
export function SummaryCount({
  label,
  value,
  testId,
  href,
}: {
  label: string;
  value: number;
  testId: string;
  href?: string;
}) {
  const number = (
    <span className="block text-2xl font-semibold text-slate-900" data-testid={testId}>
      {value}
    </span>
  );
  return (
    <div>
      <span className="block text-xs text-slate-500">{label}</span>
      {href && value > 0 ? (
        <Link href={href} className="text-indigo-700 underline">
          {number}
        </Link>
      ) : (
        number
      )}
    </div>
  );
}
