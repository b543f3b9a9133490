import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/options";
import { limitSignInAttempt } from "@/server/auth/sign-in-rate-limit";

export const dynamic = "force-dynamic";

async function handler(request: NextRequest, context: { params: Promise<{ nextauth: string[] }> }) {
  const limited = await limitSignInAttempt(request, (await context.params).nextauth);
  if (limited) return limited;
  return NextAuth(request, context, authOptions());
}

export { handler as GET, handler as POST };
