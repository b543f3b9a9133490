import {
  type BatchingConfig,
  type CaptureConfig,
  type EndpointConfig,
  type EndpointView,
  type FaultInjection,
  type RoutingConfig,
  type ScaleToZero,
  type SleepState,
  sumsTo100,
} from "@/contracts/runtime-control";
import type { OnlineFeatures } from "@/contracts/online-features";
import { badRequest, notFound, RuntimeError } from "@/runtime/errors";
import { log } from "@/runtime/logger";
import { stat } from "node:fs/promises";
import { errorMessage } from "@/lib/error-message";
import { recordInstances, type RuntimeMetrics } from "@/runtime/metrics";
import type { WorkerPool } from "@/runtime/inference/worker-pool";
import { loadVariant, unloadVariant, type Variant } from "@/runtime/serving/variant";

export type Endpoint = {
  name: string;
  /** Every variant, live and shadow, in the configured order. */
  variants: Variant[];
  /** The variants that answer requests (routed to by weight). */
  live: Variant[];
  /** The variants mirrored to after a live one has answered (config.shadow). */
  shadows: Variant[];
  batching: BatchingConfig;
  /** The capture policy: each predicted row is captured with probability `capture.rate`. */
  capture: CaptureConfig;
  /** The routing salt sticky picks hash keys with; absent = unsalted. */
  routing?: RoutingConfig;
  /** The sha256 of the key predictions must present (config.predictKeySha256), as bytes; none = no key needed. */
  predictKeyDigest?: Buffer;
  /** True while a PUT is loading new variants; the old ones keep serving meanwhile. */
  updating: boolean;
  scaleToZero?: ScaleToZero;
  /** A feature lookup before the model and/or a rule-based fallback when it fails. */
  onlineFeatures?: OnlineFeatures;
  /** Awake unless scaled to zero; when the last request arrived (ms), and how long the last wake took. */
  sleep: { state: SleepState; lastRequestAt: number; lastWakeMs?: number; lastWakeFailedAt?: number };
};

/** How often idle endpoints are looked for, and the Retry-After given before any wake has been timed. */
const IDLE_SWEEP_MS = 1_000;
const FIRST_WAKE_ESTIMATE_MS = 2_000;
/** An endpoint is evicted for room only after this long without a request (RUNTIME_MODEL_MIN_IDLE_MS). */
const DEFAULT_MIN_IDLE_MS = 10_000;
/** After a failed wake, its retries load without evicting anyone for this long (a missing file would churn others). */
const RETRY_EVICTION_AFTER_FAILURE_MS = 60_000;

const sameModel = (a: Variant, b: EndpointConfig["variants"][number]) =>
  a.config.sha256 === b.sha256 && a.config.modelPath === b.modelPath;

export type RegistryOptions = {
  /**
   * The most bytes of model files to keep loaded (RUNTIME_MODEL_MEMORY_BUDGET_BYTES). Past it, the least recently used
   * endpoints that may scale to zero are scaled to zero early (they wake on their next request); others are never
   * evicted. Unset: no budget.
   */
  modelMemoryBudgetBytes?: number;
  /** An endpoint is evicted only after this long without a request (default 10 s). */
  minIdleMsBeforeEviction?: number;
};

/**
 * The endpoints this runtime serves. Changes to one endpoint run one at a time; a PUT loads every new variant
 * before any traffic moves to it, then swaps the endpoint's variant list in one step.
 */
