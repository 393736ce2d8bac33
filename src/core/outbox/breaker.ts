/**
 * The circuit breaker of one config node, shared by everything that calls the platform through it.
 *
 * closed    every request may go. `threshold` consecutive "platform down" failures (the caller classifies: 5xx,
 *           429/503, resets, timeouts, refused connections; never a 400 or a 409) open it.
 * open      nothing may go until the next probe time: `firstProbeMs`, doubled at each failed probe, at least the
 *           server's Retry-After, at most `maxProbeMs`.
 * half-open one request, the probe, may go. Its success closes the breaker; its failure opens it again, longer.
 *
 * A caller asks for a Permit (`tryAcquire` now, or `acquire` waiting), sends, and reports on the permit exactly once:
 * `success()` (the platform answered, even with a 400), `failure(retryAfterMs)` (platform down) or `release()` (it did
 * not send after all). Reports from requests that were already on the wire when the breaker opened do not count twice.
 */
import { FlaError } from "../errors";
import { Clock, systemClock } from "./clock";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive platform-down failures that open the breaker (default 5). */
  threshold?: number;
  /** Wait before the first probe (default 1 s). */
  firstProbeMs?: number;
  /** Longest wait between probes (default 5 min), Retry-After included. */
  maxProbeMs?: number;
  clock?: Clock;
}

export interface BreakerSnapshot {
  state: BreakerState;
  /** When the platform was first seen down in this outage (ms since epoch); undefined when closed. */
  openedAt?: number;
  /** When the next probe may go (open only). */
  nextProbeAt?: number;
  consecutiveFailures: number;
}

export interface Permit {
  /** True for the one request allowed while half-open. */
  readonly probe: boolean;
  success(): void;
  failure(retryAfterMs?: number): void;
  release(): void;
}

export type BreakerListener = (snapshot: BreakerSnapshot) => void;

interface Waiter {
  wantsPermit: boolean;
  resolve: (permit: Permit | undefined) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class CircuitBreaker {
  readonly threshold: number;
  private readonly firstProbeMs: number;
  private readonly maxProbeMs: number;
  private readonly clock: Clock;
  private current: BreakerState = "closed";
  private failures = 0;
  private openedAtMs?: number;
  private nextProbeAtMs?: number;
  private interval = 0;
  private probeOut = false;
  private timer?: unknown;
  private disposed = false;
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<BreakerListener>();

  constructor(options: BreakerOptions = {}) {
    this.threshold = atLeastOne(options.threshold ?? 5, "threshold");
    this.firstProbeMs = atLeastOne(options.firstProbeMs ?? 1000, "firstProbeMs");
    this.maxProbeMs = Math.max(this.firstProbeMs, options.maxProbeMs ?? 5 * 60_000);
    this.clock = options.clock ?? systemClock;
  }

  get state(): BreakerState {
    return this.current;
  }

  get openedAt(): number | undefined {
    return this.openedAtMs;
  }

  snapshot(): BreakerSnapshot {
    return {
      state: this.current,
      openedAt: this.openedAtMs,
      nextProbeAt: this.nextProbeAtMs,
      consecutiveFailures: this.failures,
    };
  }

  /** Calls `listener` synchronously on every change of state. Returns the function that unsubscribes. */
  onChange(listener: BreakerListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A permit if a request may go now: any while closed, the probe while half-open; else undefined. */
  tryAcquire(): Permit | undefined {
    if (this.disposed) return undefined;
    if (this.current === "closed") return this.permit(false);
    if (this.current === "half-open" && !this.probeOut) {
      this.probeOut = true;
      return this.permit(true);
    }
    return undefined;
  }

  /** Waits for a permit (closed, or the probe). Rejects with FLA_ABORTED when `signal` aborts or on dispose. */
  acquire(signal?: AbortSignal): Promise<Permit> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return this.wait(true, signal) as Promise<Permit>;
  }

  /** Resolves when the breaker is closed. Rejects with FLA_ABORTED when `signal` aborts or on dispose. */
  waitUntilClosed(signal?: AbortSignal): Promise<void> {
    if (this.current === "closed" && !this.disposed) return Promise.resolve();
    return this.wait(false, signal).then(() => undefined);
  }

  /** Stops the probe timer and rejects every waiter (config node closed). */
  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    for (const waiter of [...this.waiters]) this.settle(waiter, undefined, abortedError());
  }

