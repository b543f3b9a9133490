export function ParamCell({ value }: { value: string | undefined }) {
  if (value === undefined) return <span className="text-slate-300">—</span>;
  return (
    <span className="block max-w-48 truncate font-mono text-xs" title={value}>
      {value}
    </span>
  );
}
