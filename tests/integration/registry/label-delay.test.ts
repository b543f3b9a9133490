import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { getModel } from "@/server/services/registry/get-model";
import { setLabelDelay } from "@/server/services/registry/label-delay";
import { givenUser } from "@/tests/integration/fixtures";
import { givenModel } from "@/tests/integration/registry/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

describe("a model's label delay", () => {
  it("is 0 by default, set with an audit row, and refused when bad or not the team's, changing nothing", async () => {
    const owner = await givenUser("DATA_SCIENTIST", "Delay team");
    const model = await givenModel(owner.ctx);
    expect((await getModel(owner.ctx, model.name)).labelDelayMinutes).toBe(0);

    expect(await setLabelDelay(owner.ctx, model.name, { labelDelayMinutes: 2880 })).toEqual({
      model: model.name,
      labelDelayMinutes: 2880,
    });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "model.label-delay", entityId: model.id } });
    expect(audit).toMatchObject({ before: { labelDelayMinutes: 0 }, after: { labelDelayMinutes: 2880 } });

    for (const bad of [-1, 1.5, 200_000])
      await expect(setLabelDelay(owner.ctx, model.name, { labelDelayMinutes: bad })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    await expect(setLabelDelay(owner.ctx, "no-such-model", { labelDelayMinutes: 5 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const outsider = await givenUser("DATA_SCIENTIST", "Other delay team");
    const caller = await trpcCallerFor(outsider.user.id);
    await expect(
      caller.registry.setLabelDelay({ name: model.name, changes: { labelDelayMinutes: 5 } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await getModel(owner.ctx, model.name)).labelDelayMinutes).toBe(2880);
    expect(await db().auditLog.count({ where: { action: "model.label-delay", entityId: model.id } })).toBe(1);
  });
});
