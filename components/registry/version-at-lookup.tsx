"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { Input } from "@/components/ui/input";
import { LoadingState } from "@/components/ui/loading-state";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";
import { toDateTimeLocalValue, versionHref } from "@/components/registry/format";
import { formatDateTime } from "@/lib/format";

type Props = {
  modelName: string;
  aliases: string[];
  /** The question as kept in the URL: alias and ISO instant (empty until asked). */
  asked: { alias: string; at: string };
  onAsk: (question: { alias: string; at: string }) => void;
};

function parseInstant(iso: string): Date | null {
  const date = new Date(iso);
  return iso && !Number.isNaN(date.getTime()) ? date : null;
}

/** "Which version was production on <date/time>?", answered from the alias's event log. */
export function VersionAtLookup({ modelName, aliases, asked, onAsk }: Props) {
  const trpc = useTRPC();
  const askedAt = parseInstant(asked.at);
  const [alias, setAlias] = useState(
    asked.alias || (aliases.includes("production") ? "production" : (aliases[0] ?? "")),
  );
  const [when, setWhen] = useState(toDateTimeLocalValue(askedAt ?? new Date()));
  const [error, setError] = useState<string | null>(null);
  const answer = useQuery({
    ...trpc.registry.versionAt.queryOptions({ name: modelName, alias: asked.alias, at: askedAt ?? new Date(0) }),
    enabled: Boolean(asked.alias && askedAt),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const instant = when ? new Date(when) : null;
    if (!alias) return setError("Choose an alias");
    if (!instant || Number.isNaN(instant.getTime())) return setError("Enter a date and time");
    setError(null);
    onAsk({ alias, at: instant.toISOString() });
  }

  if (aliases.length === 0)
    return (
      <p className="text-sm text-slate-500">
        Once an alias has been set, you can ask which version it pointed at on any date.
      </p>
    );

  return (
    <div className="space-y-3">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2" noValidate data-testid="version-at-form">
        <div>
          <label htmlFor="lookup-alias" className="mb-1 block text-xs font-medium text-slate-600">
            Which version was
          </label>
          <Select id="lookup-alias" value={alias} onChange={(e) => setAlias(e.target.value)}>
            {aliases.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="lookup-at" className="mb-1 block text-xs font-medium text-slate-600">
            on
          </label>
          <Input
            id="lookup-at"
            type="datetime-local"
            value={when}
            onChange={(e) => setWhen(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error ? "lookup-error" : undefined}
            className="w-auto"
          />
        </div>
        <Button type="submit" variant="secondary">
          Ask
        </Button>
      </form>
      {error && (
        <p id="lookup-error" className="text-sm text-rose-700">
          {error}
        </p>
      )}
      {askedAt && asked.alias && (
        <div aria-live="polite" data-testid="version-at-answer">
          {answer.isPending ? (
            <LoadingState label="Looking it up…" />
          ) : answer.isError ? (
            <ErrorState error={answer.error} onRetry={() => void answer.refetch()} />
          ) : answer.data.version === null ? (
            <p className="text-sm text-slate-700">
              On {formatDateTime(askedAt)}, <span className="font-mono font-semibold">{asked.alias}</span> pointed at no
              version
              {answer.data.event
                ? ` (removed ${formatDateTime(answer.data.event.createdAt)} by ${answer.data.event.actor.name})`
                : " (not set yet)"}
              .
            </p>
          ) : (
            <p className="text-sm text-slate-700">
              On {formatDateTime(askedAt)}, <span className="font-mono font-semibold">{asked.alias}</span> pointed at{" "}
              <Link
                href={versionHref(modelName, answer.data.version)}
                className="font-mono font-semibold text-indigo-700 hover:underline"
              >
                v{answer.data.version}
              </Link>
              {answer.data.event && (
                <span className="text-slate-500">
                  {" "}
                  (since {formatDateTime(answer.data.event.createdAt)}, set by {answer.data.event.actor.name})
                </span>
              )}
              .
            </p>
          )}
        </div>
      )}
    </div>
  );
}