export class EndpointRegistry {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** makeRoom runs one at a time across the runtime. */
  private roomQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: WorkerPool,
    private readonly metrics: RuntimeMetrics,
    private readonly onChange: () => void = () => {},
    private readonly options: RegistryOptions = {},
  ) {
    setInterval(() => this.sleepIdle(Date.now()), IDLE_SWEEP_MS).unref();
  }

  get(name: string): Endpoint | undefined {
    return this.endpoints.get(name);
  }

  /**
   * The endpoint, ready to serve a request now: a request to an endpoint scaled to zero wakes it and is answered 503
   * with Retry-After (never 404) until its models are loaded. Synchronous, so nothing can put the endpoint to sleep
   * between this check and the request reaching its variant's batcher.
   */
  serving(name: string): Endpoint | undefined {
    const endpoint = this.endpoints.get(name);
    if (!endpoint || endpoint.sleep.state === "awake") {
      if (endpoint) endpoint.sleep.lastRequestAt = Date.now();
      return endpoint;
    }
    if (endpoint.sleep.state === "asleep")
      this.wake(name).catch((error: unknown) => log().error(`Endpoint ${name} could not wake: ${errorMessage(error)}`));
    const seconds = Math.max(1, Math.ceil((endpoint.sleep.lastWakeMs ?? FIRST_WAKE_ESTIMATE_MS) / 1000));
    throw new RuntimeError(503, `Endpoint "${name}" was scaled to zero and is waking up: retry in ${seconds} s`, {
      retryAfterSeconds: seconds,
    });
  }

  list(): EndpointView[] {
    return [...this.endpoints.values()].map(view);
  }

  /** Every configured variant is loaded and ready (an endpoint scaled to zero counts: it wakes on its next request). */
  get ready(): boolean {
    return [...this.endpoints.values()].every((e) => e.sleep.state !== "awake" || e.variants.every((v) => v.ready));
  }

  /** The desired state of every endpoint, for persisting and restoring. */
  snapshot(): Record<string, EndpointConfig> {
    return Object.fromEntries(
      [...this.endpoints.values()].map((e) => [
        e.name,
        {
          variants: e.variants.map((v) => v.config),
          batching: e.batching,
          capture: e.capture,
          ...(e.routing && { routing: e.routing }),
          ...(e.predictKeyDigest && { predictKeySha256: e.predictKeyDigest.toString("hex") }),
          ...(e.scaleToZero && { scaleToZero: e.scaleToZero }),
          ...(e.onlineFeatures && { onlineFeatures: e.onlineFeatures }),
        },
      ]),
    );
  }

  describe(name: string): EndpointView {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw notFound(`No endpoint named "${name}"`);
    return view(endpoint);
  }

  private serialised<T>(name: string, change: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const next = previous.then(change, change);
    const settled = next.catch(() => undefined);
    this.locks.set(name, settled);
    void settled.then(() => {
      if (this.locks.get(name) === settled) this.locks.delete(name);
    });
    return next;
  }

  async apply(name: string, config: EndpointConfig): Promise<EndpointView> {
    // Outside the endpoint's lock: eviction takes other endpoints' locks, one at a time. Room is made before the new
    // models load (their file sizes) and checked again after; a failure to make room never fails the PUT.
    const roomFailed = (error: unknown) => log().error(`Making room for ${name} failed: ${errorMessage(error)}`);
    await this.makeRoom(name, await this.bytesToLoad(name, config)).catch(roomFailed);
    const applied = await this.applyNow(name, config);
    await this.makeRoom(name, 0).catch(roomFailed);
    return applied;
  }

  /** The file sizes of the models a PUT would load (those not kept loaded); unreadable files count 0 (the PUT fails). */
  private async bytesToLoad(name: string, config: EndpointConfig): Promise<number> {
    if (this.options.modelMemoryBudgetBytes === undefined) return 0;
    const current = this.endpoints.get(name);
    const sizes = await Promise.all(
      config.variants
        .filter((desired) => {
          const existing = current?.variants.find((v) => v.config.variantName === desired.variantName);
          return !(existing?.ready && sameModel(existing, desired));
        })
        .map((desired) =>
          stat(desired.modelPath).then(
            (file) => file.size,
            () => 0,
          ),
        ),
    );
    return sizes.reduce((sum, size) => sum + size, 0);
  }

  private applyNow(name: string, config: EndpointConfig): Promise<EndpointView> {
    return this.serialised(name, async () => {
      const current = this.endpoints.get(name);
      if (current) current.updating = true;
      const retained = new Map<string, Variant>();
      const loaded: Variant[] = [];
      try {
        for (const desired of config.variants) {
          const existing = current?.variants.find((v) => v.config.variantName === desired.variantName);
          if (existing?.ready && sameModel(existing, desired)) retained.set(desired.variantName, existing);
        }
        const toLoad = config.variants.filter((v) => !retained.has(v.variantName));
        const results = await Promise.allSettled(
          toLoad.map((v) => loadVariant(name, v, config.batching, { pool: this.pool, metrics: this.metrics })),
        );
        for (const result of results) if (result.status === "fulfilled") loaded.push(result.value);
        const failure = results.find((r) => r.status === "rejected");
        if (failure) throw failure.reason;
      } catch (error) {
        await Promise.all(loaded.map((v) => unloadVariant(v, this.pool)));
        if (current) current.updating = false;
        throw error;
      }
      const variants = config.variants.map((desired) => {
        const variant =
          retained.get(desired.variantName) ?? loaded.find((v) => v.config.variantName === desired.variantName)!;
        variant.config = desired;
        variant.batcher.setOptions(config.batching);
        return variant;
      });
      const endpoint: Endpoint = {
        name,
        variants,
        live: variants.filter((v) => !v.config.shadow),
        shadows: variants.filter((v) => v.config.shadow),
        batching: config.batching,
        capture: config.capture,
        updating: false,
        ...(config.routing && { routing: config.routing }),
        ...(config.predictKeySha256 && { predictKeyDigest: Buffer.from(config.predictKeySha256, "hex") }),
        ...(config.scaleToZero && { scaleToZero: config.scaleToZero }),
        ...(config.onlineFeatures && { onlineFeatures: config.onlineFeatures }),
        sleep: { state: "awake", lastRequestAt: Date.now(), lastWakeMs: current?.sleep.lastWakeMs },
      };
      this.endpoints.set(name, endpoint);
      if (current?.scaleToZero) this.metrics.asleep.set({ endpoint: name }, 0);
      // A sleeping endpoint's variants are unloaded already, and a variant loaded again under the same model key
      // must not lose its sessions to the unload of its sleeping predecessor.
      const removed = current?.variants.filter((v) => v.ready && !variants.includes(v)) ?? [];
      await Promise.all(removed.map((v) => unloadVariant(v, this.pool)));
      this.changed();
      return view(endpoint);
    });
  }

  setWeights(name: string, weights: Record<string, number>): Promise<EndpointView> {
    return this.serialised(name, async () => {
      const endpoint = this.endpoints.get(name);
      if (!endpoint) throw notFound(`No endpoint named "${name}"`);
      const unknown = Object.keys(weights).filter((v) => !endpoint.variants.some((x) => x.config.variantName === v));
      if (unknown.length > 0)
        throw badRequest(`Endpoint "${name}" has no variant ${unknown.map((v) => `"${v}"`).join(", ")}`);
      const shadow = endpoint.shadows.find((v) => (weights[v.config.variantName] ?? 0) !== 0);
      if (shadow)
        throw badRequest(
          `Variant "${shadow.config.variantName}" is a shadow: it gets no live traffic, its weight is 0`,
        );
      const next = endpoint.variants.map((v) => weights[v.config.variantName] ?? v.config.weight);
      if (!sumsTo100(next))
        throw badRequest(`Variant weights must sum to 100; these sum to ${next.reduce((s, w) => s + w, 0)}`);
      endpoint.variants.forEach((v, i) => {
        v.config = { ...v.config, weight: next[i]! };
      });
      this.changed();
      return view(endpoint);
    });
  }

  /** Changes the capture policy in place: the next request is sampled at the new rate, nothing reloads. */
  setCapture(name: string, capture: CaptureConfig): Promise<EndpointView> {
    return this.serialised(name, async () => {
      const endpoint = this.endpoints.get(name);
      if (!endpoint) throw notFound(`No endpoint named "${name}"`);
      endpoint.capture = capture;
      this.changed();
      return view(endpoint);
    });
  }

  /**
   * Turns scale to zero on (or changes its idle time) or off, in place: nothing reloads. Turned off while the
   * endpoint sleeps, it wakes at once (an endpoint that may not sleep serves).
   */
  async setScaleToZero(name: string, scaleToZero: ScaleToZero | null): Promise<EndpointView> {
    const updated = await this.serialised(name, async () => {
      const endpoint = this.endpoints.get(name);
      if (!endpoint) throw notFound(`No endpoint named "${name}"`);
      if (scaleToZero) endpoint.scaleToZero = scaleToZero;
      else delete endpoint.scaleToZero;
      this.changed();
      return endpoint;
    });
    if (!scaleToZero && updated.sleep.state === "asleep") await this.wake(name);
    return view(updated);
  }

  /** Sets or removes the endpoint's online features in place: the next request uses them, nothing reloads. */
  setOnlineFeatures(name: string, onlineFeatures: OnlineFeatures | null): Promise<EndpointView> {
    return this.serialised(name, async () => {
      const endpoint = this.endpoints.get(name);
      if (!endpoint) throw notFound(`No endpoint named "${name}"`);
      if (onlineFeatures) endpoint.onlineFeatures = onlineFeatures;
      else delete endpoint.onlineFeatures;
      this.changed();
      return view(endpoint);
    });
  }

  setFaultInjection(name: string, variantName: string, fault: FaultInjection): EndpointView {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw notFound(`No endpoint named "${name}"`);
    const variant = endpoint.variants.find((v) => v.config.variantName === variantName);
    if (!variant) throw notFound(`Endpoint "${name}" has no variant "${variantName}"`);
    variant.fault = fault;
    return view(endpoint);
  }

  remove(name: string): Promise<void> {
    return this.serialised(name, async () => {
      const endpoint = this.endpoints.get(name);
      if (!endpoint) throw notFound(`No endpoint named "${name}"`);
      this.endpoints.delete(name);
      this.metrics.asleep.remove({ endpoint: name });
      await Promise.all(endpoint.variants.filter((v) => v.ready).map((v) => unloadVariant(v, this.pool)));
      this.changed();
    });
  }

  /** Unloads the models of every scale-to-zero endpoint idle for its idle time; it keeps its configuration. */
  private sleepIdle(now: number) {
    for (const endpoint of this.endpoints.values()) {
      const idleMs = (endpoint.scaleToZero?.idleSeconds ?? Infinity) * 1000;
      if (endpoint.sleep.state === "awake" && !endpoint.updating && now - endpoint.sleep.lastRequestAt >= idleMs)
        this.putToSleep(endpoint.name, idleMs).catch((error: unknown) =>
          log().error(`Endpoint ${endpoint.name} could not scale to zero: ${errorMessage(error)}`),
        );
    }
  }

  /** Scales an endpoint to zero if it is still idle for `idleMs`; true if it did. */
  private putToSleep(name: string, idleMs: number): Promise<boolean> {
    return this.serialised(name, async () => {
      const endpoint = this.endpoints.get(name);
      if (!endpoint || endpoint.sleep.state !== "awake" || Date.now() - endpoint.sleep.lastRequestAt < idleMs)
        return false;
      await this.unloadToSleep(endpoint, `after ${idleMs / 1000} s without a request`);
      return true;
    });
  }

  /** Run under the endpoint's lock. */
  private async unloadToSleep(endpoint: Endpoint, why: string) {
    // Asleep before unloading: a request from now on wakes it; those already in a batcher finish first.
    endpoint.sleep.state = "asleep";
    await Promise.all(endpoint.variants.map((v) => unloadVariant(v, this.pool)));
    this.metrics.asleep.set({ endpoint: endpoint.name }, 1);
    log().info(`Endpoint ${endpoint.name} scaled to zero ${why}`);
    this.changed();
  }

  /** Bytes of model files loaded now: the ready variants of every endpoint not asleep. */
  private loadedModelBytes(): number {
    let total = 0;
    for (const endpoint of this.endpoints.values())
      if (endpoint.sleep.state !== "asleep")
        for (const variant of endpoint.variants) if (variant.ready) total += variant.modelBytes;
    return total;
  }

  /** Loaded bytes, plus the models of endpoints waking now (promised: their load is under way or about to start). */
  private committedModelBytes(): number {
    let total = 0;
    for (const endpoint of this.endpoints.values()) {
      if (endpoint.sleep.state === "asleep") continue;
      for (const variant of endpoint.variants)
        if (variant.ready || endpoint.sleep.state === "waking") total += variant.modelBytes;
    }
    return total;
  }

  /**
   * May be scaled to zero to make room: it opted into scaling to zero, is awake, not changing, not the endpoint room
   * is made for, and has had no request for the minimum idle time (else two endpoints would evict each other).
   */
  private evictable(endpoint: Endpoint, forEndpoint: string): boolean {
    return (
      endpoint.name !== forEndpoint &&
      endpoint.scaleToZero !== undefined &&
      endpoint.sleep.state === "awake" &&
      !endpoint.updating &&
      Date.now() - endpoint.sleep.lastRequestAt >= (this.options.minIdleMsBeforeEviction ?? DEFAULT_MIN_IDLE_MS)
    );
  }

  /**
   * Keeps the models loaded (and promised to waking endpoints) within the memory budget with `incomingBytes` more to
   * load for `forEndpoint`, by scaling to zero the least recently used evictable endpoint, one at a time, each chosen
   * afresh and checked again under its own lock. Never refuses a load: when nothing is evictable it goes over the
   * budget, and says so. One at a time across the runtime, and holding no endpoint's lock while it waits for one.
   */
  private makeRoom(forEndpoint: string, incomingBytes: number): Promise<void> {
    const run = this.roomQueue.then(() => this.evictUntilWithin(forEndpoint, incomingBytes));
    this.roomQueue = run.catch(() => undefined);
    return run;
  }

  private async evictUntilWithin(forEndpoint: string, incomingBytes: number) {
    const budget = this.options.modelMemoryBudgetBytes;
    if (budget === undefined) return;
    const over = () => this.committedModelBytes() + incomingBytes > budget;
    const tried = new Set<string>();
    while (over()) {
      const victim = [...this.endpoints.values()]
        .filter((e) => !tried.has(e.name) && this.evictable(e, forEndpoint))
        .sort((a, b) => a.sleep.lastRequestAt - b.sleep.lastRequestAt)[0];
      if (!victim) {
        log().warn(
          `Loaded models (${this.committedModelBytes() + incomingBytes} bytes with ${forEndpoint}) exceed the budget of ${budget}: nothing can be scaled to zero now`,
        );
        return;
      }
      tried.add(victim.name);
      const evicted = await this.serialised(victim.name, async () => {
        if (this.endpoints.get(victim.name) !== victim || !this.evictable(victim, forEndpoint) || !over()) return false;
        await this.unloadToSleep(victim, `to keep the loaded models within ${budget} bytes`);
        return true;
      }).catch((error: unknown) => {
        log().error(`Endpoint ${victim.name} could not be scaled to zero for room: ${errorMessage(error)}`);
        return false;
      });
      if (evicted) this.metrics.evictions.inc({ endpoint: victim.name });
    }
  }

  /** Loads a sleeping endpoint's models again; if that fails it stays asleep and the next request tries again. */
  private async wake(name: string): Promise<void> {
    const sleeping = this.endpoints.get(name);
    if (sleeping?.sleep.state !== "asleep") return;
    // Marked before making room, so that a second request does not start a second wake meanwhile, and so that its
    // models count as promised while room is made. After a failed wake, others are not evicted again for a while.
    sleeping.sleep.state = "waking";
    const failedRecently =
      Date.now() - (sleeping.sleep.lastWakeFailedAt ?? -Infinity) < RETRY_EVICTION_AFTER_FAILURE_MS;
    if (!failedRecently)
      await this.makeRoom(name, 0).catch((error: unknown) =>
        log().error(`Making room for ${name} failed: ${errorMessage(error)}`),
      );
    return this.serialised(name, async () => {
      const endpoint = this.endpoints.get(name);
      if (!endpoint || endpoint.sleep.state !== "waking") return;
      const started = performance.now();
      const loaded = await Promise.allSettled(
        endpoint.variants.map((v) =>
          loadVariant(name, v.config, endpoint.batching, { pool: this.pool, metrics: this.metrics }),
        ),
      );
      const variants = loaded.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      const failure = loaded.find((result) => result.status === "rejected");
      if (failure) {
        await Promise.all(variants.map((v) => unloadVariant(v, this.pool)));
        endpoint.sleep.state = "asleep";
        endpoint.sleep.lastWakeFailedAt = Date.now();
        this.changed();
        log().error(`Endpoint ${name} could not wake: ${errorMessage(failure.reason)}`);
        return;
      }
      for (const [i, variant] of variants.entries()) variant.fault = endpoint.variants[i]!.fault;
      Object.assign(endpoint, {
        variants,
        live: variants.filter((v) => !v.config.shadow),
        shadows: variants.filter((v) => v.config.shadow),
      });
      const wakeMs = performance.now() - started;
      endpoint.sleep = { state: "awake", lastRequestAt: Date.now(), lastWakeMs: wakeMs };
      this.metrics.asleep.set({ endpoint: name }, 0);
      this.metrics.wakeSeconds.observe({ endpoint: name }, wakeMs / 1000);
      log().info(`Endpoint ${name} woke in ${Math.round(wakeMs)} ms`);
      this.changed();
    });
  }

  private startShadowAtZero(endpoint: string, shadow: Variant) {
    const variant = shadow.config.variantName;
    this.metrics.forShadow(endpoint, variant);
    this.metrics.shadowDropped.inc({ endpoint, variant }, 0);
  }

  private changed() {
    this.metrics.loadedModelBytes.set(this.loadedModelBytes());
    for (const endpoint of this.endpoints.values()) {
      for (const variant of endpoint.live)
        if (variant.ready) this.metrics.forVariant(endpoint.name, variant.config.variantName);
      for (const shadow of endpoint.shadows) if (shadow.ready) this.startShadowAtZero(endpoint.name, shadow);
    }
    // Shadows have no drift histograms: their rows are the live rows mirrored.
    this.metrics.features.retain(
      [...this.endpoints.values()].flatMap((e) =>
        e.live.filter((v) => v.ready).map((v) => ({ endpoint: e.name, config: v.config })),
      ),
    );
    this.metrics.loadedModels.set(
      [...this.endpoints.values()].reduce((n, e) => n + e.variants.filter((v) => v.ready).length, 0),
    );
    recordInstances(
      this.metrics,
      [...this.endpoints.values()].flatMap((e) =>
        e.variants
          .filter((v) => v.ready)
          .map((v) => ({
            endpoint: e.name,
            variant: v.config.variantName,
            instanceType: v.config.instanceType,
            instanceCount: v.config.instanceCount,
          })),
      ),
    );
    this.onChange();
  }
}

function view(endpoint: Endpoint): EndpointView {
  return {
    endpointName: endpoint.name,
    status: endpoint.updating ? "updating" : "healthy",
    batching: endpoint.batching,
    predictKeyRequired: endpoint.predictKeyDigest !== undefined,
    capture: endpoint.capture,
    ...(endpoint.routing && { routing: endpoint.routing }),
    ...(endpoint.scaleToZero && {
      sleep: { state: endpoint.sleep.state, idleSeconds: endpoint.scaleToZero.idleSeconds },
    }),
    ...(endpoint.onlineFeatures && { onlineFeatures: endpoint.onlineFeatures }),
    variants: endpoint.variants.map((v) => ({
      variantName: v.config.variantName,
      modelName: v.config.modelName,
      modelVersion: v.config.modelVersion,
      modelPath: v.config.modelPath,
      sha256: v.config.sha256,
      weight: v.config.weight,
      inputs: v.config.signature.inputs.map((input) => input.name),
      ready: v.ready,
      ...(v.config.shadow && { shadow: true }),
      ...(v.fault.errorRate > 0 || v.fault.extraLatencyMs > 0 ? { faultInjection: v.fault } : {}),
    })),
  };
}
