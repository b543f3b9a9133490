import { describe, expect, it, vi } from "vitest";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { listDemoUsers } from "@/server/services/admin/demo-users";
import { givenUser } from "@/tests/integration/fixtures";

const signInMethods = vi.hoisted(() => ({ dev: false, oidc: false }));
vi.mock("@/server/auth/options", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/auth/options")>()),
  enabledSignInMethods: () => signInMethods,
}));

describe("listDemoUsers", () => {
  it("lists only demo people, in role order, with only what the sign-in page shows", async () => {
    const manager = await givenUser("MANAGER", "Demo team");
    const viewer = await givenUser("VIEWER");
    await givenUser("ADMIN");
    await db().user.updateMany({ where: { id: { in: [manager.user.id, viewer.user.id] } }, data: { isDemo: true } });

    expect(await listDemoUsers({ db: db() })).toEqual([
      { email: viewer.user.email, name: viewer.user.name, roleLabel: "Viewer", team: "Test team" },
      { email: manager.user.email, name: manager.user.name, roleLabel: "Manager", team: "Demo team" },
    ]);
  });

  it("is offered to anyone by session.demoUsers only when the development sign-in is enabled", async () => {
    const demo = await givenUser("REVIEWER");
    await db().user.update({ where: { id: demo.user.id }, data: { isDemo: true } });
    const anonymous = createCaller({ system: systemContextFromEnv(), user: null });

    signInMethods.dev = false;
    expect(await anonymous.session.demoUsers()).toEqual([]);
    signInMethods.dev = true;
    expect(await anonymous.session.demoUsers()).toContainEqual({
      email: demo.user.email,
      name: demo.user.name,
      roleLabel: "Reviewer",
      team: "Test team",
    });
  });
});
