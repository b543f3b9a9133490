import type { NextAuthOptions, Profile, User } from "next-auth";
import type { AdapterUser } from "next-auth/adapters";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { OIDC_PROVIDER_ID, oidcProvider, oidcSignedInUserId, oidcSignIn } from "@/server/auth/oidc";
import { secureCookies, sessionPolicy } from "@/server/auth/session-policy";
import { sessionSecret } from "@/server/production-safety";
import { endSession, resolveSession, startSession } from "@/server/services/admin/sessions";

export const DEV_PROVIDER_ID = "dev";

/** Development sign-in: pick a seeded demo user (never anyone else). Only exists when MODELPORT_DEV_LOGIN is set. */
function devProvider(): Provider | undefined {
  if (!env().MODELPORT_DEV_LOGIN) return undefined;
  return CredentialsProvider({
    id: DEV_PROVIDER_ID,
    name: "Development sign-in",
    credentials: { email: { label: "Email", type: "email" } },
    async authorize(credentials) {
      const email = z.string().email().safeParse(credentials?.email);
      if (!email.success) return null;
      const user = await db().user.findFirst({ where: { email: email.data.toLowerCase(), isDemo: true } });
      return user ? { id: user.id, email: user.email, name: user.name } : null;
    },
  });
}

/** The portal user a sign-in stands for: the dev provider's user id; for SSO, the user its (issuer, subject) is linked to. */
async function portalUserId(
  user: User | AdapterUser,
  provider: string | undefined,
  profile: Profile | undefined,
): Promise<string | null> {
  if (provider === DEV_PROVIDER_ID) return user.id;
  if (provider === OIDC_PROVIDER_ID) return (await oidcSignedInUserId(profile)) ?? null;
  return null;
}

export function authOptions(): NextAuthOptions {
  const policy = sessionPolicy();
  return {
    secret: sessionSecret(),
    useSecureCookies: secureCookies(),
    session: { strategy: "jwt", maxAge: policy.absoluteMs / 1000 },
    pages: { signIn: "/signin" },
    providers: [oidcProvider(), devProvider()].filter((p): p is Provider => p !== undefined),
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider === OIDC_PROVIDER_ID) return oidcSignIn(profile);
        return true;
      },
      /** At sign-in (`user` is set) a new session row is made; the cookie then carries only its id. */
      async jwt({ token, user, account, profile }) {
        if (!user) return token;
        const userId = await portalUserId(user, account?.provider, profile);
        if (!userId) return {};
        const provider = account?.provider ?? "unknown";
        const sid = await startSession(db(), { userId, provider, now: new Date() }, policy);
        return { sid, uid: userId, name: user.name, email: user.email };
      },
      /** /api/auth/session answers for a live session row only: an ended one shows nobody, whatever the cookie says. */
      async session({ session, token }) {
        const person = typeof token.sid === "string" ? await resolveSession(db(), token.sid, new Date(), policy) : null;
        if (!person) return { expires: session.expires };
        return { ...session, user: { ...session.user, id: person.id } };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await endSession(db(), token.sid, new Date());
      },
    },
  };
}

export function enabledSignInMethods() {
  const e = env();
  return {
    dev: e.MODELPORT_DEV_LOGIN,
    oidc: Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET),
  };
}
