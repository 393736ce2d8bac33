/**
 * The dispatcher of one outbox: it sends the journal's entries through their owner's handler, at most
 * `maxConcurrent` at once, through the circuit breaker, with per-entry retries and a give-up time.
 *
 *   accept(owner, { kind, data, idempotent })  -> id, once the entry is on disk (FLA_QUEUE_FULL at the bound)
 *   attach(owner, { handle, deliver })         a node (re)starts: its waiting entries go, its undelivered outcomes come
 *   detach(owner)                              the node closes: entries stay; resolves when its handlers in flight end
 *   markDelivered(id)                          the outcome was handed on: the entry is done (next group commit)
 *   moveOrphans(liveOwners, file)              entries of owners that no longer exist go to `file`
 *   pending(owner), stats, onChange(listener), close(graceMs)
 *
 * The journal and the breaker are the caller's: the dispatcher closes the journal in close(); the breaker, shared with
 * fla-query (breaker.acquire), is disposed by whoever made it. `accept` rejects data that JSON cannot serialise.
 *
 * An entry's life: queued -> (slot free, breaker permits) handler -> final: outcome recorded -> deliver -> done;
 * or platform down: back in the queue (breaker open) or after a backoff (breaker closed, counts as a failure) ->
 * ... -> `maxAttempts` failures: the last outcome is final; past `giveUpMs` after acceptance: FLA_UNAVAILABLE.
 */
import { FlaError, isFlaError } from "../errors";
import { CircuitBreaker, Permit } from "./breaker";
import { Clock, systemClock } from "./clock";
import { Fifo } from "./fifo";
import { Journal, JournalEntry } from "./journal";
import type { BreakerReport } from "./resendDecision";

export type EntryId = number;

/** What the handler gets: the entry as accepted, and where it is in its life. */
export interface OutboxEntry {
  id: EntryId;
  owner: string;
  kind: string;
  data: unknown;
  idempotent: boolean;
  acceptedAt: number;
  /** Attempts started, this one included. */
  attempts: number;
  /** Accepted by an earlier attach of its owner (redeploy) or before a restart. */
  resumed: boolean;
  /** An attempt was under way when the process stopped and its end is unknown: it may have reached the server. */
  interrupted: boolean;
}

/**
 * What a handler answers. `final`: the entry ends with `outcome` (a success, an anomaly, an error: whatever the flow is
 * told); `platformDown` reports it to the breaker as a failure anyway (e.g. a reset after sending: FLA_UNCERTAIN).
 * `retry`: send it again later (the platform is down: 5xx, 429/503, reset, timeout, refused; or an answer that could
 * not be read, resent because a duplicate is detected); `outcome` is what the flow is told if this was the last
 * attempt allowed. `breaker`: what the breaker hears of this attempt (default "failure": the platform is down;
 * "success": it answered; "release": it was not called). Outcomes must be JSON-serialisable: they are recorded before
 * they are handed on.
 */
export type HandlerResult<O> =
  | { type: "final"; outcome: O; platformDown?: boolean }
  | { type: "retry"; outcome: O; retryAfterMs?: number; breaker?: BreakerReport };

/** An entry's end, handed to its owner: the handler's outcome, or an error of the outbox (FLA_UNAVAILABLE). */
export type Delivery<O> = OutboxEntry & ({ outcome: O; error?: undefined } | { outcome?: undefined; error: FlaError });

export interface OwnerBinding<O> {
  /**
   * Performs the request. Should not throw: a throw ends the entry with that error (a FlaError as it is, anything
   * else as FLA_UNCERTAIN). `signal` aborts when the dispatcher closes after its grace period: a handler that knows
   * its request did not go should then answer `retry` (the entry is sent at the next start as if nothing happened);
   * a throw leaves the attempt open, so a non-idempotent entry comes back `interrupted`.
   */
  handle(entry: OutboxEntry, signal: AbortSignal): Promise<HandlerResult<O>>;
  /** Hands the end on (e.g. node.send), then the caller calls `markDelivered(id)`. Until then it is delivered again
   *  at the next attach (at-least-once). */
  deliver(delivery: Delivery<O>): void;
}

export interface NewOutboxEntry {
  kind: string;
  data: unknown;
  idempotent?: boolean;
}

