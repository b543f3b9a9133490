import { describe, expect, it } from "vitest";
import { DEVELOPMENT_ARTIFACT_URL_SECRET, DEVELOPMENT_SESSION_SECRET } from "@/server/env";
import { isLoopbackHost, productionConfigProblems } from "@/server/production-safety";

const strong = "0123456789abcdef0123456789abcdef";
const safe = {
  NODE_ENV: "production",
  NEXTAUTH_SECRET: strong,
  ARTIFACT_URL_SECRET: `${strong}-artifacts`,
  MODELPORT_DEV_LOGIN: false,
  MODELPORT_LOCAL_DEMO: false,
  MODELPORT_BIND_HOST: undefined,
  RUNTIME_CONTROL_TOKEN: strong,
  NEXTAUTH_URL: "https://portal.example.com",
  TRUST_PROXY: false,
} as const;

const localDemo = {
  MODELPORT_DEV_LOGIN: true,
  MODELPORT_LOCAL_DEMO: true,
  MODELPORT_BIND_HOST: "127.0.0.1",
  NEXTAUTH_URL: "http://localhost:3000",
} as const;

const problems = (overrides: Partial<Record<keyof typeof safe, unknown>>) =>
  productionConfigProblems({ ...safe, ...overrides } as Parameters<typeof productionConfigProblems>[0]);

describe("productionConfigProblems", () => {
  it("finds nothing wrong with strong secrets and OIDC-only sign-in", () => {
    expect(problems({})).toEqual([]);
  });

  it("checks nothing outside production", () => {
    expect(problems({ NODE_ENV: "development", NEXTAUTH_SECRET: undefined, MODELPORT_DEV_LOGIN: true })).toEqual([]);
    expect(problems({ NODE_ENV: "test", RUNTIME_CONTROL_TOKEN: "short" })).toEqual([]);
  });

  it.each([
    ["missing", undefined, /NEXTAUTH_SECRET is not set/],
    ["the committed default", DEVELOPMENT_SESSION_SECRET, /development default/],
    ["31 bytes", strong.slice(1), /shorter than 32 bytes/],
  ])("refuses a session secret that is %s, saying what to set", (_what, value, message) => {
    const [problem] = problems({ NEXTAUTH_SECRET: value });
    expect(problem).toMatch(message);
    expect(problem).toMatch(/set NEXTAUTH_SECRET to a random value of at least 32 bytes/);
  });

  it("counts bytes, not characters", () => {
    expect(problems({ NEXTAUTH_SECRET: "é".repeat(16) })).toEqual([]);
    expect(problems({ NEXTAUTH_SECRET: "é".repeat(15) })).toHaveLength(1);
  });

  it("refuses the committed artifact-link secret", () => {
    expect(problems({ ARTIFACT_URL_SECRET: DEVELOPMENT_ARTIFACT_URL_SECRET })).toEqual([
      expect.stringMatching(/ARTIFACT_URL_SECRET is the development default/),
    ]);
  });

  it("refuses the development sign-in unless a local demo listens on loopback only", () => {
    expect(problems({ MODELPORT_DEV_LOGIN: true })).toEqual([
      expect.stringMatching(/development sign-in \(MODELPORT_DEV_LOGIN\) is refused in production.*OIDC_ISSUER/),
    ]);
    expect(problems({ MODELPORT_DEV_LOGIN: true, MODELPORT_LOCAL_DEMO: true })).toHaveLength(2);
    expect(problems({ MODELPORT_DEV_LOGIN: true, MODELPORT_LOCAL_DEMO: true, MODELPORT_BIND_HOST: "0.0.0.0" })).toEqual(
      [
        expect.stringMatching(/refused in production/),
        expect.stringMatching(/MODELPORT_LOCAL_DEMO needs MODELPORT_BIND_HOST \(now "0.0.0.0"\)/),
      ],
    );
    expect(problems(localDemo)).toEqual([]);
    expect(problems({ ...localDemo, NEXTAUTH_URL: "http://[::1]:3000" })).toEqual([]);
  });

  it("refuses a local demo that other machines can reach through its URL or a proxy", () => {
    expect(problems({ ...localDemo, NEXTAUTH_URL: "https://portal.example.com" })).toEqual([
      expect.stringMatching(/refused in production/),
      expect.stringMatching(/NEXTAUTH_URL \(now "https:\/\/portal.example.com"\) on a loopback address/),
    ]);
    expect(problems({ ...localDemo, TRUST_PROXY: true })).toHaveLength(2);
  });

  it("refuses a runtime control token shorter than 32 bytes", () => {
    expect(problems({ RUNTIME_CONTROL_TOKEN: "x".repeat(31) })).toEqual([
      expect.stringMatching(/RUNTIME_CONTROL_TOKEN is shorter than 32 bytes/),
    ]);
    expect(problems({ RUNTIME_CONTROL_TOKEN: undefined })).toEqual([]);
  });

  it("lists every problem at once", () => {
    expect(
      problems({ NEXTAUTH_SECRET: undefined, ARTIFACT_URL_SECRET: undefined, MODELPORT_DEV_LOGIN: true }),
    ).toHaveLength(3);
  });
});

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "localhost"])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "localhost.evil.test", undefined])("%s is not", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
