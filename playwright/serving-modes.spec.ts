import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";

// A data scientist declares what a version needs of its endpoint (a bad value is refused on its field, nothing saved),
// then promotes it: the dialog offers each target's modes, says why the SLA does not fit a mode (which cannot be
// picked), starts on one that fits, and the promotion records the mode the deployment applies. A viewer sees the SLA
// but cannot change it. The model is the test's own (a copy of a seeded version's row and artifact).

/** A model of the Fraud & Risk team with one version: the seeded fraud-detector-xgb v1's artifact and signature. */
async function ownModel(createdById: string) {
  const name = `sla-e2e-${uniqueSuffix()}`;
  await query(
    `INSERT INTO "RegisteredModel"(id, name, "teamId", "taskType", tags, "createdById", "latestVersion", "updatedAt")
     SELECT $1, $1, "teamId", "taskType", '{}', $2, 1, now() FROM "RegisteredModel" WHERE name = 'fraud-detector-xgb'`,
    [name, createdById],
  );
  await query(
    `INSERT INTO "ModelVersion"(id, "modelId", version, "artifactId", format, signature, "metricsSnapshot", "createdById")
     SELECT $1, $1, 1, v."artifactId", v.format, v.signature, v."metricsSnapshot", $2
     FROM "ModelVersion" v JOIN "RegisteredModel" m ON m.id = v."modelId"
     WHERE m.name = 'fraud-detector-xgb' AND v.version = 1`,
    [name, createdById],
  );
  return name;
}

const slaOf = async (name: string) =>
  (await query<{ sla: unknown }>(`SELECT sla FROM "ModelVersion" WHERE id = $1`, [name]))[0]!.sla;

test("a data scientist declares a version's SLA and promotes it in a mode that fits", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const scientist = await createPerson("DATA_SCIENTIST", "sla-owner");
  const name = await ownModel(scientist.id);
  await signInAs(page, scientist.email);
  await page.goto(`/models/${name}/versions/1`);

  const form = page.getByTestId("version-sla-form");
  const payload = form.getByLabel("Largest payload (MB)");
  await payload.fill("lots");
  await form.getByTestId("version-sla-save").click();
  await expect(form.getByText("Enter a number, or leave it empty")).toBeVisible();
  await expect(payload).toHaveAttribute("aria-invalid", "true");
  expect(await slaOf(name)).toBeNull();

  await payload.fill("50");
  await form.getByLabel("Processing timeout (s)").fill("120");
  await form.getByTestId("version-sla-save").click();
  await expect(form.getByRole("status")).toHaveText("Saved");
  await expect(page.getByTestId("version-sla")).toContainText("Declared: payload ≤ 50.0 MB, timeout 120 s.");
  expect(await slaOf(name)).toEqual({ maxPayloadBytes: 50 * 1024 * 1024, timeoutSeconds: 120 });

  await page.getByTestId("promote-version").click();
  const modes = page.getByTestId("serving-modes");
  await expect(page.getByTestId("serving-sla-summary")).toContainText("v1 declares: payload ≤ 50.0 MB, timeout 120 s.");
  // The local runtime reads real-time bodies up to 16 MB: only its asynchronous queue takes 50 MB.
  await expect(modes.getByRole("radio", { name: /Real time/ })).toBeDisabled();
  await expect(page.getByTestId("serving-mode-realtime")).toContainText(
    "Does not fit v1's SLA: payloads are at most 16.0 MB; the SLA needs 50.0 MB.",
  );
  await expect(modes.getByRole("radio", { name: /Asynchronous/ })).toBeChecked();

  await page.getByLabel("Target").selectOption("SAGEMAKER");
  await expect(page.getByTestId("serving-mode-realtime")).toContainText(
    "payloads are at most 6.0 MB; the SLA needs 50.0 MB; a request is processed within 60 s; the SLA needs 120 s.",
  );
  await expect(page.getByTestId("serving-mode-async")).toContainText(
    "payloads up to 1.0 GB · processed within 3,600 s",
  );
  await expect(modes.getByRole("radio", { name: /Asynchronous/ })).toBeChecked();

  await page.getByLabel("Target").selectOption("KUBERNETES");
  await expect(page.getByTestId("serving-mode-none")).toHaveText(
    "No mode of Kubernetes fits v1's SLA: choose another target or change the SLA.",
  );
  await expect(page.getByTestId("serving-mode-async")).toHaveCount(0);

  await page.getByLabel("Target").selectOption("LOCAL");
  await page.getByLabel("Reason").fill("Large scoring payloads go through the queue");
  await page.getByTestId("promote-submit").click();
  await expect(page).toHaveURL(/\/deployments\//);
  await expect(page.getByText("Staging · Local runtime · Asynchronous ·")).toBeVisible();
  const [promotion] = await query<{ servingMode: string; gates: { gate: string; detail: string }[] }>(
    `SELECT p."servingMode", p.gates FROM "Promotion" p WHERE p."versionId" = $1`,
    [name],
  );
  expect(promotion).toEqual({
    servingMode: "ASYNC",
    gates: [
      {
        gate: "serving-sla",
        passed: true,
        detail: "SLA (payload ≤ 50.0 MB, timeout 120 s) fits asynchronous on the local runtime",
      },
    ],
  });
  await expect(page.getByTestId("deployment-status")).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 60_000 });

  const viewer = await createPerson("VIEWER", "sla-viewer");
  const viewerPage = await (await browser.newContext()).newPage();
  await signInAs(viewerPage, viewer.email);
  await viewerPage.goto(`/models/${name}/versions/1`);
  await expect(viewerPage.getByTestId("version-sla")).toContainText("Declared: payload ≤ 50.0 MB, timeout 120 s.");
  await expect(viewerPage.getByTestId("version-sla-form").getByLabel("Largest payload (MB)")).toBeDisabled();
  await expect(viewerPage.getByTestId("version-sla-save")).toHaveCount(0);
  await expect(viewerPage.getByTestId("promote-version")).toHaveCount(0);
});