export interface DispatcherOptions {
  journal: Journal;
  breaker: CircuitBreaker;
  /** Handlers running at once (default 4). */
  maxConcurrent?: number;
  /** Entries in the outbox at most, all owners together (default 100,000); one more is refused with FLA_QUEUE_FULL. */
  maxQueue?: number;
  /** Platform-down failures of one entry while the breaker stays closed before its last outcome is final (default 5). */
  maxAttempts?: number;
  /** Longest wait before an entry's next attempt (default 60 s); the first wait is 1 s, doubled each time. */
  maxBackoffMs?: number;
  /** An entry not ended this long after acceptance ends with FLA_UNAVAILABLE (default 24 h). */
  giveUpMs?: number;
  clock?: Clock;
  warn?: (message: string) => void;
}

export interface DispatcherStats {
  /** Entries in the outbox (waiting, in flight, waiting to be handed on). */
  pending: number;
  inFlight: number;
  /** Entries waiting to be sent (queued, backing off, or whose node is not attached). */
  waiting: number;
  breaker: ReturnType<CircuitBreaker["snapshot"]>;
}

type PersistedResult<O> =
  { outcome: O } | { error: { code: string; message: string; httpStatus?: number; reason?: string } };

interface Attached<O> {
  binding: OwnerBinding<O>;
  session: number;
}

export class Dispatcher<O = unknown> {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly maxAttempts: number;
  readonly maxBackoffMs: number;
  readonly giveUpMs: number;
  private readonly journal: Journal;
  private readonly breaker: CircuitBreaker;
  private readonly clock: Clock;
  private readonly warn: (message: string) => void;
  /** Entries that failed while the breaker opened: sent before newer ones when it closes. */
  private readonly retryQueue = new Fifo<JournalEntry>();
  private readonly queue = new Fifo<JournalEntry>();
  /** Entries backing off after a failure, with one timer for the earliest. */
  private delayed: JournalEntry[] = [];
  private delayTimer?: { at: number; handle: unknown };
  private giveUpTimer?: { at: number; handle: unknown };
  /** Entries whose owner was not attached when their turn came. */
  private readonly parked = new Map<string, JournalEntry[]>();
  private readonly owners = new Map<string, Attached<O>>();
  /** The session of the attach that accepted an entry (absent: accepted before a restart). */
  private readonly acceptedIn = new Map<EntryId, number>();
  private readonly perOwner = new Map<string, number>();
  /** Entries whose outcome is recorded and not yet marked delivered, per owner. */
  private readonly undelivered = new Map<string, Set<JournalEntry>>();
  private undeliveredCount = 0;
  private readonly inFlightIds = new Set<EntryId>();
  /** Sends under way per owner (from the handler call to the outcome recorded), and who waits for them to end. */
  private readonly active = new Map<string, number>();
  private readonly drainWaiters = new Map<string, (() => void)[]>();
  /** Settling entries (recording and delivering an outcome): close waits for them. */
  private readonly settling = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly listeners = new Set<(stats: DispatcherStats) => void>();
  private readonly unsubscribeBreaker: () => void;
  private sessions = 0;
  /** Accepts whose entry is not yet written. */
  private accepting = 0;
  private inFlight = 0;
  private closing = false;
  private notifyScheduled = false;

  constructor(options: DispatcherOptions) {
    this.journal = options.journal;
    this.breaker = options.breaker;
    this.maxConcurrent = wholeAtLeastOne(options.maxConcurrent ?? 4, "maxConcurrent");
    this.maxQueue = wholeAtLeastOne(options.maxQueue ?? 100_000, "maxQueue");
    this.maxAttempts = wholeAtLeastOne(options.maxAttempts ?? 5, "maxAttempts");
    this.maxBackoffMs = Math.max(1, options.maxBackoffMs ?? 60_000);
    this.giveUpMs = Math.max(1, options.giveUpMs ?? 24 * 60 * 60_000);
    this.clock = options.clock ?? systemClock;
    this.warn = options.warn ?? ((message) => console.warn(message));
    for (const entry of this.journal.entries()) {
      this.count(entry.owner, +1);
      if (entry.hasOutcome) this.awaitDelivery(entry);
      else this.enqueue(entry);
    }
    this.unsubscribeBreaker = this.breaker.onChange(() => {
      this.pump();
      this.changed();
    });
  }

