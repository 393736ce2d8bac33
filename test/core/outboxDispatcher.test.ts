import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlaError } from "../../src/core/errors";
import { CircuitBreaker } from "../../src/core/outbox/breaker";
import { Delivery, Dispatcher, DispatcherOptions, HandlerResult, OutboxEntry } from "../../src/core/outbox/dispatcher";
import { Journal } from "../../src/core/outbox/journal";
import { ManualClock } from "./outboxTestClock";

type Outcome = { status: string; ref: number };
type Handle = (entry: OutboxEntry, signal: AbortSignal) => Promise<HandlerResult<Outcome>>;

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Waits (in real time, polling) until `condition` holds; fails after `limitMs` with what it was waiting for. */
async function until(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function refOf(entry: OutboxEntry): number {
  return (entry.data as { payload: { ref: number } }).payload.ref;
}

function data(ref: number): { payload: { ref: number }; topic: string } {
  return { payload: { ref }, topic: `t${ref}` };
}

/** A node as the adapter will make it: it hands each outcome on (records it) and then marks it delivered. */
class Owner {
  readonly delivered: Delivery<Outcome>[] = [];
  calls = 0;
  constructor(
    readonly dispatcher: Dispatcher<Outcome>,
    readonly id: string,
    private readonly handle: Handle,
  ) {}

  attach(): this {
    this.dispatcher.attach(this.id, {
      handle: (entry, signal) => {
        this.calls++;
        return this.handle(entry, signal);
      },
      deliver: (delivery) => {
        this.delivered.push(delivery);
        this.dispatcher.markDelivered(delivery.id);
      },
    });
    return this;
  }

  refs(): number[] {
    return this.delivered.map((d) => (d.data as { payload: { ref: number } }).payload.ref);
  }
}

const accepted = (entry: OutboxEntry): Promise<HandlerResult<Outcome>> =>
  Promise.resolve({ type: "final", outcome: { status: "ACCEPTED", ref: refOf(entry) } });

describe("core/outbox Dispatcher", () => {
  let dir: string;
  let file: string;
  let clock: ManualClock;
  let warnings: string[];
  const open: Dispatcher<Outcome>[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
  };

  async function start(
    options: Partial<DispatcherOptions> = {},
    breakerOptions = {},
  ): Promise<{ dispatcher: Dispatcher<Outcome>; journal: Journal; breaker: CircuitBreaker }> {
    const journal = await Journal.open(file, { warn });
    const breaker = new CircuitBreaker({ clock, ...breakerOptions });
    const dispatcher = new Dispatcher<Outcome>({ journal, breaker, clock, warn, ...options });
    open.push(dispatcher);
    return { dispatcher, journal, breaker };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "fla-outbox-dispatch-"));
    file = join(dir, "fla-outbox", "config-1.journal");
    clock = new ManualClock();
    warnings = [];
  });
  afterEach(async () => {
    for (const dispatcher of open.splice(0)) await dispatcher.close(100);
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs at most maxConcurrent handlers, in order of acceptance, and each entry ends once", async () => {
    const { dispatcher, journal } = await start({ maxConcurrent: 3 });
    let running = 0;
    let most = 0;
    const owner = new Owner(dispatcher, "node-1", async (entry) => {
      running++;
      most = Math.max(most, running);
      await immediate();
      await immediate();
      running--;
      return accepted(entry);
    }).attach();
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) => dispatcher.accept("node-1", { kind: "declare", data: data(i) })),
    );
    assert.deepEqual(
      ids,
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    await until(() => owner.delivered.length === 30, "30 outcomes");
    assert.equal(most, 3);
    assert.equal(owner.calls, 30);
    assert.deepEqual(
      owner.refs(),
      Array.from({ length: 30 }, (_, i) => i),
      "FIFO",
    );
    assert.ok(owner.delivered.every((d) => d.outcome?.status === "ACCEPTED" && !d.resumed && d.attempts === 1));
    await journal.flushed();
    assert.equal(dispatcher.pending("node-1"), 0);
    assert.equal(journal.stats.entries, 0);
  });

  it("refuses an entry beyond maxQueue with FLA_QUEUE_FULL, at accept time", async () => {
    const { dispatcher } = await start({ maxQueue: 5 });
    for (let i = 0; i < 5; i++) await dispatcher.accept("node-1", { kind: "declare", data: data(i) });
    await assert.rejects(
      dispatcher.accept("node-1", { kind: "declare", data: data(5) }),
      (error: unknown) => error instanceof FlaError && error.code === "FLA_QUEUE_FULL",
    );
    assert.equal(dispatcher.pending("node-1"), 5);
    assert.equal(dispatcher.stats.waiting, 5);
  });

  it("redeploy: detach keeps the queue and lets in-flight handlers finish; the next attach sends the rest and hands on what finished meanwhile", async () => {
    const { dispatcher, journal } = await start({ maxConcurrent: 4 });
    const sent = new Map<number, number>();
    const slow: Handle = async (entry) => {
      sent.set(refOf(entry), (sent.get(refOf(entry)) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return accepted(entry);
    };
    const before = new Owner(dispatcher, "node-1", slow).attach();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => dispatcher.accept("node-1", { kind: "declare", data: data(i) })),
    );
    await until(() => before.delivered.length >= 20, "20 outcomes before the redeploy");
    await dispatcher.detach("node-1");
    const callsBefore = before.calls;
    await journal.flushed();
    await immediate();
    assert.equal(before.calls, callsBefore, "nothing is sent for a detached node");
    assert.ok(dispatcher.pending("node-1") > 0);

    const after = new Owner(dispatcher, "node-1", slow).attach();
    await until(() => before.delivered.length + after.delivered.length === 200, "200 outcomes in all");
    const all = [...before.refs(), ...after.refs()].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 200 }, (_, i) => i),
      "each entry handed on exactly once",
    );
    assert.ok(
      [...sent.values()].every((count) => count === 1),
      "nothing sent twice",
    );
    assert.ok(
      after.delivered.every((d) => d.resumed),
      "what the new node hands on was accepted by the old one",
    );
    await journal.flushed();
    assert.equal(journal.stats.entries, 0);
  });

  it("restart: entries accepted before a close are sent after the next start; an attempt cut short comes back interrupted unless idempotent", async () => {
    const first = await start();
    const stuck = new Owner(
      first.dispatcher,
      "node-1",
      (_entry, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))),
    ).attach();
    await first.dispatcher.accept("node-1", { kind: "declare", data: data(1) });
    await first.dispatcher.accept("node-1", { kind: "declare", data: data(2), idempotent: true });
    for (let i = 3; i <= 20; i++) await first.dispatcher.accept("node-1", { kind: "declare", data: data(i) });
    await until(() => stuck.calls === 4, "4 handlers running");
    await first.dispatcher.close(10);
    open.splice(open.indexOf(first.dispatcher), 1);

    const second = await start();
    const seen: OutboxEntry[] = [];
    const owner = new Owner(second.dispatcher, "node-1", (entry) => {
      seen.push(entry);
      return accepted(entry);
    }).attach();
    await until(() => owner.delivered.length === 20, "20 outcomes after the restart");
    const byRef = new Map(seen.map((entry) => [refOf(entry), entry]));
    assert.deepEqual(
      [byRef.get(1)!.interrupted, byRef.get(1)!.attempts],
      [true, 2],
      "not idempotent: it may have gone",
    );
    assert.deepEqual([byRef.get(2)!.interrupted], [false], "idempotent: simply sent again");
    assert.equal(byRef.get(3)!.interrupted, true);
    assert.equal(byRef.get(5)!.interrupted, false, "never started");
    assert.ok(owner.delivered.every((d) => d.resumed));
  });

  it("an outcome recorded but not marked delivered before a stop is handed on again at the next start (at-least-once), not sent again", async () => {
    const first = await start();
    let handed = 0;
    first.dispatcher.attach("node-1", { handle: accepted, deliver: () => handed++ }); // never marks delivered
    await first.dispatcher.accept("node-1", { kind: "declare", data: data(7) });
    await until(() => handed === 1, "the first hand-on");
    await first.dispatcher.close();
    open.splice(open.indexOf(first.dispatcher), 1);

    const second = await start();
    const owner = new Owner(second.dispatcher, "node-1", accepted).attach();
    await until(() => owner.delivered.length === 1, "the outcome again");
    assert.equal(owner.calls, 0, "not sent again");
    assert.deepEqual(owner.delivered[0].outcome, { status: "ACCEPTED", ref: 7 });
    assert.equal(owner.delivered[0].resumed, true);
    await second.journal.flushed();
    assert.equal(second.journal.stats.entries, 0);
  });

  it("moves the entries of owners that no longer exist to the orphans file, and only those", async () => {
    const { dispatcher } = await start();
    for (let i = 0; i < 3; i++) await dispatcher.accept("gone", { kind: "declare", data: data(i) });
    await dispatcher.accept("kept", { kind: "declare", data: data(10) });
    const orphans = join(dir, "fla-outbox", "config-1.orphans.jsonl");
    const moved = await dispatcher.moveOrphans(["kept"], orphans);
    assert.deepEqual([...moved], [["gone", 3]]);
    assert.equal(dispatcher.pending("gone"), 0);
    assert.equal(dispatcher.pending("kept"), 1);
    const lines = readFileSync(orphans, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((line) => line.data.payload.ref),
      [0, 1, 2],
    );
    const owner = new Owner(dispatcher, "gone", accepted).attach();
    await immediate();
    assert.equal(owner.calls, 0);
  });

  it("retries an entry that fails while the platform is up with a growing backoff, and ends it with its last outcome after maxAttempts", async () => {
    const { dispatcher } = await start({ maxAttempts: 3, maxBackoffMs: 4000 }, { threshold: 100 });
    const owner = new Owner(dispatcher, "node-1", async (entry) => ({
      type: "retry",
      outcome: { status: "HTTP_500", ref: refOf(entry) },
    })).attach();
    await dispatcher.accept("node-1", { kind: "declare", data: data(1) });
    await until(() => owner.calls === 1, "the first attempt");
    await until(() => dispatcher.stats.inFlight === 0, "the first attempt's end");
    await immediate();
    clock.advance(999);
    await immediate();
    assert.equal(owner.calls, 1, "waits 1 s");
    await until(() => clock.pendingTimers > 0, "the backoff timer");
    clock.advance(1);
    await until(() => owner.calls === 2, "the second attempt");
    await until(() => clock.pendingTimers > 0, "the backoff timer");
    clock.advance(2000);
    await until(() => owner.delivered.length === 1, "the end");
    assert.equal(owner.calls, 3);
    assert.deepEqual(owner.delivered[0].outcome, { status: "HTTP_500", ref: 1 });
  });

  it("an outage: a bounded number of calls while the platform is down, no entry fails, all succeed after", async function () {
    this.timeout(60_000);
    const { dispatcher, breaker } = await start(
      { maxConcurrent: 16 },
      { threshold: 5, firstProbeMs: 1000, maxProbeMs: 30_000 },
    );
    let down = true;
    let callsWhileDown = 0;
    const owner = new Owner(dispatcher, "node-1", async (entry) => {
      if (down) {
        callsWhileDown++;
        return { type: "retry", outcome: { status: "HTTP_503", ref: refOf(entry) }, retryAfterMs: 2000 };
      }
      return accepted(entry);
    }).attach();
    const states = new Set<string>();
    breaker.onChange((snapshot) => states.add(snapshot.state));
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => dispatcher.accept("node-1", { kind: "declare", data: data(i) })),
    );
    await until(() => breaker.state === "open", "the breaker to open");
    const outageEnd = clock.now() + 45_000;
    while (clock.now() < outageEnd) {
      await until(() => dispatcher.stats.inFlight === 0, "the calls in flight");
      await immediate();
      clock.advance(250);
    }
    down = false;
    assert.equal(owner.delivered.length, 0, "no entry failed during the outage");
    assert.ok(callsWhileDown <= 16 + 10, `${callsWhileDown} calls while down`);
    while (owner.delivered.length < 500) {
      await until(() => dispatcher.stats.inFlight === 0, "the calls in flight");
      await immediate();
      clock.advance(250);
    }
    assert.ok(owner.delivered.every((d) => d.outcome?.status === "ACCEPTED"));
    assert.equal(new Set(owner.refs()).size, 500);
    assert.equal(owner.calls, callsWhileDown + 500);
    assert.deepEqual([...states].sort(), ["closed", "half-open", "open"]);
  });

  it("ends an entry with FLA_UNAVAILABLE at its give-up time, even while the breaker holds everything back", async () => {
    const { dispatcher } = await start(
      { giveUpMs: 10 * 60_000 },
      { threshold: 1, firstProbeMs: 1000, maxProbeMs: 60_000 },
    );
    const owner = new Owner(dispatcher, "node-1", async (entry) => ({
      type: "retry",
      outcome: { status: "HTTP_503", ref: refOf(entry) },
    })).attach();
    for (let i = 0; i < 3; i++) await dispatcher.accept("node-1", { kind: "declare", data: data(i) });
    for (let minute = 0; minute < 11 && owner.delivered.length < 3; minute++) {
      for (let step = 0; step < 12; step++) {
        await until(() => dispatcher.stats.inFlight === 0, "the calls in flight");
        await immediate();
        clock.advance(5000);
      }
    }
    await until(() => owner.delivered.length === 3, "three ends");
    assert.ok(
      owner.delivered.every((d) => d.error?.code === "FLA_UNAVAILABLE"),
      JSON.stringify(owner.delivered.map((d) => d.error?.code)),
    );
    assert.match(owner.delivered[0].error!.message, /stayed unavailable/);
    assert.ok(owner.calls <= 20, `${owner.calls} calls in 10 minutes of outage`);
  });
});

