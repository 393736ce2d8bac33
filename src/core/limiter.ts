/**
 * Bounded concurrency with a bounded FIFO queue, shared by all the nodes of one config node.
 * It is on the hot path: enqueue and dequeue are O(1) (a head index, compacted now and then, instead of Array.shift).
 */
import { FlaError } from "./errors";

export interface LimiterOptions {
  /** Tasks running at once (default 4). */
  maxConcurrent?: number;
  /** Tasks waiting at most (default 10,000); one more is refused with FLA_QUEUE_FULL. */
  maxQueue?: number;
}

export interface LimiterStats {
  inFlight: number;
  queued: number;
}

interface QueuedTask {
  task: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** Set when its signal aborted while it waited: it is skipped when its turn comes. */
  cancelled?: boolean;
  /** The signal it waits with, while it waits. */
  signal?: AbortSignal;
}

/** The queued tasks of one signal, and the one listener that cancels them all. */
interface SignalWatch {
  entries: Set<QueuedTask>;
  onAbort: () => void;
}

const COMPACT_AFTER = 1024;

export class RequestLimiter {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  private readonly queue: (QueuedTask | undefined)[] = [];
  private head = 0;
  private running = 0;
  /** Entries still in the array whose wait was abandoned. */
  private cancelled = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /**
   * One abort listener per signal, not one per queued task: a node's signal is shared by all its messages, and
   * EventTarget's add/removeEventListener walk the listener list (10,000 queued tasks made enqueueing quadratic).
   */
  private readonly watches = new Map<AbortSignal, SignalWatch>();

  constructor(options: LimiterOptions = {}) {
    this.maxConcurrent = positiveInteger(options.maxConcurrent, 4, "maxConcurrent");
    this.maxQueue = positiveInteger(options.maxQueue, 10_000, "maxQueue");
  }

  get stats(): LimiterStats {
    return { inFlight: this.running, queued: this.queuedCount };
  }

  private get queuedCount(): number {
    return this.queue.length - this.head - this.cancelled;
  }

  /**
   * Runs `task` when a slot is free, in arrival order. Rejects at once with FLA_QUEUE_FULL or FLA_ABORTED (after close);
   * a `signal` that aborts while the task waits takes it out of the queue (FLA_ABORTED).
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(abandonedError());
    if (this.running < this.maxConcurrent && this.queuedCount === 0) {
      return this.start(task);
    }
    if (this.queuedCount >= this.maxQueue) {
      return Promise.reject(
        new FlaError(
          "FLA_QUEUE_FULL",
          `The FLA request queue is full (${this.maxQueue} waiting, ${this.running} in flight): slow the input down or raise the queue limit of the config node.`,
          { retryable: true },
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const entry: QueuedTask = { task, resolve: resolve as (value: unknown) => void, reject };
      if (signal) this.watch(signal, entry);
      this.queue.push(entry);
    });
  }

  /** Refuses new tasks and rejects every queued one with FLA_ABORTED; tasks in flight run to their end. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiting = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    this.cancelled = 0;
    for (const entry of waiting) {
      if (!entry || entry.cancelled) continue;
      this.unwatch(entry);
      entry.reject(closedError());
    }
  }

  /** Resolves once no task is in flight (at once when none is): after close(), when the last one has ended. */
  whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private start<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.launch({ task, resolve: resolve as (value: unknown) => void, reject }),
    );
  }

  /** Runs one task in a slot; its settlement frees the slot before the caller hears of it. */
  private launch(entry: QueuedTask): void {
    this.unwatch(entry);
    this.running++;
    let promise: Promise<unknown>;
    try {
      promise = entry.task();
    } catch (error) {
      promise = Promise.reject(error);
    }
    Promise.resolve(promise).then(
      (value) => {
        this.release();
        entry.resolve(value);
      },
      (error: unknown) => {
        this.release();
        entry.reject(error);
      },
    );
  }

  private release(): void {
    this.running--;
    while (this.head < this.queue.length) {
      const next = this.queue[this.head]!;
      this.queue[this.head] = undefined;
      this.head++;
      if (this.head >= COMPACT_AFTER && this.head * 2 >= this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (next.cancelled) {
        this.cancelled--;
        continue;
      }
      this.launch(next);
      return;
    }
    if (this.running === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private watch(signal: AbortSignal, entry: QueuedTask): void {
    let watch = this.watches.get(signal);
    if (!watch) {
      const entries = new Set<QueuedTask>();
      const onAbort = (): void => {
        this.watches.delete(signal);
        // In queue order: the first to wait hears first.
        for (const waiting of entries) {
          waiting.signal = undefined;
          waiting.cancelled = true;
          this.cancelled++;
          waiting.reject(abandonedError());
        }
        entries.clear();
      };
      watch = { entries, onAbort };
      this.watches.set(signal, watch);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    watch.entries.add(entry);
    entry.signal = signal;
  }

  private unwatch(entry: QueuedTask): void {
    const signal = entry.signal;
    if (!signal) return;
    entry.signal = undefined;
    const watch = this.watches.get(signal);
    if (!watch) return;
    watch.entries.delete(entry);
    if (watch.entries.size === 0) {
      signal.removeEventListener("abort", watch.onAbort);
      this.watches.delete(signal);
    }
  }
}

function closedError(): FlaError {
  return new FlaError(
    "FLA_ABORTED",
    "The message was not sent: the FLA config node was closed (redeploy or shutdown) while it waited in the queue.",
  );
}

function abandonedError(): FlaError {
  return new FlaError(
    "FLA_ABORTED",
    "The message was not sent: its node was closed (redeploy or shutdown) while it waited in the queue.",
  );
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new FlaError("FLA_CONFIG", `${name} must be a whole number of at least 1 (got ${String(value)}).`);
  return value;
}