  get stats(): DispatcherStats {
    const pending = this.journal.stats.entries;
    const waiting = Math.max(0, pending - this.inFlight - this.undeliveredCount);
    return { pending, inFlight: this.inFlight, waiting, breaker: this.breaker.snapshot() };
  }

  /** Entries of `owner` in the outbox. */
  pending(owner: string): number {
    return this.perOwner.get(owner) ?? 0;
  }

  /** Calls `listener` with the stats after a change, at most once per turn of the event loop. */
  onChange(listener: (stats: DispatcherStats) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Records a new entry; resolves with its id once it is on disk, rejects with FLA_QUEUE_FULL at the bound. */
  async accept(owner: string, entry: NewOutboxEntry): Promise<EntryId> {
    if (this.closing)
      throw new FlaError("FLA_ABORTED", "The message was not accepted: the FLA config node is closing.");
    // Entries being written count too: a burst of accepts in one turn must not all pass the bound before the write.
    if (this.journal.stats.entries + this.accepting >= this.maxQueue) {
      throw new FlaError(
        "FLA_QUEUE_FULL",
        `The FLA outbox is full (${this.maxQueue} messages waiting): slow the input down or raise the queue limit of the config node.`,
        { retryable: true },
      );
    }
    // A file journal counts an entry once it is written; one in memory at once.
    const reserved = this.journal.persistent ? 1 : 0;
    this.accepting += reserved;
    let recorded: JournalEntry;
    try {
      recorded = await this.journal.put({
        owner,
        kind: entry.kind,
        data: entry.data,
        idempotent: entry.idempotent,
        acceptedAt: this.clock.now(),
      });
    } finally {
      this.accepting -= reserved;
    }
    const attached = this.owners.get(owner);
    if (attached) this.acceptedIn.set(recorded.id, attached.session);
    this.count(owner, +1);
    this.enqueue(recorded);
    this.pump();
    return recorded.id;
  }

  /** Starts (or resumes after a redeploy) the sending of `owner`'s entries, and hands on its recorded outcomes. */
  attach(owner: string, binding: OwnerBinding<O>): void {
    if (this.closing) return;
    this.owners.set(owner, { binding, session: ++this.sessions });
    const parked = this.parked.get(owner);
    this.parked.delete(owner);
    if (parked) for (const entry of parked) this.retryQueue.push(entry);
    for (const entry of this.undelivered.get(owner) ?? []) this.track(this.deliverRecorded(entry));
    this.pump();
  }

  /**
   * Stops handing `owner`'s entries to its handler; they stay in the outbox for the next attach. Resolves when the
   * handlers already running for it have returned (their outcomes are recorded and wait for the next attach).
   */
  detach(owner: string): Promise<void> {
    this.owners.delete(owner);
    if (!this.active.get(owner)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.drainWaiters.get(owner);
      if (waiters) waiters.push(resolve);
      else this.drainWaiters.set(owner, [resolve]);
    });
  }

  /** The outcome of entry `id` was handed on: the entry is done. */
  markDelivered(id: EntryId): boolean {
    const entry = this.journal.get(id);
    if (!entry || !entry.hasOutcome) return false;
    this.finish(entry);
    this.journal
      .done(entry)
      .catch((error: unknown) =>
        this.warn(`FLA outbox: could not record that entry ${id} was handed on: ${describe(error)}`),
      );
    this.changed();
    return true;
  }

  /**
   * Moves the entries of owners not in `liveOwners` (and not attached, not in flight) to `file`, beside the journal,
   * and takes them out of the outbox. Returns the count per owner, for one log line each.
   */
  async moveOrphans(liveOwners: Iterable<string>, file: string): Promise<Map<string, number>> {
    const live = new Set(liveOwners);
    const moving: JournalEntry[] = [];
    const counts = new Map<string, number>();
    for (const entry of this.journal.entries()) {
      if (live.has(entry.owner) || this.owners.has(entry.owner) || this.inFlightIds.has(entry.id)) continue;
      moving.push(entry);
      counts.set(entry.owner, (counts.get(entry.owner) ?? 0) + 1);
    }
    if (moving.length === 0) return counts;
    await this.journal.moveTo(moving, file);
    for (const entry of moving) this.finish(entry);
    for (const owner of counts.keys()) this.parked.delete(owner);
    this.changed();
    return counts;
  }

