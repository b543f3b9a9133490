import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startPortal, waitForUrl } from "@/tests/cluster/cluster-processes";
import { freePort } from "@/tests/integration/runtime/runtime-process";

/**
 * One production portal (`next start`, which needs `npx next build`) on a free local port over a bench database, with
 * the development sign-in for its demo users and no Prometheus. Stopped with the other processes by stopAll().
 */
export async function startBenchPortal(databaseUrl: string, name: string): Promise<string> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const portal = startPortal("portal", port, {
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: name,
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    ARTIFACT_URL_SECRET: randomBytes(32).toString("hex"),
    MODELPORT_DEV_LOGIN: "1",
    MODELPORT_LOCAL_DEMO: "1",
    MODELPORT_BIND_HOST: "127.0.0.1",
    NEXTAUTH_URL: base,
    ARTIFACT_ROOT: path.join(scratch, "artifacts"),
    PROMETHEUS_URL: "http://127.0.0.1:9",
  });
  await waitForUrl(portal, `${base}/api/health`);
  return base;
}
