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

export type LimiterListener = (stats: LimiterStats) => void;

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
  private readonly listeners = new Set<LimiterListener>();
  private notifyScheduled = false;
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

  get isClosed(): boolean {
    return this.closed;
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
      this.changed();
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
    this.changed();
  }

  /**
   * Calls `listener` with the latest stats after a change, at most once per turn of the event loop (10,000 tasks
   * queued in one go give one call). Returns the function that unsubscribes.
   */
  onChange(listener: LimiterListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private start<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.launch({ task, resolve: resolve as (value: unknown) => void, reject }));
  }

  /** Runs one task in a slot; its settlement frees the slot before the caller hears of it. */
  private launch(entry: QueuedTask): void {
    this.unwatch(entry);
    this.running++;
    this.changed();
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
    this.changed();
  }

  private watch(signal: AbortSignal, entry: QueuedTask): void {
    let watch = this.watches.get(signal);
    if (!watch) {
      const entries = new Set<QueuedTask>();
      const onAbort = (): void => {
        this.watches.delete(signal);
        // In queue order, as one listener per task did.
        for (const waiting of entries) {
          waiting.signal = undefined;
          waiting.cancelled = true;
          this.cancelled++;
          waiting.reject(abandonedError());
        }
        entries.clear();
        this.changed();
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

  private changed(): void {
    if (this.notifyScheduled || this.listeners.size === 0) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      const stats = this.stats;
      for (const listener of this.listeners) {
        try {
          listener(stats);
        } catch {
          // a status display must not break the queue
        }
      }
    });
  }
}

function closedError(): FlaError {
  return new FlaError("FLA_ABORTED", "The message was not sent: the FLA config node was closed (redeploy or shutdown) while it waited in the queue.");
}

function abandonedError(): FlaError {
  return new FlaError("FLA_ABORTED", "The message was not sent: its node was closed (redeploy or shutdown) while it waited in the queue.");
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new FlaError("FLA_CONFIG", `${name} must be a whole number of at least 1 (got ${String(value)}).`);
  return value;
}