  /**
   * Stops dispatching, waits up to `graceMs` for the handlers in flight (then aborts their signal and waits for them
   * to return), and closes the journal. Entries not ended stay in it for the next start.
   */
  async close(graceMs = 10_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.unsubscribeBreaker();
    this.clearTimer(this.delayTimer);
    this.clearTimer(this.giveUpTimer);
    if (this.inFlight > 0 || this.settling.size > 0) {
      // Real time, not the injected clock: this is the node's close timeout, not a delay of the retry policy.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([this.idle(), grace]);
      clearTimeout(timer);
      this.abort.abort();
      await this.idle();
    }
    await this.journal.close();
  }

  // ---- dispatching ----

  private enqueue(entry: JournalEntry): void {
    if (entry.notBefore > this.clock.now()) this.delay(entry);
    else this.queue.push(entry);
  }

  /** Starts entries while a slot is free and the breaker permits. */
  private pump(): void {
    if (this.closing) return;
    while (this.inFlight < this.maxConcurrent) {
      const entry = this.nextSendable();
      if (!entry) break;
      if (this.expired(entry)) {
        this.take();
        this.track(this.giveUp(entry));
        continue;
      }
      const permit = this.breaker.tryAcquire();
      if (!permit) {
        this.scheduleGiveUp();
        break;
      }
      this.take();
      this.track(this.send(entry, permit));
    }
    this.changed();
  }

  /** The next entry to send, parking on the way those whose owner is not attached and dropping finished ones. */
  private nextSendable(): JournalEntry | undefined {
    for (;;) {
      const fifo = this.retryQueue.length > 0 ? this.retryQueue : this.queue;
      const entry = fifo.peek();
      if (!entry) return undefined;
      if (!entry.live || entry.hasOutcome) {
        fifo.shift();
        continue;
      }
      if (!this.owners.has(entry.owner)) {
        fifo.shift();
        const parked = this.parked.get(entry.owner);
        if (parked) parked.push(entry);
        else this.parked.set(entry.owner, [entry]);
        continue;
      }
      return entry;
    }
  }

  private take(): void {
    (this.retryQueue.length > 0 ? this.retryQueue : this.queue).shift();
  }

  private expired(entry: JournalEntry): boolean {
    return this.clock.now() >= entry.acceptedAt + this.giveUpMs;
  }

  /** One attempt of one entry, in its slot; then its end or its return to the queue. */
  private async send(entry: JournalEntry, permit: Permit): Promise<void> {
    const owner = entry.owner;
    this.active.set(owner, (this.active.get(owner) ?? 0) + 1);
    try {
      await this.attempt(entry, permit);
    } finally {
      const left = (this.active.get(owner) ?? 1) - 1;
      if (left > 0) this.active.set(owner, left);
      else {
        this.active.delete(owner);
        const waiters = this.drainWaiters.get(owner) ?? [];
        this.drainWaiters.delete(owner);
        for (const resolve of waiters) resolve();
      }
    }
  }

  private async attempt(entry: JournalEntry, permit: Permit): Promise<void> {
    const attached = this.owners.get(entry.owner)!;
    this.inFlight++;
    this.inFlightIds.add(entry.id);
    let result: HandlerResult<O> | undefined;
    let thrown: unknown;
    let data: unknown;
    const interrupted = entry.interrupted;
    try {
      // Not idempotent: the attempt is on disk before the request can be on the wire (after a crash: interrupted).
      if (entry.idempotent) entry.attempts++;
      [data] = await Promise.all([
        this.journal.readData(entry),
        entry.idempotent ? undefined : this.journal.attempt(entry),
      ]);
      result = await attached.binding.handle(this.view(entry, data, attached.session, interrupted), this.abort.signal);
    } catch (error) {
      thrown = error ?? new Error("The handler failed without a reason.");
    } finally {
      this.inFlight--;
      this.inFlightIds.delete(entry.id);
    }
    if (thrown !== undefined && this.abort.signal.aborted) {
      // Stopped by close: nothing is known of this attempt; the entry stays for the next start.
      permit.release();
      return;
    }
    if (!result) {
      permit.release();
      this.pump();
      await this.end(entry, data, { error: errorOf(thrown).toJSON() }, interrupted);
      return;
    }
    if (result.type === "final") {
      if (result.platformDown) permit.failure();
      else permit.success();
      this.pump();
      await this.end(entry, data, { outcome: result.outcome }, interrupted);
      return;
    }
    if (this.abort.signal.aborted) {
      // Not sent because of the close: neither the platform's failure nor the entry's.
      permit.release();
      await this.journal.failed(entry, false, 0).catch(() => undefined);
      return;
    }
    if (result.breaker === "success") permit.success();
    else if (result.breaker === "release") permit.release();
    else permit.failure(result.retryAfterMs);
    // A failure while the platform is known to be down is the outage's, not the entry's: it keeps its attempts.
    const counts = this.breaker.state === "closed";
    const failures = entry.failures + (counts ? 1 : 0);
    if (counts && failures >= this.maxAttempts) {
      this.pump();
      await this.end(entry, data, { outcome: result.outcome }, interrupted);
      return;
    }
    const notBefore = counts ? this.clock.now() + this.backoff(failures, result.retryAfterMs) : 0;
    if (notBefore >= entry.acceptedAt + this.giveUpMs || this.expired(entry)) {
      this.pump();
      await this.giveUp(entry, data);
      return;
    }
    try {
      await this.journal.failed(entry, counts, notBefore);
    } catch (error) {
      this.warn(`FLA outbox: could not record a failed attempt of entry ${entry.id}: ${describe(error)}`);
    }
    if (!entry.live) return;
    if (notBefore > 0) this.delay(entry);
    else this.retryQueue.push(entry);
    this.pump();
  }

