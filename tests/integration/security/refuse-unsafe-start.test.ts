import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Runs a Node entry point with tsx in a clean production environment plus `extra`; returns its exit and output. */
function start(args: string[], extra: Record<string, string>) {
  const result = spawnSync("npx", ["tsx", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...extra },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const registerPortal = ["-e", 'import("./instrumentation.ts").then((m) => m.register())'];

describe("processes refuse to start in production with unsafe settings", { timeout: 120_000 }, () => {
  it("the worker refuses a missing session secret and the development sign-in, naming what to set", () => {
    const { status, output } = start(["workers/main.ts"], { MODELPORT_DEV_LOGIN: "1" });
    expect(status).not.toBe(0);
    expect(output).toContain("Refusing to start the worker in production");
    expect(output).toContain("NEXTAUTH_SECRET is not set");
    expect(output).toContain("ARTIFACT_URL_SECRET is the development default");
    expect(output).toContain("MODELPORT_DEV_LOGIN");
  });

  it("the portal's start-up hook refuses the committed session secret", () => {
    const { status, output } = start(registerPortal, {
      NEXT_RUNTIME: "nodejs",
      NEXTAUTH_SECRET: "modelport-local-development-secret-change-me",
      ARTIFACT_URL_SECRET: "a".repeat(40),
    });
    expect(status).not.toBe(0);
    expect(output).toContain("Refusing to start the portal in production");
    expect(output).toContain("NEXTAUTH_SECRET is the development default committed in the source");
  });

  it("the portal's start-up hook accepts strong secrets without the development sign-in", () => {
    const { status, output } = start(registerPortal, {
      NEXT_RUNTIME: "nodejs",
      NEXTAUTH_SECRET: "s".repeat(32),
      ARTIFACT_URL_SECRET: "a".repeat(40),
      RUNTIME_CONTROL_TOKEN: "t".repeat(32),
    });
    expect(output).toBe("");
    expect(status).toBe(0);
  });
});
