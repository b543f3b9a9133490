import { describe, expect, it, vi } from "vitest";
import { isLostSessionError, lostSessionRollbackListener } from "@/server/db/lost-session";

/** The shape @prisma/adapter-pg rejects with: a DriverAdapterError whose cause is PostgreSQL's error fields. */
function adapterError(severity: string, code: string, message: string) {
  return Object.assign(new Error(message), {
    name: "DriverAdapterError",
    cause: { kind: "postgres", code, severity, message, originalCode: code, originalMessage: message },
  });
}

const idleTimeout = adapterError("FATAL", "25P03", "terminating connection due to idle-in-transaction timeout");

describe("a database session PostgreSQL ended", () => {
  it("is told apart from errors of a live session and from every other error", () => {
    expect(isLostSessionError(idleTimeout)).toBe(true);
    expect(
      isLostSessionError(adapterError("FATAL", "57P01", "terminating connection due to administrator command")),
    ).toBe(true);
    expect(isLostSessionError(adapterError("ERROR", "23505", "duplicate key value violates unique constraint"))).toBe(
      false,
    );
    expect(isLostSessionError(adapterError("FATAL", "08006", "connection failure"))).toBe(true);
    expect(isLostSessionError(adapterError("FATAL", "53300", "sorry, too many clients already"))).toBe(false);
    expect(isLostSessionError(Object.assign(new Error("FATAL"), { cause: { severity: "FATAL" } }))).toBe(false);
    expect(isLostSessionError({ name: "DriverAdapterError", cause: { severity: "FATAL" } })).toBe(false);
    expect(isLostSessionError(undefined)).toBe(false);
  });

  it("is logged when it escapes unhandled; anything else is thrown again", () => {
    const warn = vi.fn();
    const listener = lostSessionRollbackListener(warn);
    listener(idleTimeout);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("idle-in-transaction timeout"));
    const other = adapterError("ERROR", "40001", "could not serialize access");
    expect(() => listener(other)).toThrow(other);
    expect(() => listener(new TypeError("a bug"))).toThrow(TypeError);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
