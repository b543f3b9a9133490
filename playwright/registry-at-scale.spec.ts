import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";

const VERSIONS = 130;
const MOVES = 60;

/**
 * A model of the test's own with 130 versions and 60 alias moves, bulk-inserted (registering 130 versions through the
 * API would take minutes): more than the model page carries (50 versions, 50 moves), so both are paged.
 */
async function seedLongModel(ownerId: string) {
  const name = `e2e-long-model-${uniqueSuffix()}`;
  const [{ id: modelId }] = (await query<{ id: string }>(
    `INSERT INTO "RegisteredModel"(id, name, "teamId", "taskType", tags, "latestVersion", "createdById", "updatedAt")
     VALUES ($1, $1, (SELECT "teamId" FROM "User" WHERE id = $2), 'CLASSIFICATION', '{}', ${VERSIONS}, $2, now())
     RETURNING id`,
    [name, ownerId],
  )) as [{ id: string }];
  await query(
    `INSERT INTO "ModelVersion"(id, "modelId", version, format, "metricsSnapshot", "createdById", "createdAt")
     SELECT $1 || '_v' || v, $1, v, 'ONNX', jsonb_build_object('auc', 0.5 + v / 1000.0), $2,
            now() - (${VERSIONS} - v) * interval '1 hour'
     FROM generate_series(1, ${VERSIONS}) v`,
    [modelId, ownerId],
  );
  await query(
    `INSERT INTO "AliasEvent"("modelId", alias, "fromVersionId", "toVersionId", "actorId", reason, "createdAt")
     SELECT $1, 'staging', CASE WHEN m > 1 THEN $1 || '_v' || (m - 1) END, $1 || '_v' || m, $2, 'move ' || m,
            now() - (${MOVES} - m) * interval '1 minute'
     FROM generate_series(1, ${MOVES}) m`,
    [modelId, ownerId],
  );
  await query(
    `INSERT INTO "ModelAlias"("modelId", alias, "versionId", "updatedById", "updatedAt") VALUES ($1, 'staging', $1 || '_v' || ${MOVES}, $2, now())`,
    [modelId, ownerId],
  );
  return name;
}

test("a data scientist pages through a model's 130 versions and its alias history, and points an alias at an old version", async ({
  page,
}) => {
  const scientist = await createPerson("DATA_SCIENTIST", "pager");
  const name = await seedLongModel(scientist.id);
  await signInAs(page, scientist.email);
  await page.goto(`/models/${name}`);

  await expect(page.getByText(`${VERSIONS} versions`, { exact: false }).first()).toBeVisible();
  const rows = page.getByTestId("version-row");
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText(`v${VERSIONS}`);
  await expect(page.getByTestId("versions-footer")).toContainText(`The newest 50 of ${VERSIONS} versions`);

  // An alias set before paging shows on the paged rows too: paging starts from what is on screen now.
  const form = page.getByTestId("set-alias-form");
  await page.getByTestId("set-alias").click();
  await form.getByRole("textbox", { name: "Alias" }).fill("candidate");
  await form.getByRole("combobox", { name: "Version" }).fill("120");
  await form.getByRole("textbox", { name: "Reason" }).fill("Nightly retrain looks better");
  await form.getByRole("button", { name: "Set alias" }).click();
  await expect(form).toHaveCount(0);
  await expect(rows.nth(10)).toContainText("candidate");

  await page.getByTestId("older-versions").click();
  await expect(rows).toHaveCount(100);
  await expect(rows.nth(10)).toContainText("candidate");
  await expect(rows.nth(50)).toContainText("v80");
  await page.getByTestId("older-versions").click();
  await expect(rows).toHaveCount(VERSIONS);
  await expect(rows.last()).toContainText("v1");
  await expect(page.getByTestId("versions-footer")).toHaveCount(0);

  const history = page.getByTestId("alias-history").locator("li");
  await expect(history).toHaveCount(50);
  await expect(history.first()).toContainText("Nightly retrain looks better");
  await expect(history.nth(1)).toContainText(`move ${MOVES}`);
  await page.getByTestId("older-alias-moves").click();
  await expect(history).toHaveCount(MOVES + 1);
  await expect(history.last()).toContainText("move 1");
  await expect(page.getByTestId("older-alias-moves")).toHaveCount(0);

  // v3 is far older than the 50 versions suggested: its number is typed; its row, paged in, shows the alias.
  await page.getByTestId("set-alias").click();
  await form.getByRole("textbox", { name: "Alias" }).fill("rollback");
  await form.getByRole("combobox", { name: "Version" }).fill("3");
  await form.getByRole("textbox", { name: "Reason" }).fill("Last version before the feature change");
  await form.getByRole("button", { name: "Set alias" }).click();
  await expect(form).toHaveCount(0);
  await expect(rows.nth(VERSIONS - 3)).toContainText("rollback");
  const [alias] = await query<{ version: number }>(
    `SELECT v.version FROM "ModelAlias" a JOIN "ModelVersion" v ON v.id = a."versionId"
     JOIN "RegisteredModel" m ON m.id = a."modelId" WHERE m.name = $1 AND a.alias = 'rollback'`,
    [name],
  );
  expect(alias?.version).toBe(3);

  // A version that does not exist is refused at the field, and nothing changes.
  await page.getByTestId("set-alias").click();
  await form.getByRole("textbox", { name: "Alias" }).fill("phantom");
  await form.getByRole("combobox", { name: "Version" }).fill(String(VERSIONS + 1));
  await form.getByRole("textbox", { name: "Reason" }).fill("Should be refused");
  await form.getByRole("button", { name: "Set alias" }).click();
  await expect(form.locator("#alias-version-error")).toContainText(`${VERSIONS + 1}`);
  const phantom = await query(
    `SELECT 1 FROM "ModelAlias" a JOIN "RegisteredModel" m ON m.id = a."modelId" WHERE m.name = $1 AND a.alias = 'phantom'`,
    [name],
  );
  expect(phantom).toHaveLength(0);
});
