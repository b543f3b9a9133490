"use client";

import { Button } from "@/components/ui/button";
import { MutationFeedback } from "@/components/ui/mutation-feedback";

type Props = {
  label: string;
  /** The form's own validation message, shown instead of the server's outcome while there is one. */
  problem: string | null;
  mutation: Parameters<typeof MutationFeedback>[0]["mutation"];
};

/** The end of an inline settings form: its submit button, then the validation problem or how the save went. */
export function InlineSaveFooter({ label, problem, mutation }: Props) {
  return (
    <div className="flex items-center gap-2">
      <Button type="submit" disabled={mutation.isPending}>
        {label}
      </Button>
      {problem ? (
        <span role="alert" className="text-xs text-rose-700">
          {problem}
        </span>
      ) : (
        <MutationFeedback mutation={mutation} />
      )}
    </div>
  );
}