  private backoff(failures: number, retryAfterMs?: number): number {
    const exponential = 1000 * 2 ** Math.min(30, failures - 1);
    return Math.min(this.maxBackoffMs, Math.max(exponential, retryAfterMs ?? 0));
  }

  private async giveUp(entry: JournalEntry, data?: unknown): Promise<void> {
    const since = new Date(entry.acceptedAt).toISOString();
    const error = new FlaError(
      "FLA_UNAVAILABLE",
      `The message was not sent: the FLA platform stayed unavailable from its acceptance (${since}) until its give-up time (${Math.round(this.giveUpMs / 60_000)} min).`,
      { retryable: true },
    );
    await this.end(entry, data, { error: error.toJSON() }, entry.interrupted);
  }

  /** Records the end of an entry, then hands it on if its owner is attached (else at its next attach). */
  private async end(
    entry: JournalEntry,
    data: unknown,
    result: PersistedResult<O>,
    interrupted: boolean,
  ): Promise<void> {
    try {
      await this.journal.outcome(entry, result);
    } catch (error) {
      // Not recorded: the entry stays as it was and is tried again at the next start. The flow still hears of it now.
      this.warn(`FLA outbox: could not record the outcome of entry ${entry.id}: ${describe(error)}`);
    }
    if (entry.hasOutcome) this.awaitDelivery(entry);
    const attached = this.owners.get(entry.owner);
    if (!attached || !entry.live) return;
    if (data === undefined) data = await this.journal.readData(entry).catch(() => undefined);
    this.hand(attached, this.view(entry, data, attached.session, interrupted), result);
  }

  private async deliverRecorded(entry: JournalEntry): Promise<void> {
    try {
      const [data, result] = await Promise.all([this.journal.readData(entry), this.journal.readOutcome(entry)]);
      const attached = this.owners.get(entry.owner);
      if (!attached || !entry.live) return;
      this.hand(attached, this.view(entry, data, attached.session, entry.interrupted), result as PersistedResult<O>);
    } catch (error) {
      this.warn(`FLA outbox: could not read back the outcome of entry ${entry.id}: ${describe(error)}`);
    }
  }

  private hand(attached: Attached<O>, view: OutboxEntry, result: PersistedResult<O>): void {
    const delivery: Delivery<O> =
      "outcome" in result ? { ...view, outcome: result.outcome } : { ...view, error: reviveError(result.error) };
    try {
      attached.binding.deliver(delivery);
    } catch (error) {
      this.warn(
        `FLA outbox: handing on the outcome of entry ${view.id} failed; it is handed on again at the next start: ${describe(error)}`,
      );
    }
  }

  private view(entry: JournalEntry, data: unknown, session: number, interrupted: boolean): OutboxEntry {
    return {
      id: entry.id,
      owner: entry.owner,
      kind: entry.kind,
      data,
      idempotent: entry.idempotent,
      acceptedAt: entry.acceptedAt,
      attempts: entry.attempts,
      resumed: this.acceptedIn.get(entry.id) !== session,
      interrupted,
    };
  }

