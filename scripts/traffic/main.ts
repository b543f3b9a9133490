import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { generateTraffic, type TrafficSummary } from "@/scripts/traffic/generate-traffic";
import { DRIFT_SCENARIO_NAMES, ROW_SOURCES } from "@/scripts/traffic/row-sources";
import { formatTally } from "@/scripts/traffic/tally";

// `npm run traffic -- [options]`: DEMO traffic for the local runtime, so the dashboards have measured data.
const USAGE = `Usage: npm run traffic -- [options]
  --rate <req/s>          requests per second over all endpoints (default 20)
  --duration <seconds>    how long to run (default 600)
  --batch <rows>          rows per request (default 8)
  --endpoint <name>       only this endpoint (repeat for more)
  --drift <scenario>      drift to simulate: ${ROW_SOURCES.map((s) => s.drifts.map((d) => `${d.name} (${s.name}: ${d.description})`).join(", ")).join("; ")}
  --drift-after <seconds> when the drift starts (default 120)
  --bad-rows <share>      share of requests with one malformed row, rejected with 400 (default 0)
  --routing-keys <count>  distinct routing keys (simulated customers; default 200, 0 = none)
  --seed <number>         data seed (default 7000)
Environment: RUNTIME_URL (default http://127.0.0.1:$RUNTIME_PORT or :8500), RUNTIME_CONTROL_TOKEN (default: .data/runtime-control-token),
  RUNTIME_PREDICT_KEY (sent with every prediction when set: the key the portal deployed its endpoints with)`;

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    duration: { type: "string", default: "600" },
    batch: { type: "string", default: "8" },
    endpoint: { type: "string", multiple: true },
    drift: { type: "string", multiple: true },
    "drift-after": { type: "string", default: "120" },
    "bad-rows": { type: "string", default: "0" },
    "routing-keys": { type: "string", default: "200" },
    seed: { type: "string", default: "7000" },
    help: { type: "boolean", default: false },
  },
});

function numberOption(name: string, raw: string, min: number, max = Number.POSITIVE_INFINITY): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(
      `--${name} must be a number from ${min}${Number.isFinite(max) ? ` to ${max}` : ""}, got "${raw}"\n\n${USAGE}`,
    );
    process.exit(2);
  }
  return value;
}

async function controlToken(): Promise<string> {
  if (process.env.RUNTIME_CONTROL_TOKEN) return process.env.RUNTIME_CONTROL_TOKEN;
  return (await readFile(".data/runtime-control-token", "utf8").catch(() => "")).trim();
}

function print(summary: TrafficSummary, final: boolean) {
  const head =
    `${final ? "Done" : "Running"}: ${summary.elapsedSeconds.toFixed(0)} s${summary.driftActive ? ", DRIFT ACTIVE" : ""}` +
    (summary.skippedSlots > 0 ? `, ${summary.skippedSlots} request slots skipped (too many in flight)` : "");
  console.log([head, ...summary.endpoints.map((tally) => `  ${formatTally(tally)}`)].join("\n"));
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const drift = values.drift ?? [];
const unknownDrift = drift.filter((name) => !DRIFT_SCENARIO_NAMES.includes(name));
if (unknownDrift.length > 0) {
  console.error(`Unknown drift scenario ${unknownDrift.join(", ")}\n\n${USAGE}`);
  process.exit(2);
}
const runtimeUrl = (process.env.RUNTIME_URL ?? `http://127.0.0.1:${process.env.RUNTIME_PORT ?? "8500"}`).replace(
  /\/+$/,
  "",
);
const options = {
  runtimeUrl,
  controlToken: await controlToken(),
  predictKey: process.env.RUNTIME_PREDICT_KEY || undefined,
  rate: numberOption("rate", values.rate, 0.01, 10_000),
  durationSeconds: numberOption("duration", values.duration, 1),
  batch: numberOption("batch", values.batch, 1, 10_000),
  endpoints: values.endpoint,
  drift,
  driftAfterSeconds: numberOption("drift-after", values["drift-after"], 0),
  badRows: numberOption("bad-rows", values["bad-rows"], 0, 1),
  routingKeys: numberOption("routing-keys", values["routing-keys"], 0),
  seed: numberOption("seed", values.seed, 0),
};
const abort = new AbortController();
process.on("SIGINT", () => abort.abort());
console.log(
  `DEMO TRAFFIC: synthetic rows from the models' training generators (seed ${options.seed}) → ${runtimeUrl}, ` +
    `${options.rate} req/s × ${options.batch} rows for ${options.durationSeconds} s` +
    (drift.length > 0 ? `; drift "${drift.join(", ")}" from ${options.driftAfterSeconds} s` : "; no drift") +
    (options.badRows > 0 ? `; ${(options.badRows * 100).toFixed(1)}% of requests deliberately malformed` : ""),
);
const summary = await generateTraffic({
  ...options,
  signal: abort.signal,
  onProgress: (progress) => print(progress, false),
});
print(summary, true);
if (summary.unmatched.length > 0)
  console.log(`No generator matches the signature of: ${summary.unmatched.join(", ")} (no traffic sent there)`);
