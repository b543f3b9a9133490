import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TrpcProvider } from "@/components/providers/trpc-provider";
import "@/app/globals.css";

// Every page renders per request, so each gets the Content-Security-Policy nonce proxy.ts makes for it.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Modelport", template: "%s · Modelport" },
  description: "Experiments, model registry, deployments and monitoring in one portal",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <TrpcProvider>{children}</TrpcProvider>
      </body>
    </html>
  );
}
