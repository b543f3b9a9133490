"use client";

import { useEffect, useRef, type ChangeEvent } from "react";

type Props = {
  checked: boolean;
  indeterminate?: boolean;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  label: string;
  disabled?: boolean;
};

export function SelectCheckbox({ checked, indeterminate = false, onChange, label, disabled }: Props) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      checked={checked}
      onChange={onChange}
      aria-label={label}
      disabled={disabled}
      className="h-4 w-4 cursor-pointer rounded border-slate-300 accent-indigo-600"
    />
  );
}
