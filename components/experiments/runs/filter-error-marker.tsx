import { filterErrorIndex, splitAtIndex } from "@/components/experiments/runs/filter";

/** Shows the expression with the character the server complained about underlined. */
export function FilterErrorMarker({ expression, message }: { expression: string; message: string }) {
  const index = filterErrorIndex(message);
  if (index === null || expression === "") return null;
  const { before, at, after } = splitAtIndex(expression, index);
  return (
    <pre className="mt-1.5 overflow-x-auto whitespace-pre font-mono text-xs text-slate-700" aria-hidden>
      {before}
      <mark className="rounded-sm bg-rose-200 text-rose-900 underline decoration-rose-600 decoration-wavy">{at}</mark>
      {after}
    </pre>
  );
}
