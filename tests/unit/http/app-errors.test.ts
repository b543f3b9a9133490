import { describe, expect, it } from "vitest";
import { AppError, asAppError } from "@/server/errors";

const prismaError = (code: string, meta?: Record<string, unknown>) =>
  Object.assign(new Error(`Invalid \`prisma.run.create()\` invocation: secret SQL text`), {
    name: "PrismaClientKnownRequestError",
    code,
    meta,
  });

describe("asAppError", () => {
  it("keeps AppErrors as they are", () => {
    const error = new AppError("CONFLICT", "x");
    expect(asAppError(error)).toBe(error);
  });

  it("maps Prisma errors the caller's input causes to 4xx without the database text", () => {
    expect(asAppError(prismaError("P2000"))).toMatchObject({
      code: "BAD_REQUEST",
      message: "A value is too long for its field",
    });
    expect(asAppError(prismaError("P2002"))?.code).toBe("CONFLICT");
    expect(asAppError(prismaError("P2025"))?.code).toBe("NOT_FOUND");
    expect(asAppError(prismaError("P2010", { code: "22021" }))?.code).toBe("BAD_REQUEST");
    expect(asAppError(prismaError("P2000"))?.message).not.toContain("SQL");
  });

  it("leaves everything else to the internal-error path", () => {
    expect(asAppError(prismaError("P1001"))).toBeNull();
    expect(asAppError(prismaError("P2010", { code: "40001" }))).toBeNull();
    expect(asAppError(new Error("boom"))).toBeNull();
    expect(asAppError(Object.assign(new Error("x"), { code: "P2000" }))).toBeNull();
  });
});
