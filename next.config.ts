import type { NextConfig } from "next";
import { securityHeaderRules } from "@/server/http/security-headers";

const nextConfig: NextConfig = {
  // onnxruntime-node is a native addon: the server requires it from node_modules instead of bundling it.
  serverExternalPackages: ["pg", "bullmq", "ioredis", "onnxruntime-node"],
  poweredByHeader: false,
  headers: async () => securityHeaderRules(),
};

export default nextConfig;
