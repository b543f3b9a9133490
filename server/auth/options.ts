import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { OIDC_PROVIDER_ID, oidcProvider, oidcSignedInUserId, oidcSignIn } from "@/server/auth/oidc";

export const DEV_PROVIDER_ID = "dev";

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
      async signIn({ account, profile }) {
        if (account?.provider === OIDC_PROVIDER_ID) return oidcSignIn(profile);
        return true;
      },
      async jwt({ token, user, account, profile }) {
        if (account?.provider === OIDC_PROVIDER_ID) {
          token.uid = await oidcSignedInUserId(profile);
        } else if (user?.email) {
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
