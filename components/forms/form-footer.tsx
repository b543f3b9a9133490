import { Button } from "@/components/ui/button";

type Props = {
  /** The server's refusal that belongs to no single field. */
  error?: string | null;
  onCancel: () => void;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  variant?: "primary" | "danger";
  errorTestId?: string;
  submitTestId?: string;
};

/** The end of every dialog form: the server's message, then Cancel and the submit button. */
export function FormFooter({
  error,
  onCancel,
  pending,
  submitLabel,
  pendingLabel,
  variant = "primary",
  errorTestId,
  submitTestId,
}: Props) {
  return (
    <>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid={errorTestId}>
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant={variant} disabled={pending} data-testid={submitTestId}>
          {pending ? pendingLabel : submitLabel}
        </Button>
      </div>
    </>
  );
}
