"use client";

import { Search } from "lucide-react";
import { useEffect, useState } from "react";
import { cn } from "@/lib/cn";
import { Input } from "@/components/ui/input";

const DEBOUNCE_MS = 300;

type Props = {
  value: string;
  /** Receives the trimmed text once typing pauses, or at once on Enter. */
  onSearch: (text: string) => void;
  label: string;
  placeholder?: string;
  testId?: string;
  className?: string;
};

/** A search box that reports its text after typing pauses, and follows outside changes (back button). */
export function SearchInput({ value, onSearch, label, placeholder, testId, className }: Props) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    if (value !== text.trim()) setText(value);
  }

  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);

  return (
    <label className={cn("relative block", className)}>
      <span className="sr-only">{label}</span>
      <Search className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-slate-400" aria-hidden />
      <Input
        type="search"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => event.key === "Enter" && text.trim() !== value && onSearch(text.trim())}
        placeholder={placeholder}
        className="pl-8"
        data-testid={testId}
      />
    </label>
  );
}
