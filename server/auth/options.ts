import type { NextAuthOptions, User } from "next-auth";
import type { AdapterUser } from "next-auth/adapters";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { ensureUser } from "@/server/auth/ensure-user";
import { secureCookies, sessionPolicy } from "@/server/auth/session-policy";
import { sessionSecret } from "@/server/production-safety";
import { endSession, startSession } from "@/server/services/admin/sessions";

export const DEV_PROVIDER_ID = "dev";
export const OIDC_PROVIDER_ID = "oidc";

type OidcProfile = { sub: string; email?: string; name?: string; preferred_username?: string };

function oidcProvider(): Provider | undefined {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = env();
  if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return undefined;
  return {
    id: OIDC_PROVIDER_ID,
    name: "Single sign-on",
    type: "oauth",
    wellKnown: `${OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    profile(profile: OidcProfile) {
      return {
        id: profile.sub,
        email: profile.email ?? null,
        name: profile.name ?? profile.preferred_username ?? profile.email ?? profile.sub,
      };
    },
  };
}

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

/** The portal user a sign-in stands for: the dev provider's user id; for SSO, the account found by its email. */
async function portalUserId(user: User | AdapterUser, provider: string | undefined): Promise<string | null> {
  if (provider === DEV_PROVIDER_ID) return user.id;
  if (!user.email) return null;
  const row = await db().user.findUnique({ where: { email: user.email.toLowerCase() } });
  return row?.id ?? null;
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
      async signIn({ user, account }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        if (!user.email) return false;
        await ensureUser(db(), { email: user.email, name: user.name ?? user.email });
        return true;
      },
      /** At sign-in (`user` is set) a new session row is made; the cookie then carries only its id. */
      async jwt({ token, user, account }) {
        if (!user) return token;
        const userId = await portalUserId(user, account?.provider);
        if (!userId) return {};
        const provider = account?.provider ?? "unknown";
        const sid = await startSession(db(), { userId, provider, now: new Date() }, policy);
        return { sid, uid: userId, name: user.name, email: user.email };
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === "string") session.user.id = token.uid;
        return session;
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
