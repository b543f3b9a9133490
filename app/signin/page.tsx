import { DevSignIn } from "@/components/auth/dev-sign-in";
import { OidcSignIn } from "@/components/auth/oidc-sign-in";
import { signInErrorMessage } from "@/contracts/sign-in-errors";
import { enabledSignInMethods } from "@/server/auth/options";
import { api } from "@/trpc/server";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const { callbackUrl = "/", error } = await searchParams;
  const methods = enabledSignInMethods();
  const demoUsers = methods.dev ? await api.session.demoUsers() : [];
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center gap-6 px-6 py-12">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-indigo-700">Modelport</h1>
        <p className="mt-1 text-sm text-slate-500">
          Experiments, registry, deployments and monitoring for every model.
        </p>
      </div>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {signInErrorMessage(error)}
        </p>
      )}
      <div className="space-y-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        {methods.oidc && <OidcSignIn callbackUrl={callbackUrl} />}
        {methods.dev && <DevSignIn callbackUrl={callbackUrl} users={demoUsers} />}
        {!methods.oidc && !methods.dev && (
          <p className="text-sm text-slate-600">
            No sign-in method is configured. Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or
            MODELPORT_DEV_LOGIN=1 for local development.
          </p>
        )}
      </div>
    </main>
  );
}
