import { expect } from "@playwright/test";
import { generateTraffic } from "@/scripts/traffic/generate-traffic";
import { query } from "@/playwright/support/db";
import { RUNTIME_URL } from "@/playwright/support/traffic";

/** The seeded fraud classifier's staging endpoint on the local runtime (deployed by the worker after start). */
export const FRAUD_MODEL = "fraud-detector-xgb";
export const FRAUD_ENDPOINT = `${FRAUD_MODEL}-staging-local`;

const servedInputs = () =>
  query<{ inputs: Array<{ name: string }> }>(
    `SELECT v.signature->'inputs' AS inputs FROM "Endpoint" e JOIN "EndpointVariant" ev ON ev."endpointId" = e.id
     JOIN "ModelVersion" v ON v.id = ev."versionId" WHERE e.name = $1 ORDER BY v.version DESC LIMIT 1`,
    [FRAUD_ENDPOINT],
  );

/** How many predictions of an endpoint the capture loader has written. */
export const capturedRows = async (endpointName: string) =>
  Number(
    (
      await query<{ count: string }>(`SELECT count(*) AS count FROM "CapturedPrediction" WHERE "endpointName" = $1`, [
        endpointName,
      ])
    )[0]!.count,
  );
const capturedCount = () => capturedRows(FRAUD_ENDPOINT);

/**
 * Sends `requests` one-row predictions to the fraud staging endpoint through the runtime (which captures them to the
 * Redis stream) and waits until the worker's capture loader has put them all in CapturedPrediction.
 */
export async function captureFraudPredictions(requests: number): Promise<void> {
  await expect.poll(async () => (await servedInputs()).length, { timeout: 150_000, intervals: [2000] }).toBe(1);
  const before = await capturedCount();
  const send = async (maxRequests: number) => {
    const [served] = await servedInputs();
    const known = [{ endpointName: FRAUD_ENDPOINT, inputs: served!.inputs.map((i) => i.name) }];
    const traffic = await generateTraffic({
      runtimeUrl: RUNTIME_URL,
      knownEndpoints: known,
      rate: 20,
      maxRequests,
      batch: 1,
    });
    return traffic.endpoints[0]?.okRequests ?? 0;
  };
  let answered = 0;
  await expect
    .poll(async () => (answered += await send(1)), { timeout: 150_000, intervals: [2000] })
    .toBeGreaterThan(0);
  answered += await send(requests);
  await expect.poll(capturedCount, { timeout: 60_000, intervals: [1000] }).toBeGreaterThanOrEqual(before + answered);
}
