import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { compareHref } from "@/components/experiments/shared/url";
import { signInAs } from "@/playwright/support/auth";
import { query } from "@/playwright/support/db";
import { ENDPOINT } from "@/playwright/support/traffic";

/** The seeded demo people, one per role. */
const PEOPLE = [
  { role: "a viewer", email: "vera.viewer@modelport.dev" },
  { role: "a data scientist", email: "dana.scientist@modelport.dev" },
  { role: "a reviewer", email: "rita.reviewer@modelport.dev" },
  { role: "a manager", email: "manuel.manager@modelport.dev" },
  { role: "an admin", email: "ada.admin@modelport.dev" },
];

const MODEL = "fraud-detector-xgb";
const DRIFT_FEATURE = "distance_km";
const BLOCKING = new Set(["serious", "critical"]);

/** Every main page, with ids taken from the seeded demo data (the worker deploys the seeded promotion after start). */
async function mainPages(): Promise<string[]> {
  const deployed = () =>
    query<{ endpointId: string; deploymentId: string }>(
      `SELECT e.id AS "endpointId", d.id AS "deploymentId" FROM "Endpoint" e JOIN "Deployment" d ON d."endpointId" = e.id
       WHERE e.name = $1 ORDER BY d."createdAt" LIMIT 1`,
      [ENDPOINT],
    );
  await expect.poll(async () => (await deployed()).length, { timeout: 150_000, intervals: [2000] }).toBe(1);
  const [{ endpointId, deploymentId }] = (await deployed()) as [{ endpointId: string; deploymentId: string }];
  const runs = await query<{ experimentId: string; runId: string }>(
    `SELECT r."experimentId", r.id AS "runId" FROM "Run" r JOIN "Experiment" x ON x.id = r."experimentId"
     WHERE x.name = $1 ORDER BY r."startTime" LIMIT 3`,
    [`${MODEL}-training`],
  );
  const [{ experimentId, runId }] = runs as [{ experimentId: string; runId: string }];
  return [
    "/",
    "/models",
    `/models/${MODEL}`,
    `/models/${MODEL}/versions/1`,
    "/experiments",
    `/experiments/${experimentId}`,
    `/experiments/${experimentId}/runs/${runId}`,
    compareHref(runs.map((r) => r.runId)),
    "/deployments",
    `/deployments/${deploymentId}`,
    "/endpoints",
    `/endpoints/${endpointId}`,
    "/approvals",
    "/dashboards/latency",
    "/dashboards/cost",
    "/dashboards/quality",
    "/dashboards/drift",
    `/dashboards/drift/${endpointId}`,
    `/dashboards/drift/${endpointId}/${DRIFT_FEATURE}`,
    "/admin",
    "/admin/users",
    "/admin/audit",
    "/admin/pricing",
    "/settings",
    "/settings/tokens",
  ];
}

/** The serious and critical violations on the page as it stands, one readable line per element. */
async function blockingViolations(page: Page, role: string, url: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact && BLOCKING.has(v.impact))
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `[${role}] ${url} — ${v.id} (${v.impact}): ${v.help}\n    at ${n.target.join(" ")}\n    ${n.failureSummary}`,
      ),
    );
}

for (const person of PEOPLE) {
  test(`every main page has no serious or critical accessibility violations for ${person.role}`, async ({ page }) => {
    test.setTimeout(300_000);
    const pages = await mainPages();
    await signInAs(page, person.email);
    const found: string[] = [];
    for (const url of pages) {
      await page.goto(url);
      await expect(page.getByRole("main")).toBeVisible();
      await expect(page.getByRole("status").filter({ hasText: /loading/i })).toHaveCount(0, { timeout: 30_000 });
      found.push(...(await blockingViolations(page, person.role, url)));
    }
    expect(found, `Accessibility violations:\n${found.join("\n")}`).toEqual([]);
  });
}
