export type PathErrors = Partial<Record<string, string>>;

/** zod reports an empty number field (NaN, see promote-form-values) in its own words; say it plainly. */
const plainMessage = (message: string) => (message.includes("received NaN") ? "Enter a number" : message);

/** The first message per full field path ("strategy.canaryPercent"), from zod issues or the server's zodIssues. */
export function errorsByPath(
  issues: readonly { path: string | readonly PropertyKey[]; message: string }[],
): PathErrors {
  const errors: PathErrors = {};
  for (const issue of issues) {
    const path = typeof issue.path === "string" ? issue.path : issue.path.map(String).join(".");
    errors[path] ??= plainMessage(issue.message);
  }
  return errors;
}