  private wait(wantsPermit: boolean, signal?: AbortSignal): Promise<Permit | undefined> {
    if (this.disposed || signal?.aborted) return Promise.reject(abortedError());
    return new Promise<Permit | undefined>((resolve, reject) => {
      const waiter: Waiter = { wantsPermit, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => this.settle(waiter, undefined, abortedError());
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.waiters.add(waiter);
    });
  }

  private settle(waiter: Waiter, permit: Permit | undefined, error?: unknown): void {
    if (!this.waiters.delete(waiter)) return;
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener("abort", waiter.onAbort);
    if (error !== undefined) waiter.reject(error);
    else waiter.resolve(permit);
  }

  private permit(probe: boolean): Permit {
    let reported = false;
    const once = (report: () => void): void => {
      if (reported) return;
      reported = true;
      report();
    };
    return {
      probe,
      success: () => once(() => this.onSuccess(probe)),
      failure: (retryAfterMs?: number) => once(() => this.onFailure(probe, retryAfterMs)),
      release: () => once(() => this.onRelease(probe)),
    };
  }

  private onSuccess(probe: boolean): void {
    if (probe) this.probeOut = false;
    this.failures = 0;
    if (this.current !== "closed") this.close();
  }

  private onFailure(probe: boolean, retryAfterMs?: number): void {
    if (probe) {
      this.probeOut = false;
      this.open(Math.min(this.maxProbeMs, this.interval * 2), retryAfterMs);
      return;
    }
    if (this.current !== "closed") return; // on the wire before the breaker opened: already counted as an outage
    this.failures++;
    if (this.failures >= this.threshold) this.open(this.firstProbeMs, retryAfterMs);
    else this.emit();
  }

  private onRelease(probe: boolean): void {
    if (!probe) return;
    this.probeOut = false;
    if (this.current === "half-open") this.grantProbe();
  }

  private open(interval: number, retryAfterMs?: number): void {
    if (this.disposed) return;
    const retryAfter =
      typeof retryAfterMs === "number" && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
    this.interval = interval;
    const wait = Math.min(this.maxProbeMs, Math.max(interval, retryAfter));
    const now = this.clock.now();
    this.current = "open";
    this.openedAtMs ??= now;
    this.nextProbeAtMs = now + wait;
    this.clearTimer();
    this.timer = this.clock.setTimeout(() => this.halfOpen(), wait);
    this.emit();
  }

  private halfOpen(): void {
    this.timer = undefined;
    if (this.disposed || this.current !== "open") return;
    this.current = "half-open";
    this.nextProbeAtMs = undefined;
    this.emit();
    this.grantProbe();
  }

  /** Gives the probe to the first caller waiting for a permit, if the probe is free and nobody took it meanwhile. */
  private grantProbe(): void {
    if (this.current !== "half-open" || this.probeOut) return;
    for (const waiter of this.waiters) {
      if (!waiter.wantsPermit) continue;
      this.probeOut = true;
      this.settle(waiter, this.permit(true));
      return;
    }
  }

  private close(): void {
    this.current = "closed";
    this.failures = 0;
    this.openedAtMs = undefined;
    this.nextProbeAtMs = undefined;
    this.interval = 0;
    this.clearTimer();
    this.emit();
    for (const waiter of [...this.waiters]) this.settle(waiter, waiter.wantsPermit ? this.permit(false) : undefined);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(): void {
    const snapshot = this.snapshot();
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch {
        // a status display must not break the breaker
      }
    }
  }
}

function abortedError(): FlaError {
  return new FlaError(
    "FLA_ABORTED",
    "The request was not sent: it was waiting for the FLA platform to be available again when its node was closed.",
  );
}

function atLeastOne(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1)
    throw new FlaError("FLA_CONFIG", `${name} must be at least 1 (got ${String(value)}).`);
  return value;
}
