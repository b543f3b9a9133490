import { performance } from "node:perf_hooks";
import type { TargetInstanceFailure, TargetInstanceReading } from "@/server/services/cost/target-instances";
import { log } from "@/server/logging/logger";

type Read = () => Promise<{ readings: TargetInstanceReading[]; failures: TargetInstanceFailure[] }>;

type Kept = { reading: TargetInstanceReading; readAt: number };

const keyOf = (r: TargetInstanceReading) => `${r.endpoint}\u0000${r.variant}\u0000${r.instanceType}`;

/**
 * The SageMaker and Kubernetes instance counts this worker process exports, read from the targets every `everyMs`
 * while it holds the leader lease. Only the lease holder exports anything: every other worker process (and this one,
 * the moment its lease may have lapsed) exports nothing, so two workers never double the cost. An endpoint whose
 * target did not answer keeps its last reading for `staleAfterMs` (three rounds by default), then is dropped.
 */
export class TargetInstanceExport {
  private kept = new Map<string, Kept>();
  /** The last reason logged per endpoint, so an unconfigured target is reported once, not every round. */
  private logged = new Map<string, string>();
  private readonly staleAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly lease: { isLeader(): boolean },
    private readonly read: Read,
    private readonly options: { everyMs: number; staleAfterMs?: number; now?: () => number },
  ) {
    this.staleAfterMs = options.staleAfterMs ?? options.everyMs * 3;
    this.now = options.now ?? (() => performance.now());
  }

  /** What the gauge shows now: nothing unless this process holds the lease. */
  current(): TargetInstanceReading[] {
    if (!this.lease.isLeader()) return [];
    const oldest = this.now() - this.staleAfterMs;
    return [...this.kept.values()].filter((k) => k.readAt >= oldest).map((k) => k.reading);
  }

  /** One round: reads the targets when leading, forgets everything otherwise. */
  async refresh(): Promise<void> {
    if (!this.lease.isLeader()) {
      this.kept.clear();
      return;
    }
    const readAt = this.now();
    const { readings, failures } = await this.read();
    const unanswered = new Set(failures.map((f) => f.endpoint));
    for (const f of failures) {
      if (this.logged.get(f.endpoint) !== f.reason)
        log().warn(`[worker] instances of ${f.endpoint} (${f.target}) not read: ${f.reason}`);
    }
    this.logged = new Map(failures.map((f) => [f.endpoint, f.reason]));
    const next = new Map<string, Kept>();
    for (const [key, kept] of this.kept) if (unanswered.has(kept.reading.endpoint)) next.set(key, kept);
    for (const reading of readings) next.set(keyOf(reading), { reading, readAt });
    this.kept = next;
  }

  /** Refreshes now and every `everyMs`; the returned function stops it. */
  start(): () => void {
    const round = () =>
      this.refresh().catch((error: unknown) => log().error({ err: error }, "[worker] reading target instances failed"));
    void round();
    const timer = setInterval(() => void round(), this.options.everyMs);
    return () => clearInterval(timer);
  }
}