describe("core/outbox Dispatcher, the handler's answers", () => {
  let clock: ManualClock;
  const open: Dispatcher<Outcome>[] = [];
  beforeEach(() => {
    clock = new ManualClock();
  });
  afterEach(async () => {
    for (const dispatcher of open.splice(0)) await dispatcher.close(100);
  });

  /** In memory (no user directory): the same life, without a file. */
  async function start(
    options: Partial<DispatcherOptions> = {},
    breakerOptions = {},
  ): Promise<{ dispatcher: Dispatcher<Outcome>; breaker: CircuitBreaker; journal: Journal }> {
    const journal = await Journal.open(undefined);
    const breaker = new CircuitBreaker({ clock, ...breakerOptions });
    const dispatcher = new Dispatcher<Outcome>({ journal, breaker, clock, warn: () => undefined, ...options });
    open.push(dispatcher);
    return { dispatcher, breaker, journal };
  }

  it("a throw ends the entry: a FlaError as it is, anything else as FLA_UNCERTAIN", async () => {
    const { dispatcher, journal } = await start();
    const owner = new Owner(dispatcher, "node-1", async (entry) => {
      if (refOf(entry) === 1) throw new FlaError("FLA_AUTH", "refused");
      throw new TypeError("a bug");
    }).attach();
    await dispatcher.accept("node-1", { kind: "declare", data: data(1) });
    await dispatcher.accept("node-1", { kind: "declare", data: data(2) });
    await until(() => owner.delivered.length === 2, "two ends");
    assert.deepEqual(
      owner.delivered.map((d) => [refOf(d), d.error?.code]),
      [
        [1, "FLA_AUTH"],
        [2, "FLA_UNCERTAIN"],
      ],
    );
    assert.equal(journal.stats.entries, 0);
  });

  it("a final answer marked platformDown counts towards opening the breaker; a final 400-like answer does not", async () => {
    const { dispatcher, breaker } = await start({ maxConcurrent: 1 }, { threshold: 3 });
    let platformDown = false;
    const owner = new Owner(dispatcher, "node-1", async (entry) => ({
      type: "final",
      outcome: { status: platformDown ? "UNCERTAIN" : "REJECTED", ref: refOf(entry) },
      platformDown,
    })).attach();
    for (let i = 0; i < 5; i++) await dispatcher.accept("node-1", { kind: "declare", data: data(i) });
    await until(() => owner.delivered.length === 5, "five rejections");
    assert.equal(breaker.state, "closed");
    platformDown = true;
    for (let i = 5; i < 10; i++) await dispatcher.accept("node-1", { kind: "declare", data: data(i) });
    await until(() => owner.delivered.length === 8, "three uncertain ends");
    assert.equal(breaker.state, "open");
    assert.equal(dispatcher.stats.waiting, 2, "the others wait for the breaker");
    assert.equal(dispatcher.stats.breaker.openedAt, clock.now());
  });

  for (const report of ["success", "release"] as const) {
    it(`a retry whose breaker report is "${report}" (an unreadable answer, a token failure) backs off and uses up attempts, and never opens the breaker`, async () => {
      const { dispatcher, breaker } = await start({ maxAttempts: 3, maxBackoffMs: 4000 }, { threshold: 1 });
      const owner = new Owner(dispatcher, "node-1", async (entry) => ({
        type: "retry",
        outcome: { status: "UNREADABLE", ref: refOf(entry) },
        breaker: report,
      })).attach();
      await dispatcher.accept("node-1", { kind: "declare", data: data(1) });
      await until(
        () => owner.calls === 1 && dispatcher.stats.inFlight === 0 && clock.pendingTimers > 0,
        "the first attempt and its backoff",
      );
      assert.equal(breaker.state, "closed", "threshold 1: a failure report would have opened it");
      clock.advance(1000);
      await until(
        () => owner.calls === 2 && dispatcher.stats.inFlight === 0 && clock.pendingTimers > 0,
        "the second attempt and its backoff",
      );
      clock.advance(2000);
      await until(() => owner.delivered.length === 1, "the end after maxAttempts");
      assert.equal(owner.calls, 3);
      assert.deepEqual(owner.delivered[0].outcome, { status: "UNREADABLE", ref: 1 });
      assert.equal(breaker.state, "closed");
    });
  }

  it("detach resolves after the owner's handlers in flight have returned; their outcomes wait for the next attach", async () => {
    const { dispatcher } = await start({ maxConcurrent: 2 });
    const releases: (() => void)[] = [];
    const owner = new Owner(
      dispatcher,
      "node-1",
      (entry) =>
        new Promise((resolve) =>
          releases.push(() => resolve({ type: "final", outcome: { status: "ACCEPTED", ref: refOf(entry) } })),
        ),
    ).attach();
    for (let i = 0; i < 4; i++) await dispatcher.accept("node-1", { kind: "declare", data: data(i) });
    await until(() => releases.length === 2, "two handlers running");
    let detached = false;
    const detaching = dispatcher.detach("node-1").then(() => (detached = true));
    await immediate();
    assert.equal(detached, false, "waits for the handlers in flight");
    releases.forEach((release) => release());
    await detaching;
    assert.equal(owner.delivered.length, 0, "nothing handed on to a closed node");
    assert.equal(owner.calls, 2);
    const next = new Owner(dispatcher, "node-1", accepted).attach();
    await until(() => next.delivered.length === 4, "all four through the new node");
    assert.deepEqual(next.refs().sort(), [0, 1, 2, 3]);
    assert.equal(next.calls, 2, "the two finished ones are handed on, not sent again");
  });

  it("on close, a handler that answers retry after its signal aborted leaves the entry as never sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fla-outbox-abort-"));
    const file = join(dir, "c.journal");
    try {
      const journal = await Journal.open(file);
      const dispatcher = new Dispatcher<Outcome>({ journal, breaker: new CircuitBreaker({ clock }), clock });
      const owner = new Owner(
        dispatcher,
        "node-1",
        (entry, signal) =>
          new Promise((resolve) =>
            signal.addEventListener("abort", () =>
              resolve({ type: "retry", outcome: { status: "NOT_SENT", ref: refOf(entry) } }),
            ),
          ),
      ).attach();
      await dispatcher.accept("node-1", { kind: "declare", data: data(1) });
      await until(() => owner.calls === 1, "the handler running");
      await dispatcher.close(1);
      const reopened = await Journal.open(file);
      const [entry] = [...reopened.entries()];
      assert.deepEqual([entry.attempts, entry.interrupted, entry.failures], [1, false, 0]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
