import { Button } from "@/components/ui/button";
import { MutationFeedback } from "@/components/forms/mutation-feedback";

type Props = {
  /** The server's refusal that belongs to no single field (the form's `root.server` error). */
  error?: string | null;
  pending: boolean;
  /** The submit button cannot be pressed (the form says why). */
  disabled?: boolean;
  submitLabel: string;
  /** The submit button's text while the mutation runs; without it the button keeps its label. */
  pendingLabel?: string;
  /** In a dialog: a Cancel button before the submit button. */
  onCancel?: () => void;
  /** An inline settings form: the button, then "Saving…", "Saved" or the refusal beside it. */
  saved?: boolean;
  variant?: "primary" | "danger";
  errorTestId?: string;
  submitTestId?: string;
};

/** The end of every form: the server's message, then the submit button (after Cancel in a dialog). */
export function FormFooter({
  error,
  pending,
  disabled = false,
  submitLabel,
  pendingLabel,
  onCancel,
  saved,
  variant = "primary",
  errorTestId,
  submitTestId,
}: Props) {
  const submit = (
    <Button type="submit" variant={variant} disabled={pending || disabled} data-testid={submitTestId}>
      {pending && pendingLabel ? pendingLabel : submitLabel}
    </Button>
  );
  if (saved !== undefined) {
    return (
      <div className="flex items-center gap-2">
        {submit}
        <MutationFeedback
          mutation={{ isPending: pending, isSuccess: saved, error: error ? { message: error } : null }}
        />
      </div>
    );
  }
  return (
    <>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid={errorTestId}>
          {error}
        </p>
      )}
      {onCancel ? (
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
          {submit}
        </div>
      ) : (
        submit
      )}
    </>
  );
}
