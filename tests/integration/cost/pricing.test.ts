import { describe, expect, it } from "vitest";
import { seedPricing, SEED_PRICES } from "@/prisma/seed/seed-pricing";
import { db } from "@/server/db/client";
import { listPrices, upsertPrice } from "@/server/services/cost/pricing";
import { givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

describe("the price table", () => {
  it("is seeded once with labelled list prices and leaves admin edits alone", async () => {
    await seedPricing(db());
    const admin = await givenUser("ADMIN");
    await upsertPrice(admin.ctx, {
      name: "ml.m5.large",
      target: "SAGEMAKER",
      hourlyUsd: 0.2,
      source: "negotiated rate",
    });
    await seedPricing(db());
    const prices = await listPrices({ db: db() });
    expect(prices).toHaveLength(SEED_PRICES.length);
    expect(prices.find((p) => p.name === "ml.m5.large")).toMatchObject({
      hourlyUsd: 0.2,
      source: "negotiated rate",
      updatedBy: admin.user.name,
    });
    expect(prices.find((p) => p.name === "local-cpu")?.source).toMatch(/CPU-hour/);
    expect(
      prices
        .filter((p) => p.target === "SAGEMAKER" && p.name !== "ml.m5.large")
        .every((p) => /list price/.test(p.source)),
    ).toBe(true);
    expect(await (await trpcCallerFor(admin.user.id)).cost.prices()).toEqual(prices);
  });

  it("audits every change with the price before and after", async () => {
    const admin = await givenUser("ADMIN");
    const created = await upsertPrice(admin.ctx, {
      name: "gpu-h100-node",
      target: "KUBERNETES",
      hourlyUsd: 9.5,
      gpus: 1,
    });
    await upsertPrice(admin.ctx, { name: "gpu-h100-node", target: "KUBERNETES", hourlyUsd: 8.75, gpus: 1 });
    const rows = await db().auditLog.findMany({ where: { entityId: created.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["pricing.create", "pricing.update"]);
    expect(rows[1]).toMatchObject({ before: { hourlyUsd: "9.5" }, after: { hourlyUsd: "8.75" } });
  });

  it("refuses prices that are not positive, and lets only admins edit prices and managers set budgets", async () => {
    const admin = await givenUser("ADMIN");
    await expect(upsertPrice(admin.ctx, { name: "free", target: "LOCAL", hourlyUsd: 0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const manager = await givenUser("MANAGER");
    const managerCaller = await trpcCallerFor(manager.user.id);
    await expect(managerCaller.cost.upsertPrice({ name: "x", target: "LOCAL", hourlyUsd: 1 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await managerCaller.cost.setBudget({ teamId: manager.team.id, monthlyUsd: 250 });
    expect(
      (await db().teamBudget.findUniqueOrThrow({ where: { teamId: manager.team.id } })).monthlyUsd.toNumber(),
    ).toBe(250);
    const viewer = await givenUser("VIEWER");
    const viewerCaller = await trpcCallerFor(viewer.user.id);
    await expect(viewerCaller.cost.setBudget({ teamId: viewer.team.id, monthlyUsd: 1 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(viewerCaller.alerts.open()).resolves.toEqual([]);
  });
});
