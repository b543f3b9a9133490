import { rm } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";
import { servingVersion } from "@/playwright/support/deployments";

const ENDPOINT = "delivery-time-estimator-staging-local";
/** scripts/e2e-server.sh's artifact store: content-addressed blobs under sha256/<2>/<2>/<digest>. */
const ARTIFACT_ROOT = "/tmp/modelport-e2e-artifacts";

test("a data scientist promotes a broken version to a serving staging endpoint: it fails clearly and the previous version keeps serving", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const scientist = await createPerson("DATA_SCIENTIST", "unlucky", "Logistics");
  const previous = await servingVersion(ENDPOINT);
  // A registered version whose bytes the artifact store has lost (a disk replaced, a bucket lifecycle rule).
  const [broken] = await query<{ version: number; sha256: string }>(
    `SELECT v.version, a.sha256 FROM "ModelVersion" v JOIN "RegisteredModel" m ON m.id = v."modelId"
     JOIN "Artifact" a ON a.id = v."artifactId" WHERE m.name = 'delivery-time-estimator' AND v.version <> $1
     ORDER BY v.version DESC LIMIT 1`,
    [previous],
  );
  const { sha256 } = broken!;
  await rm(path.join(ARTIFACT_ROOT, "sha256", sha256.slice(0, 2), sha256.slice(2, 4), sha256), { force: true });

  await signInAs(page, scientist.email);
  await page.goto(`/models/delivery-time-estimator/versions/${broken!.version}`);
  await page.getByTestId("promote-version").click();
  await page.getByLabel("Environment").selectOption("STAGING");
  await page.getByLabel("Reason").fill("Try the retrained estimator in staging");
  await page.getByTestId("promote-submit").click();
  await expect(page).toHaveURL(/\/deployments\//);

  await expect(page.getByTestId("deployment-status")).toHaveAttribute("data-status", "FAILED", { timeout: 60_000 });
  const failure = page.getByTestId("deployment-failure");
  await expect(failure).toContainText("The artifact's bytes are missing from the artifact store");
  await expect(page.getByTestId("still-serving")).toHaveText(`${ENDPOINT} still serves v${previous} (100%).`);
  await expect(page.getByTestId("step-validate-artifact")).toHaveAttribute("data-outcome", "failed");
  await expect(page.getByTestId("step-apply-endpoint")).toHaveAttribute("data-outcome", "pending");

  await page.getByTestId("deployment-endpoint").click();
  await expect(page.getByTestId("endpoint-name")).toHaveText(ENDPOINT);
  await expect(page.getByTestId("endpoint-variant")).toHaveAttribute("data-version", String(previous));
  await page.getByTestId("prediction-input").press("Control+Enter");
  await expect(page.getByTestId("prediction-result").getByTestId("prediction-variant")).toContainText(
    `delivery-time-estimator-v${previous}`,
  );
});
