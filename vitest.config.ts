import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };
// The portal code the tests run in-process logs warnings and errors only: a JSON line per API call would bury the
// test output. Tests that read the logs set their own level (tests/log-capture.ts); spawned workers and runtimes log
// at their own levels.
// Webhooks are off by default (no allowed host): the tests' receivers listen on loopback.
const env = { PORTAL_LOG_LEVEL: "warn", ASYNC_CALLBACK_ALLOWED_HOSTS: "127.0.0.1,localhost" };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node", env },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          env,
          globalSetup: ["tests/integration/global-setup.ts"],
          setupFiles: ["tests/integration/per-file-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        // Two portals (the production build: run after `next build`) behind HAProxy, three workers; see
        // tests/cluster/multi-instance.test.ts.
        test: {
          name: "cluster",
          include: ["tests/cluster/**/*.test.ts"],
          environment: "node",
          setupFiles: ["tests/cluster/cluster-database.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        // The container images, built with buildah and started (scripts/test.sh runs it after the other tests).
        test: {
          name: "images",
          include: ["tests/images/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
