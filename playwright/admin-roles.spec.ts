import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";

test("an admin changes a person's role and the change shows in the audit log", async ({ page }) => {
  const person = await createPerson("VIEWER", "trainee");
  await signInAs(page, "ada.admin@modelport.dev");

  await page.goto(`/admin/users?q=${encodeURIComponent(person.email)}`);
  const roleSelect = page.getByTestId(`role-select-${person.email}`);
  await expect(roleSelect).toHaveValue("VIEWER");
  await roleSelect.selectOption("DATA_SCIENTIST");

  await expect
    .poll(async () => (await query<{ role: string }>(`SELECT role FROM "User" WHERE id = $1`, [person.id]))[0]?.role)
    .toBe("DATA_SCIENTIST");
  const audit = await query<{ before: { role: string }; after: { role: string; endedSessions: number } }>(
    `SELECT a.before, a.after FROM "AuditLog" a JOIN "User" u ON u.id = a."actorId"
     WHERE a.action = 'user.role.update' AND a."entityId" = $1 AND u.email = 'ada.admin@modelport.dev'`,
    [person.id],
  );
  // The person never signed in, so the role change ended no sessions.
  expect(audit).toEqual([{ before: { role: "VIEWER" }, after: { role: "DATA_SCIENTIST", endedSessions: 0 } }]);

  await page.goto(`/admin/audit?action=user.role.update&entityId=${person.id}`);
  const row = page.getByTestId("audit-row").first();
  await expect(row).toContainText("user.role.update");
  await expect(row).toContainText("Ada Admin");
  await row.getByRole("button", { name: /Show changes/ }).click();
  await expect(page.getByText("DATA_SCIENTIST").first()).toBeVisible();
});
