import { describe, expect, it } from "vitest";
import { createJsonLogger } from "@/lib/json-logger";
import { REDACTED, scrubSecrets } from "@/lib/log-redaction";
import { parseLogLines } from "@/tests/log-capture";

const SECRET = "s3cr3t-value-that-must-not-leak";
const FEATURE = 4817.25;

function logged(write: (log: ReturnType<typeof createJsonLogger>) => void) {
  let text = "";
  const log = createJsonLogger({
    name: "test",
    level: "info",
    destination: { write: (chunk) => void (text += chunk) },
  });
  write(log);
  return { text, lines: parseLogLines(text) };
}

describe("JSON log redaction", () => {
  it("redacts credential keys at any of the first four levels, headers included", () => {
    const { text, lines } = logged((log) =>
      log.info(
        {
          password: SECRET,
          req: { headers: { authorization: `Bearer ${SECRET}`, cookie: `session=${SECRET}`, "x-api-key": SECRET } },
          config: { runtime: { controlToken: SECRET, nested: { apiKey: SECRET } } },
          env: { DATABASE_URL: `postgresql://app:${SECRET}@db:5432/modelport` },
          kept: "visible",
        },
        "settings",
      ),
    );
    expect(text).not.toContain(SECRET);
    expect(lines[0]).toMatchObject({
      level: "info",
      name: "test",
      msg: "settings",
      password: REDACTED,
      req: { headers: { authorization: REDACTED, cookie: REDACTED, "x-api-key": REDACTED } },
      config: { runtime: { controlToken: REDACTED, nested: { apiKey: REDACTED } } },
      kept: "visible",
    });
    expect(lines[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("redacts feature values: predict rows, instances, features and request bodies", () => {
    const { text, lines } = logged((log) =>
      log.warn(
        {
          endpoint: "fraud",
          body: { rows: [{ amount: FEATURE }] },
          instances: [[FEATURE, 1]],
          payload: { features: { amount: FEATURE }, row: { amount: FEATURE } },
        },
        "slow prediction",
      ),
    );
    expect(text).not.toContain(String(FEATURE));
    expect(lines[0]).toMatchObject({ endpoint: "fraud", body: REDACTED, instances: REDACTED });
    expect(lines[0]!.payload).toEqual({ features: REDACTED, row: REDACTED });
  });

  it("redacts inside arrays and child-logger fields, and leaves the logged object and errors as they were", () => {
    const entry = { calls: [{ url: "/predict", token: SECRET }], deep: { a: { b: { c: { token: SECRET } } } } };
    const { text, lines } = logged((log) =>
      log.child({ requestId: "r-1", password: SECRET }).error({ ...entry, err: new Error("boom") }, "failed"),
    );
    expect(text.match(new RegExp(SECRET, "g"))).toHaveLength(1); // the fifth-level one below
    expect(lines[0]).toMatchObject({
      requestId: "r-1",
      password: REDACTED,
      calls: [{ url: "/predict", token: REDACTED }],
    });
    // Four levels are searched, as documented: a key on the fifth is logged as it is.
    expect(lines[0]!.deep).toEqual({ a: { b: { c: { token: SECRET } } } });
    expect(lines[0]!.err).toMatchObject({ type: "Error", message: "boom" });
    expect(entry.calls[0]!.token).toBe(SECRET);
  });

  it("scrubs credentials from messages, plain string fields and errors", () => {
    const url = `postgresql://modelport:${SECRET}@db.internal:5432/modelport`;
    const { text, lines } = logged((log) => {
      log.error(`Cannot connect to ${url}`);
      log.error({ target: `redis://:${SECRET}@cache:6379/0` }, "Redis down");
      log.error({ err: new Error(`connect ECONNREFUSED ${url}`) }, "query failed");
      log.warn(`refused header Authorization: Bearer ${SECRET} and ?api_key=${SECRET}&x=1`);
    });
    expect(text).not.toContain(SECRET);
    expect(lines[0]!.msg).toBe(`Cannot connect to postgresql://${REDACTED}@db.internal:5432/modelport`);
    expect(lines[1]!.target).toBe(`redis://${REDACTED}@cache:6379/0`);
    expect(lines[2]!.err).toMatchObject({
      type: "Error",
      message: `connect ECONNREFUSED postgresql://${REDACTED}@db.internal:5432/modelport`,
    });
    expect(lines[3]!.msg).toBe(`refused header Authorization: Bearer ${REDACTED} and ?api_key=${REDACTED}&x=1`);
  });

  it("scrubs Modelport API tokens and leaves ordinary text alone", () => {
    expect(scrubSecrets("token mp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefg used")).toBe(`token ${REDACTED} used`);
    const plain = "deployment d1 of fraud-v2 to https://runtime:8500/v1/control (weights 90/10)";
    expect(scrubSecrets(plain)).toBe(plain);
  });
});
