// The reasons a sign-in is refused, as they travel in the sign-in page's `?error=` parameter. The server chooses
// the code; the page shows the message. Codes not listed here (next-auth's own) get a generic message.

/** Why single sign-on refused an identity the provider vouched for (see server/services/admin/oidc-identities.ts). */
export const OIDC_REFUSALS = [
  "OidcProfileInvalid",
  "OidcEmailMissing",
  "OidcEmailUnverified",
  "OidcIdentityConflict",
  "OidcDemoAccount",
] as const;
export type OidcRefusal = (typeof OIDC_REFUSALS)[number];

const MESSAGES = new Map<string, string>(
  Object.entries({
    OidcProfileInvalid: "Your identity provider did not say who you are (its sign-in answer had no issuer or subject).",
    OidcEmailMissing:
      "Your identity provider did not share your email address, so no account could be found or created.",
    OidcEmailUnverified:
      "Your identity provider has not verified your email address. Verify it there, or ask an administrator, then sign in again.",
    OidcIdentityConflict:
      "An account with this email address is already linked to a different identity at your identity provider. Ask an administrator to link it.",
    OidcDemoAccount:
      "This email address belongs to a demo account, which single sign-on never signs in as. Ask an administrator.",
    AccessDenied: "You are not allowed to sign in with this account.",
    OAuthSignin: "Could not start single sign-on. Try again, or ask an administrator to check the identity provider.",
    OAuthCallback: "Single sign-on did not complete. Try again.",
    CredentialsSignin: "Development sign-in failed: no such user.",
  }),
);

/** What the sign-in page says for an `?error=` code. */
export function signInErrorMessage(code: string): string {
  return MESSAGES.get(code) ?? `Sign-in failed (${code}). Try again.`;
}
