import type { KeyboardEvent } from "react";

/** In a textarea Enter adds a line, so Ctrl+Enter (⌘+Enter on a Mac) submits the form instead. */
export function submitOnCtrlEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}
