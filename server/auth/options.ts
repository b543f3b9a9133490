import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { ensureUser } from "@/server/auth/ensure-user";

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

/** Development sign-in: pick a seeded user. Only exists when MODELPORT_DEV_LOGIN is set. */
function devProvider(): Provider | undefined {
  if (!env().MODELPORT_DEV_LOGIN) return undefined;
  return CredentialsProvider({
    id: DEV_PROVIDER_ID,
    name: "Development sign-in",
    credentials: { email: { label: "Email", type: "email" } },
    async authorize(credentials) {
      const email = z.string().email().safeParse(credentials?.email);
      if (!email.success) return null;
      const user = await db().user.findUnique({ where: { email: email.data.toLowerCase() } });
      return user ? { id: user.id, email: user.email, name: user.name } : null;
    },
  });
}

export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/signin" },
    providers: [oidcProvider(), devProvider()].filter((p): p is Provider => p !== undefined),
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        if (!user.email) return false;
        await ensureUser(db(), { email: user.email, name: user.name ?? user.email });
        return true;
      },
      async jwt({ token, user }) {
        if (user?.email) {
          const row = await db().user.findUnique({ where: { email: user.email.toLowerCase() } });
          if (row) token.uid = row.id;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === "string") session.user.id = token.uid;
        return session;
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
