import { IntentLink } from "@/components/ui/intent-link";
import type { ReactNode } from "react";
import type { Role } from "@/contracts/enums";
import { ROLE_LABELS } from "@/contracts/permissions";
import { NavLink } from "@/components/layout/nav-link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { AlertsBell } from "@/components/alerts/alerts-bell";

type Props = {
  user: { name: string; email: string; role: Role };
  canAdmin: boolean;
  canAudit: boolean;
  /** Whether the person labels or reviews (the Labels link). */
  canLabel: boolean;
  devLogin: boolean;
  children: ReactNode;
};

export function AppShell({ user, canAdmin, canAudit, canLabel, devLogin, children }: Props) {
  return (
    <div className="flex min-h-screen flex-col">
      {devLogin && (
        <div className="bg-amber-400 px-4 py-1 text-center text-xs font-semibold text-amber-950">
          Development sign-in is enabled — demo users, not for production
        </div>
      )}
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-screen-2xl items-center gap-6 px-6 py-3">
          <IntentLink href="/" className="text-lg font-bold tracking-tight text-indigo-700">
            Modelport
          </IntentLink>
          <nav aria-label="Main" className="flex items-center gap-1 text-sm">
            <NavLink href="/models">Models</NavLink>
            <NavLink href="/experiments">Experiments</NavLink>
            <NavLink href="/deployments">Deployments</NavLink>
            <NavLink href="/endpoints">Endpoints</NavLink>
            <NavLink href="/ab-tests">A/B tests</NavLink>
            <NavLink href="/approvals">Approvals</NavLink>
            {canLabel && <NavLink href="/labels">Labels</NavLink>}
            <NavLink href="/dashboards/latency">Latency</NavLink>
            <NavLink href="/dashboards/drift">Drift</NavLink>
            <NavLink href="/dashboards/cost">Cost</NavLink>
            <NavLink href="/dashboards/quality">Quality</NavLink>
            {canAudit && <NavLink href="/admin/audit">Audit log</NavLink>}
            {canAdmin && <NavLink href="/admin/users">Users</NavLink>}
            {canAdmin && <NavLink href="/admin/pricing">Pricing</NavLink>}
            {canAdmin && <NavLink href="/admin/tokens">All tokens</NavLink>}
            <NavLink href="/settings/tokens">API tokens</NavLink>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <AlertsBell />
            <span className="text-right leading-tight">
              <span className="block font-medium" data-testid="current-user">
                {user.name}
              </span>
              <span className="block text-xs text-slate-500" data-testid="current-role">
                {ROLE_LABELS[user.role]}
              </span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto w-full max-w-screen-2xl flex-1 px-6 py-8">{children}</main>
    </div>
  );
}
