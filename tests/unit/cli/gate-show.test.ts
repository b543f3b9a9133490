import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@/cli/run";

const metric = {
  metric: "accuracy",
  class: null,
  candidate: 0.91,
  champion: 0.95,
  delta: -0.04,
  ciLower: -0.06,
  ciUpper: -0.02,
  verdict: "FAIL",
  reasons: ["lower bound −0.06 < −margin 0.01"],
};
const answers: Record<string, unknown> = {
  "/api/v1/models/m/versions/1/gate": {
    configured: true,
    current: true,
    evaluation: { status: "PASSED", warnings: [], metrics: [{ ...metric, verdict: "PASS", reasons: [] }], error: null },
  },
  "/api/v1/models/m/versions/2/gate": {
    configured: true,
    current: true,
    evaluation: { status: "FAILED", warnings: [], metrics: [metric], error: null },
  },
  "/api/v1/models/m/versions/3/gate": {
    configured: true,
    current: true,
    evaluation: { status: "ERROR", warnings: [], metrics: [], error: "the runtime did not answer" },
  },
  "/api/v1/models/m/versions/4/gate": { configured: true, current: false, evaluation: null },
  "/api/v1/models/m/versions/5/gate": { configured: false, detail: "Golden-set gate not configured" },
};

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const answer = answers[request.url ?? ""];
    response.writeHead(answer ? 200 : 404, { "content-type": "application/json" });
    response.end(JSON.stringify(answer ?? { error: { code: "NOT_FOUND", message: "not found" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function gateShow(version: number) {
  let stdout = "";
  const code = await runCli(["gate", "show", "m", String(version)], {
    env: { MODELPORT_CONFIG: "/nonexistent/modelport.json", MODELPORT_URL: url, MODELPORT_TOKEN: "mp_test" },
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: () => undefined },
  });
  return { code, stdout };
}

describe("modelport gate show", () => {
  it("exits 0 on a passed gate, 1 on a failed gate or one that could not run, 0 when not run or not configured", async () => {
    expect(await gateShow(1)).toMatchObject({ code: 0, stdout: expect.stringContaining("Gate PASSED") });
    expect(await gateShow(2)).toMatchObject({ code: 1, stdout: expect.stringContaining("Gate FAILED") });
    expect(await gateShow(3)).toMatchObject({ code: 1, stdout: expect.stringContaining("the runtime did not answer") });
    expect(await gateShow(4)).toMatchObject({ code: 0, stdout: expect.stringContaining("Not run yet") });
    expect(await gateShow(5)).toMatchObject({ code: 0, stdout: expect.stringContaining("not configured") });
    expect(await gateShow(6)).toMatchObject({ code: 1 });
  });
});
