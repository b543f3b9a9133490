import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/rest/responses";
import { captureLogs } from "@/tests/log-capture";

let logs: ReturnType<typeof captureLogs> | undefined;
afterEach(() => logs?.restore());

describe("errorResponse", () => {
  it("answers an unexpected error with a logged request id and none of its text", async () => {
    logs = captureLogs();
    const response = errorResponse(new Error('insert into "Run" failed: invalid byte sequence 0x00 at /srv/app.ts'));
    expect(response.status).toBe(500);
    const text = await response.text();
    const { error } = JSON.parse(text) as { error: { code: string; message: string; requestId: string } };
    expect(error.code).toBe("INTERNAL");
    expect(error.message).toBe(`Internal error (request id ${error.requestId})`);
    expect(text).not.toMatch(/insert|byte sequence|srv/);
    const [logged] = logs.lines();
    expect(logged).toMatchObject({ level: "error", requestId: error.requestId, err: { type: "Error" } });
    expect(JSON.stringify(logged)).toContain("invalid byte sequence");
  });

  it("answers a Prisma error the caller caused with a 4xx and a message of its own", async () => {
    const tooLong = Object.assign(new Error("The provided value for the column is too long: Run.name"), {
      name: "PrismaClientKnownRequestError",
      code: "P2000",
    });
    const response = errorResponse(tooLong);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "BAD_REQUEST", message: "A value is too long for its field" },
    });
  });

  it("keeps AppErrors' codes, messages and details", async () => {
    const response = errorResponse(new AppError("CONFLICT", "Run r is FINISHED", { runId: "r" }));
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: { code: "CONFLICT", message: "Run r is FINISHED", details: { runId: "r" } },
    });
  });
});
