import type { NextConfig } from "next";
import { securityHeaderRules } from "@/server/http/security-headers";

const nextConfig: NextConfig = {
  // The portal image runs `.next/standalone/server.js` with only the modules it traces (deploy/images/Containerfile);
  // elsewhere `next start` serves the build, and warns when it finds a standalone one.
  output: process.env.MODELPORT_STANDALONE_BUILD === "1" ? "standalone" : undefined,
  // onnxruntime-node is a native addon: the server requires it from node_modules instead of bundling it.
  serverExternalPackages: ["pg", "bullmq", "ioredis", "onnxruntime-node"],
  poweredByHeader: false,
  headers: async () => securityHeaderRules(),
};

export default nextConfig;
