import { createDb } from "@/server/db/client";
import { curveStream } from "@/server/services/experiments/curve-stream";
import { curveRunId } from "@/bench/lib/seed-curve-runs";
const database = createDb("postgresql://postgres@127.0.0.1:5432/modelport_bench_ui", 60000);
const keys = Array.from({ length: 5 }, (_, i) => `metric_${i + 1}`);
for (let s = 0; s < 6; s++) {
  const runIds = Array.from({ length: 1000 }, (_, i) => curveRunId(((i + s * 7 + 3) % 1000) + 1));
  const t = performance.now();
  const stream = await curveStream({ db: database } as never, { runIds, metricKeys: keys, width: 560 });
  let first = 0, bytes = 0;
  for await (const chunk of stream.body) { if (!first) first = performance.now() - t; bytes += chunk.byteLength; }
  console.log(`first ${first.toFixed(0)} ms, all ${(performance.now() - t).toFixed(0)} ms, ${bytes} bytes, cached ${stream.cached}`);
}
await database.$disconnect();
