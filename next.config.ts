import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  serverExternalPackages: ["pg", "bullmq", "ioredis"],
  poweredByHeader: false,
};

export default nextConfig;
