import assert from "node:assert/strict";
import { FlaError } from "../../src/core/errors";
import { RequestLimiter } from "../../src/core/limiter";

/** A task that finishes when told to. */
function gate<T>(value: T): { task: () => Promise<T>; open: () => void; started: boolean } {
  let release!: () => void;
  const handle = {
    started: false,
    open: () => release(),
    task: () => {
      handle.started = true;
      return new Promise<T>((resolve) => {
        release = () => resolve(value);
      });
    },
  };
  return handle;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("core/limiter RequestLimiter", () => {
  it("whenIdle: after close, resolves once the last task in flight has ended (at once when none runs)", async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 2 });
    await limiter.whenIdle();
    const first = gate(1);
    const second = gate(2);
    const running = [limiter.run(first.task), limiter.run(second.task)];
    const queued = limiter.run(async () => 3);
    limiter.close();
    await assert.rejects(queued, (error: FlaError) => error.code === "FLA_ABORTED");
    let idle = false;
    const whenIdle = limiter.whenIdle().then(() => (idle = true));
    first.open();
    await tick();
    assert.equal(idle, false, "one task still runs");
    second.open();
    await whenIdle;
    assert.deepEqual(await Promise.all(running), [1, 2]);
  });

  it("runs at most maxConcurrent tasks, the others in arrival order", async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 2 });
    const order: number[] = [];
    const gates = Array.from({ length: 5 }, (_, i) => gate(i));
    const results = gates.map((g, i) =>
      limiter.run(async () => {
        order.push(i);
        return g.task();
      }),
    );
    await tick();
    assert.deepEqual(order, [0, 1]);
    assert.deepEqual(limiter.stats, { inFlight: 2, queued: 3 });
    gates[1].open();
    await tick();
    assert.deepEqual(order, [0, 1, 2]);
    gates[0].open();
    await tick();
    assert.deepEqual(order, [0, 1, 2, 3]);
    gates[2].open();
    gates[3].open();
    await tick();
    gates[4].open();
    assert.deepEqual(await Promise.all(results), [0, 1, 2, 3, 4]);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.deepEqual(limiter.stats, { inFlight: 0, queued: 0 });
  });

  it("passes a task's rejection through and frees its slot", async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 1 });
    const failing = limiter.run(() => Promise.reject(new Error("boom")));
    const throwing = limiter.run(() => {
      throw new Error("sync boom");
    });
    const next = limiter.run(async () => "ok");
    await assert.rejects(failing, /boom/);
    await assert.rejects(throwing, /sync boom/);
    assert.equal(await next, "ok");
  });

  it("refuses at once with FLA_QUEUE_FULL when the queue is at its bound, and accepts again once it drains", async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 1, maxQueue: 2 });
    const first = gate("a");
    const running = limiter.run(first.task);
    const queued = [limiter.run(async () => "b"), limiter.run(async () => "c")];
    await assert.rejects(
      limiter.run(async () => "d"),
      (error: FlaError) => error.code === "FLA_QUEUE_FULL" && /queue is full/.test(error.message),
    );
    first.open();
    assert.deepEqual(await Promise.all([running, ...queued]), ["a", "b", "c"]);
    assert.equal(await limiter.run(async () => "e"), "e");
  });

  it("close() rejects every queued task with FLA_ABORTED, lets running ones finish and refuses new ones", async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 1 });
    const first = gate("done");
    const running = limiter.run(first.task);
    const queued = [limiter.run(async () => 1), limiter.run(async () => 2)];
    limiter.close();
    for (const promise of queued) await assert.rejects(promise, (error: FlaError) => error.code === "FLA_ABORTED");
    await assert.rejects(
      limiter.run(async () => 3),
      (error: FlaError) => error.code === "FLA_ABORTED",
    );
    first.open();
    assert.equal(await running, "done");
    assert.deepEqual(limiter.stats, { inFlight: 0, queued: 0 });
  });

  it("takes a task whose signal aborts out of the queue, and keeps the order of the others", async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 1, maxQueue: 2 });
    const first = gate("a");
    const running = limiter.run(first.task);
    const controller = new AbortController();
    let abandonedRan = false;
    const abandoned = limiter.run(async () => {
      abandonedRan = true;
      return "b";
    }, controller.signal);
    const kept = limiter.run(async () => "c");
    controller.abort();
    await assert.rejects(abandoned, (error: FlaError) => error.code === "FLA_ABORTED");
    assert.deepEqual(limiter.stats, { inFlight: 1, queued: 1 });
    const third = limiter.run(async () => "d");
    first.open();
    assert.deepEqual(await Promise.all([running, kept, third]), ["a", "c", "d"]);
    assert.equal(abandonedRan, false);
    assert.deepEqual(limiter.stats, { inFlight: 0, queued: 0 });
    await assert.rejects(
      limiter.run(async () => "e", controller.signal),
      (error: FlaError) => error.code === "FLA_ABORTED",
    );
  });

  it("drains a full 10,000 queue in order", async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 4, maxQueue: 10_000 });
    const first = Array.from({ length: 4 }, () => gate(-1));
    const running = first.map((g) => limiter.run(g.task));
    const finished: number[] = [];
    const queued = Array.from({ length: 10_000 }, (_, i) =>
      limiter.run(async () => {
        finished.push(i);
        return i;
      }),
    );
    assert.equal(limiter.stats.queued, 10_000);
    await assert.rejects(
      limiter.run(async () => 0),
      (error: FlaError) => error.code === "FLA_QUEUE_FULL",
    );
    first.forEach((g) => g.open());
    await Promise.all([...running, ...queued]);
    assert.equal(finished.length, 10_000);
    assert.ok(
      finished.every((value, index) => value === index),
      "FIFO order",
    );
  });

  it("refuses a bad configuration", () => {
    assert.throws(
      () => new RequestLimiter({ maxConcurrent: 0 }),
      (error: FlaError) => error.code === "FLA_CONFIG",
    );
    assert.throws(
      () => new RequestLimiter({ maxQueue: 1.5 }),
      (error: FlaError) => error.code === "FLA_CONFIG",
    );
  });
});
