import { expect } from "@playwright/test";
import { query } from "@/playwright/support/db";

/**
 * Waits until every deployment the seed asked for on `endpoint` has succeeded (the worker deploys them once the
 * server is up), then answers the version serving 100% of its traffic.
 */
export async function servingVersion(endpoint: string) {
  await expect
    .poll(
      async () => {
        const rows = await query<{ status: string }>(
          `SELECT d.status FROM "Deployment" d JOIN "Endpoint" e ON e.id = d."endpointId" WHERE e.name = $1`,
          [endpoint],
        );
        return rows.length > 0 && rows.every((r) => r.status === "SUCCEEDED")
          ? "live"
          : rows.map((r) => r.status).join(",");
      },
      { timeout: 90_000, intervals: [1000] },
    )
    .toBe("live");
  const [served] = await query<{ version: number }>(
    `SELECT v.version FROM "EndpointVariant" ev JOIN "Endpoint" e ON e.id = ev."endpointId"
     JOIN "ModelVersion" v ON v.id = ev."versionId" WHERE e.name = $1 AND ev.weight = 100`,
    [endpoint],
  );
  return served!.version;
}
