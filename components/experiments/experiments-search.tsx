"use client";

import { Search } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Input } from "@/components/ui/input";

const DEBOUNCE_MS = 300;

/** A search box that reports what was typed once typing pauses; follows the URL on back/forward. */
export function ExperimentsSearch({ value, onSearch }: { value: string; onSearch: (search: string) => void }) {
  const [draft, setDraft] = useState(value);
  const [lastValue, setLastValue] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  if (value !== lastValue) {
    setLastValue(value);
    setDraft(value);
  }
  useEffect(() => () => clearTimeout(timer.current), []);

  function handleChange(next: string) {
    setDraft(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onSearch(next.trim()), DEBOUNCE_MS);
  }

  return (
    <label className="relative block">
      <span className="sr-only">Search experiments</span>
      <Search className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-slate-400" aria-hidden />
      <Input
        type="search"
        value={draft}
        onChange={(event) => handleChange(event.target.value)}
        placeholder="Search by name or description"
        className="pl-9"
        data-testid="experiments-search"
      />
    </label>
  );
}
