import type { Profile } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";
import { z } from "zod";
import type { OidcRefusal } from "@/contracts/sign-in-errors";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import {
  isEmailVerified,
  resolveOidcIdentity,
  type OidcIdentityClaims,
  type OidcResolution,
} from "@/server/services/admin/oidc-identities";

export const OIDC_PROVIDER_ID = "oidc";

/** The claims sign-in reads: the ID token's, supplemented by the provider's user info (see `oidcProvider`). */
const oidcClaimsSchema = z.object({
  iss: z.string().min(1),
  sub: z.string().min(1),
  email: z.string().optional(),
  email_verified: z.unknown().optional(),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
});
type OidcClaims = z.infer<typeof oidcClaimsSchema>;

/** next-auth hands a provider with `idToken: true` openid-client's TokenSet, its ID token already validated. */
function validatedTokens(tokens: object): TokenSet {
  if (!("claims" in tokens) || typeof tokens.claims !== "function") {
    throw new Error("The OIDC callback brought no validated ID token");
  }
  return tokens as TokenSet;
}

/**
 * The single sign-on provider, when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. The profile next-auth
 * hands the callbacks is the validated ID token's claims overlaid with the user info endpoint's, keeping the ID
 * token's `iss` and `sub`: spec-conforming providers put `email` and `email_verified` only in the user info when an
 * access token is issued, and the issuer only in the ID token.
 */
export function oidcProvider(): OAuthConfig<OidcClaims> | undefined {
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
    userinfo: {
      async request({ tokens, client }) {
        const validated = validatedTokens(tokens);
        const idToken = validated.claims();
        // openid-client checks that the user info's subject is the ID token's.
        return { ...idToken, ...(await client.userinfo(validated)), iss: idToken.iss, sub: idToken.sub };
      },
    },
    profile(profile) {
      return {
        id: profile.sub,
        email: profile.email ?? null,
        name: profile.name ?? profile.preferred_username ?? profile.email ?? profile.sub,
      };
    },
  };
}

/** What the provider vouched for, or null when the profile lacks an issuer or subject. */
export function oidcIdentityClaims(profile: unknown): OidcIdentityClaims | null {
  const parsed = oidcClaimsSchema.safeParse(profile);
  if (!parsed.success) return null;
  const claims = parsed.data;
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email: claims.email ?? null,
    emailVerified: isEmailVerified(claims.email_verified),
    name: claims.name ?? claims.preferred_username ?? null,
  };
}

/** The portal user an OIDC sign-in is (linking or creating it), or why it is refused. */
export async function resolveOidcUser(
  profile: Profile | undefined,
): Promise<OidcResolution | { ok: false; reason: OidcRefusal }> {
  const claims = oidcIdentityClaims(profile);
  if (!claims) return { ok: false, reason: "OidcProfileInvalid" };
  return resolveOidcIdentity({ db: db(), clock: () => new Date() }, claims);
}

/**
 * next-auth's signIn callback for the OIDC provider: true to go on, or the sign-in page with the refusal's code,
 * which the page explains (contracts/sign-in-errors.ts).
 */
export async function oidcSignIn(profile: Profile | undefined): Promise<true | string> {
  const resolution = await resolveOidcUser(profile);
  return resolution.ok ? true : `/signin?error=${resolution.reason}`;
}

/** For the jwt callback: the user the identity signing in is linked to (by issuer and subject, never by email). */
export async function oidcSignedInUserId(profile: Profile | undefined): Promise<string | undefined> {
  const claims = oidcIdentityClaims(profile);
  if (!claims) return undefined;
  const identity = await db().userIdentity.findUnique({
    where: { issuer_subject: { issuer: claims.issuer, subject: claims.subject } },
    select: { userId: true },
  });
  return identity?.userId;
}
