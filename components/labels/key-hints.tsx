/** The page's keyboard shortcuts, always visible. */
export function KeyHints({ hints }: { hints: { keys: string; action: string }[] }) {
  return (
    <ul
      aria-label="Keyboard shortcuts"
      className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500"
      data-testid="key-hints"
    >
      {hints.map((hint) => (
        <li key={hint.keys}>
          <kbd className="rounded border border-slate-300 bg-slate-100 px-1.5 font-mono text-slate-700">
            {hint.keys}
          </kbd>{" "}
          {hint.action}
        </li>
      ))}
    </ul>
  );
}
