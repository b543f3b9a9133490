import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  CURVE_STREAM_CONTENT_TYPE,
  CurveStreamReader,
  curvePointsPerSeries,
  type CurveFrame,
} from "@/contracts/curve-frames";

vi.mock("@/server/auth/current-user", () => ({ currentUser: vi.fn() }));

const { POST } = await import("@/app/api/experiments/curves/route");
const { currentUser } = await import("@/server/auth/current-user");
const { db } = await import("@/server/db/client");
const { downsampleMinMax, rangeCurve } = await import("@/server/services/experiments/curve-preview");
const { logBatch } = await import("@/server/services/experiments/log-batch");
const { givenUser } = await import("@/tests/integration/fixtures");
const { givenExperiment, givenRun, storedCurve } = await import("@/tests/integration/experiments/helpers");
const { chunksOf } = await import("@/lib/web-streams");
const { saveRunSelection } = await import("@/server/services/experiments/run-selections");

// Invariants: a request the caller got wrong is a 4xx before any byte of curves; every frame is the stored series
// downsampled to the width's budget (values as float32), in the order asked for; a cached answer is only ever served
// for series that have not changed since.

async function signedIn(role: "VIEWER" | "DATA_SCIENTIST" = "VIEWER") {
  const given = await givenUser(role);
  vi.mocked(currentUser).mockResolvedValue(
    await db().user.findUniqueOrThrow({ where: { id: given.user.id }, include: { team: true } }),
  );
  return given;
}

