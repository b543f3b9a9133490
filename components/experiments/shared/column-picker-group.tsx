type Props = {
  title: string;
  keys: string[];
  idOf: (key: string) => string;
  chosen: ReadonlySet<string>;
  onToggle: (id: string) => void;
};

export function ColumnPickerGroup({ title, keys, idOf, chosen, onToggle }: Props) {
  return (
    <fieldset>
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</legend>
      {keys.length === 0 && <p className="text-sm text-slate-500">None</p>}
      <ul className="space-y-0.5">
        {keys.map((key) => {
          const id = idOf(key);
          return (
            <li key={id}>
              <label className="flex cursor-pointer items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-slate-50">
                <input
                  type="checkbox"
                  checked={chosen.has(id)}
                  onChange={() => onToggle(id)}
                  className="h-4 w-4 rounded border-slate-300 accent-indigo-600"
                />
                <span className="truncate font-mono text-xs text-slate-700" title={key}>
                  {key}
                </span>
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
