"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

type DemoUser = { email: string; name: string; roleLabel: string; team: string | null };

export function DevSignIn({ users, callbackUrl }: { users: DemoUser[]; callbackUrl: string }) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function signInAs(email: string) {
    setPending(email);
    setError(null);
    const result = await signIn("dev", { email, callbackUrl, redirect: false });
    if (result?.ok && result.url) {
      window.location.assign(result.url);
      return;
    }
    setPending(null);
    setError(
      result?.status === 429
        ? "Too many sign-in attempts. Wait a few minutes, then try again."
        : "That user does not exist any more. Re-seed the demo data with npm start.",
    );
  }

  return (
    <div className="space-y-3">
      <div className="flex items-center gap-2">
        <h2 className="text-sm font-semibold">Development sign-in</h2>
        <Badge tone="amber">not for production</Badge>
      </div>
      {users.length === 0 && <p className="text-sm text-slate-500">No demo users yet: run npm start to seed them.</p>}
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
        {users.map((u) => (
          <li key={u.email} className="flex items-center justify-between gap-3 px-3 py-2">
            <span className="text-sm">
              <span className="font-medium">{u.name}</span>{" "}
              <span className="text-slate-500">
                · {u.roleLabel}
                {u.team ? ` · ${u.team}` : ""}
              </span>
              <span className="block text-xs text-slate-500">{u.email}</span>
            </span>
            <Button
              size="sm"
              disabled={pending !== null}
              onClick={() => signInAs(u.email)}
              aria-label={`Sign in as ${u.name} (${u.roleLabel})`}
            >
              {pending === u.email ? "Signing in…" : "Sign in"}
            </Button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
