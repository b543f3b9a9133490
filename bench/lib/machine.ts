import { execFileSync } from "node:child_process";
import os from "node:os";

/** A one-line description of where a benchmark ran, for docs/benchmarks.md. */
export function describeMachine(extra: Record<string, string> = {}) {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const psql = execFileSync("psql", ["--version"]).toString().trim();
  const parts = {
    cpu: `${cpu} × ${os.cpus().length}`,
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: psql,
    ...extra,
  };
  return Object.entries(parts)
    .map(([k, v]) => `${k}: ${v}`)
    .join("; ");
}

/** The 1, 5 and 15 minute load averages, "a / b / c": other work on this shared machine competes for its cores. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
