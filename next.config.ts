import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // onnxruntime-node is a native addon: the server requires it from node_modules instead of bundling it.
  serverExternalPackages: ["pg", "bullmq", "ioredis", "onnxruntime-node"],
  poweredByHeader: false,
};

export default nextConfig;
