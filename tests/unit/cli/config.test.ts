import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configPath, normalizeBaseUrl, readSavedConnection, resolveConnection, saveConnection } from "@/cli/config";

describe("resolveConnection", () => {
  const saved = { url: "https://saved.example", token: "mp_saved" };

  it("uses the saved login, with each environment variable overriding its part", () => {
    expect(resolveConnection({}, saved)).toEqual(saved);
    expect(resolveConnection({ MODELPORT_TOKEN: "mp_ci" }, saved)).toEqual({
      url: "https://saved.example",
      token: "mp_ci",
    });
    expect(resolveConnection({ MODELPORT_URL: "http://ci:3000/api/v1/", MODELPORT_TOKEN: "mp_ci" }, null)).toEqual({
      url: "http://ci:3000",
      token: "mp_ci",
    });
  });

  it("says how to log in when nothing is configured", () => {
    expect(() => resolveConnection({ MODELPORT_URL: "http://x" }, null)).toThrow(/Not logged in/);
  });
});

describe("normalizeBaseUrl", () => {
  it("strips trailing slashes and /api/v1 and refuses non-http URLs", () => {
    expect(normalizeBaseUrl("https://mp.example.com/")).toBe("https://mp.example.com");
    expect(normalizeBaseUrl("https://mp.example.com/portal/api/v1")).toBe("https://mp.example.com/portal");
    expect(() => normalizeBaseUrl("mp.example.com")).toThrow(/is not a URL/);
    expect(() => normalizeBaseUrl("ftp://mp.example.com")).toThrow(/http or https/);
  });
});

describe("saved connection file", () => {
  it("lives at $MODELPORT_CONFIG or ~/.config/modelport/config.json", () => {
    expect(configPath({ MODELPORT_CONFIG: "/tmp/c.json", HOME: "/home/a" })).toBe("/tmp/c.json");
    expect(configPath({ HOME: "/home/a" })).toBe("/home/a/.config/modelport/config.json");
  });

  it("is written readable by the owner only and read back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelport-config-"));
    const path = join(dir, "nested", "config.json");
    await writeFile(join(dir, "existing.json"), "{}", { mode: 0o644 });
    await saveConnection(path, { url: "http://x", token: "mp_1" });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readSavedConnection(path)).toEqual({ url: "http://x", token: "mp_1" });

    const loose = join(dir, "existing.json");
    await saveConnection(loose, { url: "http://y", token: "mp_2" });
    expect((await stat(loose)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(loose, "utf8"))).toEqual({ url: "http://y", token: "mp_2" });
  });

  it("treats a missing file as not logged in and a broken one as an error", async () => {
    const dir = await mkdtemp(join(tmpdir(), "modelport-config-"));
    expect(await readSavedConnection(join(dir, "none.json"))).toBeNull();
    await writeFile(join(dir, "broken.json"), "{");
    await expect(readSavedConnection(join(dir, "broken.json"))).rejects.toThrow(/not valid JSON/);
    await writeFile(join(dir, "partial.json"), '{"url":"http://x"}');
    await expect(readSavedConnection(join(dir, "partial.json"))).rejects.toThrow(/lacks a url or token/);
  });
});
