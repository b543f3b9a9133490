/**
 * Answer lines, counted by their line ends outside quoted cells (a key cell may hold a newline; the runtime quotes
 * it), so a runtime that answered too few or too many rows is caught before anything is written.
 */
export function countAnswerLines(text: string): number {
  if (!text.includes('"')) {
    let count = 0;
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
    return count;
  }
  let count = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) quoted = !quoted;
    else if (ch === 0x0a && !quoted) count++;
  }
  return count;
}
