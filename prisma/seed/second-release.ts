import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type SecondRelease = { afterDeploymentId: string; modelName: string; version: number; requestedById: string };

export const SECOND_RELEASE_LOG = path.join(os.tmpdir(), "modelport-seed-second-release.log");

/**
 * The seed runs before the runtime and the worker, and an endpoint takes one deployment at a time, so the second
 * staging release cannot be queued yet. A small detached process waits for the first one to go live, then requests
 * the second as the same person (see second-release-main.ts); it gives up when the first one fails or never finishes.
 */
export function startSecondRelease(release: SecondRelease) {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "second-release-main.ts");
  const log = openSync(SECOND_RELEASE_LOG, "a");
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(release)], {
    detached: true,
    stdio: ["ignore", log, log],
    env: process.env,
  });
  child.unref();
  console.log(`The second staging release of ${release.modelName} (v${release.version}) follows once the first is live; log: ${SECOND_RELEASE_LOG}`);
}
