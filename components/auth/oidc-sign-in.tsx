"use client";

import { signIn } from "next-auth/react";
import { Button } from "@/components/ui/button";

export function OidcSignIn({ callbackUrl }: { callbackUrl: string }) {
  return (
    <Button className="w-full" onClick={() => signIn("oidc", { callbackUrl })}>
      Sign in with single sign-on
    </Button>
  );
}