  private finish(entry: JournalEntry): void {
    this.acceptedIn.delete(entry.id);
    this.count(entry.owner, -1);
    const waiting = this.undelivered.get(entry.owner);
    if (waiting?.delete(entry)) {
      this.undeliveredCount--;
      if (waiting.size === 0) this.undelivered.delete(entry.owner);
    }
  }

  private awaitDelivery(entry: JournalEntry): void {
    let waiting = this.undelivered.get(entry.owner);
    if (!waiting) this.undelivered.set(entry.owner, (waiting = new Set()));
    if (waiting.has(entry)) return;
    waiting.add(entry);
    this.undeliveredCount++;
  }

  // ---- timers ----

  private delay(entry: JournalEntry): void {
    this.delayed.push(entry);
    this.armDelayTimer();
  }

  private armDelayTimer(): void {
    if (this.closing || this.delayed.length === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.delayed) earliest = Math.min(earliest, entry.notBefore);
    if (this.delayTimer && this.delayTimer.at <= earliest) return;
    this.clearTimer(this.delayTimer);
    this.delayTimer = {
      at: earliest,
      handle: this.clock.setTimeout(() => this.releaseDelayed(), earliest - this.clock.now()),
    };
  }

  private releaseDelayed(): void {
    this.delayTimer = undefined;
    const now = this.clock.now();
    const still: JournalEntry[] = [];
    for (const entry of this.delayed) {
      if (!entry.live) continue;
      if (entry.notBefore <= now) this.retryQueue.push(entry);
      else still.push(entry);
    }
    this.delayed = still;
    this.armDelayTimer();
    this.pump();
  }

  /** While the breaker holds everything back, entries still end at their give-up time: wake up for the first one. */
  private scheduleGiveUp(): void {
    const head = this.retryQueue.peek() ?? this.queue.peek();
    if (!head) return;
    const at = head.acceptedAt + this.giveUpMs;
    if (this.giveUpTimer && this.giveUpTimer.at <= at) return;
    this.clearTimer(this.giveUpTimer);
    this.giveUpTimer = {
      at,
      handle: this.clock.setTimeout(() => {
        this.giveUpTimer = undefined;
        this.endExpired();
      }, at - this.clock.now()),
    };
  }

  private endExpired(): void {
    for (const fifo of [this.retryQueue, this.queue]) {
      for (
        let entry = fifo.peek();
        entry && (!entry.live || entry.hasOutcome || this.expired(entry));
        entry = fifo.peek()
      ) {
        fifo.shift();
        if (entry.live && !entry.hasOutcome && !this.inFlightIds.has(entry.id)) this.track(this.giveUp(entry));
      }
    }
    this.pump();
  }

  private clearTimer(timer: { handle: unknown } | undefined): void {
    if (timer) this.clock.clearTimeout(timer.handle);
  }

  // ---- bookkeeping ----

  private track(work: Promise<void>): void {
    const settled = work
      .catch((error: unknown) => this.warn(`FLA outbox: ${describe(error)}`))
      .finally(() => {
        this.settling.delete(settled);
        this.changed();
      });
    this.settling.add(settled);
  }

  private async idle(): Promise<void> {
    while (this.settling.size > 0) await Promise.all([...this.settling]);
  }

  private count(owner: string, delta: number): void {
    const next = (this.perOwner.get(owner) ?? 0) + delta;
    if (next > 0) this.perOwner.set(owner, next);
    else this.perOwner.delete(owner);
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
          // a status display must not break the dispatcher
        }
      }
    });
  }
}

/** A handler's throw, as the flow is told: the FlaError itself, else FLA_UNCERTAIN (the request may have gone). */
function errorOf(thrown: unknown): FlaError {
  if (isFlaError(thrown)) return thrown;
  return new FlaError(
    "FLA_UNCERTAIN",
    "The request was interrupted by an internal error; it may or may not have been recorded by the FLA platform.",
    {
      cause: thrown,
    },
  );
}

function reviveError(saved: { code: string; message: string; httpStatus?: number; reason?: string }): FlaError {
  return new FlaError(saved.code as FlaError["code"], saved.message, {
    httpStatus: saved.httpStatus,
    reason: saved.reason,
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function wholeAtLeastOne(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new FlaError("FLA_CONFIG", `${name} must be a whole number of at least 1 (got ${String(value)}).`);
  return value;
}