function post(body: unknown, contentType = "application/json") {
  return POST(
    new Request("http://localhost/api/experiments/curves", {
      method: "POST",
      headers: { "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

/** Runs logging `loss` over `steps` steps (a different curve each) and, but for the last, `acc`. */
async function givenRuns(count: number, steps = 600) {
  const { ctx } = await signedIn("DATA_SCIENTIST");
  const experiment = await givenExperiment(ctx);
  const runIds: string[] = [];
  for (let r = 0; r < count; r++) {
    const run = await givenRun(ctx, experiment.id, { name: `run-${r}` });
    const metrics = Array.from({ length: steps }, (_, step) => [
      { key: "loss", step: step * 3, value: Math.exp(-step / (50 + r)) + 0.01 * Math.sin(step * 7.3 + r) },
      ...(r < count - 1 ? [{ key: "acc", step: step * 3, value: 1 - 1 / (step + r + 2) }] : []),
    ]).flat();
    for (let i = 0; i < metrics.length; i += 1_000)
      await logBatch(ctx, run.id, { metrics: metrics.slice(i, i + 1_000) });
    runIds.push(run.id);
  }
  return { ctx, runIds };
}

async function readStream(response: Response) {
  const reader = new CurveStreamReader();
  const chunks: CurveFrame[][] = [];
  let bytes = 0;
  for await (const chunk of chunksOf(response.body as ReadableStream<Uint8Array>)) {
    bytes += chunk.byteLength;
    chunks.push(reader.push(chunk));
  }
  return { reader, chunks, frames: chunks.flat(), bytes };
}

describe("the compare page's curve stream", () => {
  beforeEach(() => vi.mocked(currentUser).mockReset());

  it("refuses the signed-out with 401 and bad requests with a 4xx naming the problem, before any curve", async () => {
    vi.mocked(currentUser).mockResolvedValue(null);
    expect((await post({ runIds: ["x"], metricKeys: ["loss"], width: 500 })).status).toBe(401);

    const { runIds } = await givenRuns(1, 5);
    const ok = { runIds, metricKeys: ["loss"], width: 500 };
    const refusals: [unknown, number, RegExp, string?][] = [
      ["{not json", 400, /Malformed JSON/],
      [{ ...ok, width: 5 }, 400, /width is at least 32/],
      [{ ...ok, width: "wide" }, 400, /width/],
      [{ ...ok, runIds: [...runIds, ...runIds] }, 400, /unique/],
      [{ ...ok, metricKeys: [] }, 400, /at least one metric/],
      [{ ...ok, runIds: [...runIds, "no-such-run"] }, 404, /Run not found: no-such-run/],
      [{ ...ok, runIds: ["bad\u0000id"] }, 400, /Invalid text/],
      [ok, 415, /application\/json/, "text/plain"],
      [{ ...ok, selection: "A".repeat(22) }, 400, /either by runIds or by a saved selection/],
      [{ metricKeys: ["loss"], width: 500 }, 400, /either by runIds or by a saved selection/],
      [{ metricKeys: ["loss"], width: 500, selection: "not/an/id" }, 400, /saved selection's id/],
      [{ metricKeys: ["loss"], width: 500, selection: "A".repeat(22) }, 404, /Saved selection not found/],
      [{ ...ok, steps: [5, 5] }, 400, /end after it starts/],
      [{ ...ok, steps: [9, 3] }, 400, /end after it starts/],
      [{ ...ok, steps: [1.5, 3] }, 400, /steps/],
      [{ ...ok, steps: [0, 2 ** 31] }, 400, /steps/],
      [{ ...ok, steps: [0] }, 400, /steps/],
    ];
    for (const [body, status, message, contentType] of refusals) {
      const response = await post(body, contentType);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.headers.get("content-type")).toMatch(/json/);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it("streams each run's stored curves downsampled to the width's budget, run by run, in the order asked for", async () => {
    const { runIds } = await givenRuns(12);
    const asked = [...runIds].reverse();
    const width = 128;
    const response = await post({ runIds: asked, metricKeys: ["acc", "loss", "never-logged"], width });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(CURVE_STREAM_CONTENT_TYPE);
    const pointsPerSeries = curvePointsPerSeries(width, 12);
    expect(response.headers.get("x-curve-points-per-series")).toBe(String(pointsPerSeries));
    const { reader, frames, chunks } = await readStream(response);
    expect(reader.ended).toBe(true);
    expect(reader.header).toEqual({ runCount: 12, metricCount: 3, pointsPerSeries });

    // The last run given (asked first) logged no acc; nobody logged never-logged: no frames for them.
    expect(frames.map((f) => [f.runIndex, f.metricIndex])).toEqual(
      asked.flatMap((_, r) =>
        r === 0
          ? [[0, 1]]
          : [
              [r, 0],
              [r, 1],
            ],
      ),
    );
    for (const frame of frames) {
      const stored = (await storedCurve(asked[frame.runIndex] ?? "", frame.metricIndex === 0 ? "acc" : "loss")).points;
      const expected = downsampleMinMax(stored, pointsPerSeries);
      expect(frame.totalPoints).toBe(stored.length);
      expect([...frame.steps]).toEqual(expected.map((p) => p.step));
      expect([...frame.values]).toEqual(expected.map((p) => Math.fround(p.value)));
    }
    // The first group (10 runs) arrives before the rest is read.
    const firstFrames = chunks.find((chunk) => chunk.length > 0) ?? [];
    expect(Math.max(...firstFrames.map((f) => f.runIndex))).toBe(9);
  });

  it("streams a zoomed range: the points within it sized to the width, and the nearest one on each side", async () => {
    const { ctx, runIds } = await givenRuns(2, 600);
    const [shortRun = "", longRun = ""] = runIds;
    // A series of 5,000 points: its stored preview is a grid, coarser than the range asks for, so its points are read.
    const long = Array.from({ length: 5_000 }, (_, step) => ({ key: "long", step, value: Math.sin(step / 9) + step }));
    for (let i = 0; i < long.length; i += 1_000) await logBatch(ctx, longRun, { metrics: long.slice(i, i + 1_000) });
    // Two points far apart: a range between them draws the line that crosses it.
    await logBatch(ctx, shortRun, { metrics: [0, 1_000].map((step) => ({ key: "sparse", step, value: step })) });

    const width = 512;
    const asked = { runIds, metricKeys: ["loss", "long", "sparse"], width };
    const pointsPerSeries = curvePointsPerSeries(width, 2);
    const expectFrames = async (steps: [number, number]) => {
      const response = await post({ ...asked, steps });
      expect(response.status).toBe(200);
      const { frames } = await readStream(response);
      for (const frame of frames) {
        const key = asked.metricKeys[frame.metricIndex] ?? "";
        const stored = (await storedCurve(runIds[frame.runIndex] ?? "", key)).points;
        const columns = {
          steps: Int32Array.from(stored, (p) => p.step),
          values: Float64Array.from(stored, (p) => p.value),
        };
        const expected = rangeCurve(columns, steps, pointsPerSeries);
        expect([...frame.steps], `${key} ${steps.join("..")}`).toEqual([...expected.steps]);
        expect([...frame.values]).toEqual([...expected.values].map(Math.fround));
      }
      // Each run's series of the three metrics (the first run logged no "long", the second no "sparse").
      expect(frames.map((frame) => [frame.runIndex, frame.metricIndex])).toEqual([
        [0, 0],
        [0, 2],
        [1, 0],
        [1, 1],
      ]);
      return frames;
    };
    const zoomed = await expectFrames([1_000, 1_400]);
    const longFrame = zoomed.find((frame) => frame.metricIndex === 1);
    // Every point of the range (401) and the two beside it: more than the preview holds there.
    expect([longFrame?.steps[0], longFrame?.steps.length, longFrame?.steps.at(-1)]).toEqual([999, 403, 1_401]);
    const sparse = zoomed.find((frame) => frame.metricIndex === 2);
    expect([...(sparse?.steps ?? [])]).toEqual([0, 1_000]);
    // A range past every step keeps the last point of each series; one before them, the first.
    expect((await expectFrames([9_000, 9_500])).every((frame) => frame.steps.length === 1)).toBe(true);
    expect((await expectFrames([-50, -10])).every((frame) => frame.steps.length === 1)).toBe(true);
    // A wide range downsamples to the width's budget, like the whole chart.
    const wide = await expectFrames([0, 4_999]);
    expect(Math.max(...wide.map((frame) => frame.steps.length))).toBeLessThanOrEqual(pointsPerSeries);
  });

  it("streams a saved selection's runs in its order, the same bytes as the same runs by id", async () => {
    const { ctx, runIds } = await givenRuns(3, 50);
    const asked = [runIds[2]!, runIds[0]!, runIds[1]!];
    const { id } = await saveRunSelection(ctx, { runIds: asked });
    const byId = await readStream(await post({ runIds: asked, metricKeys: ["loss"], width: 200 }));
    const bySelection = await readStream(await post({ selection: id, metricKeys: ["loss"], width: 200 }));
    expect(bySelection.reader.header).toEqual(byId.reader.header);
    expect(bySelection.frames).toEqual(byId.frames);
    expect(bySelection.frames.map((frame) => frame.runIndex)).toEqual([0, 1, 2]);
  });

  it("serves the same request from the cache until a series changes, then the changed curve", async () => {
    const { ctx, runIds } = await givenRuns(3, 50);
    await signedIn();
    const request = { runIds, metricKeys: ["loss"], width: 256 };
    const first = await post(request);
    const firstBytes = new Uint8Array(await first.arrayBuffer());
    expect(first.headers.get("x-curve-cache")).toBe("miss");
    const second = await post(request);
    expect(second.headers.get("x-curve-cache")).toBe("hit");
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(firstBytes);
    // Another width is another answer.
    expect((await post({ ...request, width: 2_048 })).headers.get("x-curve-cache")).toBe("miss");

    // A value replaced at a step it had: the series keeps its length, the answer still changes.
    await logBatch(ctx, runIds[0] ?? "", { metrics: [{ key: "loss", step: 3, value: 99 }] });
    const replaced = await post(request);
    expect(replaced.headers.get("x-curve-cache")).toBe("miss");
    expect((await readStream(replaced)).frames[0]?.values[1]).toBe(99);

    await logBatch(ctx, runIds[1] ?? "", { metrics: [{ key: "loss", step: 10_000, value: 7 }] });
    const changed = await post(request);
    expect(changed.headers.get("x-curve-cache")).toBe("miss");
    expect(changed.headers.get("etag")).not.toBe(first.headers.get("etag"));
    const { frames } = await readStream(changed);
    expect(frames[1]?.totalPoints).toBe(51);
    expect(frames[1]?.steps.at(-1)).toBe(10_000);
    expect(frames[1]?.values.at(-1)).toBe(7);
  });
});
