import assert from "node:assert/strict";
import { FlaError } from "../../src/core/errors";
import { BreakerSnapshot, CircuitBreaker } from "../../src/core/outbox/breaker";
import { ManualClock } from "./outboxTestClock";

function failMany(breaker: CircuitBreaker, count: number, retryAfterMs?: number): void {
  for (let i = 0; i < count; i++) breaker.tryAcquire()!.failure(retryAfterMs);
}

describe("core/outbox CircuitBreaker", () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });

  it("opens after `threshold` consecutive platform-down failures; a success in between starts the count again", () => {
    const breaker = new CircuitBreaker({ threshold: 3, clock });
    failMany(breaker, 2);
    breaker.tryAcquire()!.success();
    failMany(breaker, 2);
    assert.equal(breaker.state, "closed");
    breaker.tryAcquire()!.failure();
    assert.equal(breaker.state, "open");
    assert.equal(breaker.openedAt, clock.now());
    assert.equal(breaker.tryAcquire(), undefined, "nothing goes while open");
  });

  it("lets one probe go at growing intervals, capped, and closes on its success", () => {
    const breaker = new CircuitBreaker({ threshold: 1, firstProbeMs: 1000, maxProbeMs: 5000, clock });
    const openedAt = clock.now();
    breaker.tryAcquire()!.failure();
    const waits: number[] = [];
    let last = clock.now();
    for (let round = 0; round < 5; round++) {
      // step 100 ms at a time until the probe may go
      while (breaker.state === "open") clock.advance(100);
      waits.push(clock.now() - last);
      assert.equal(breaker.state, "half-open");
      const probe = breaker.tryAcquire()!;
      assert.equal(probe.probe, true);
      assert.equal(breaker.tryAcquire(), undefined, "one probe at a time");
      last = clock.now();
      probe.failure();
      assert.equal(breaker.state, "open");
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 5000, 5000]);
    assert.equal(breaker.openedAt, openedAt, "openedAt is the start of the outage");
    while (breaker.state === "open") clock.advance(100);
    breaker.tryAcquire()!.success();
    assert.equal(breaker.state, "closed");
    assert.equal(breaker.openedAt, undefined);
    assert.ok(breaker.tryAcquire() && breaker.tryAcquire(), "everything goes again");
    // a new outage starts from the first interval again
    breaker.tryAcquire()!.failure();
    assert.equal(breaker.snapshot().nextProbeAt, clock.now() + 1000);
  });

  it("honours a Retry-After longer than its own interval, within the cap", () => {
    const breaker = new CircuitBreaker({ threshold: 2, firstProbeMs: 1000, maxProbeMs: 60_000, clock });
    failMany(breaker, 2, 30_000);
    assert.equal(breaker.snapshot().nextProbeAt, clock.now() + 30_000);
    clock.advance(30_000);
    breaker.tryAcquire()!.failure(10 * 60_000);
    assert.equal(breaker.snapshot().nextProbeAt, clock.now() + 60_000, "capped");
  });

  it("does not count again the failures of requests already on the wire when it opened", () => {
    const breaker = new CircuitBreaker({ threshold: 2, firstProbeMs: 1000, clock });
    const inFlight = [1, 2, 3, 4].map(() => breaker.tryAcquire()!);
    inFlight[0].failure();
    inFlight[1].failure();
    const nextProbeAt = breaker.snapshot().nextProbeAt;
    inFlight[2].failure();
    inFlight[3].failure();
    assert.equal(breaker.snapshot().nextProbeAt, nextProbeAt);
    clock.advance(1000);
    assert.equal(breaker.state, "half-open");
  });

  it("a released probe lets another caller probe; a late success of an old request closes it", () => {
    const breaker = new CircuitBreaker({ threshold: 1, clock });
    const straggler = breaker.tryAcquire()!;
    breaker.tryAcquire()!.failure();
    clock.advance(1000);
    const probe = breaker.tryAcquire()!;
    probe.release();
    const second = breaker.tryAcquire()!;
    assert.equal(second.probe, true);
    second.release();
    straggler.success();
    assert.equal(breaker.state, "closed");
  });

  it("reports each change; acquire and waitUntilClosed wait, give the probe to one waiter, and stop on abort", async () => {
    const breaker = new CircuitBreaker({ threshold: 1, firstProbeMs: 1000, clock });
    const seen: BreakerSnapshot[] = [];
    breaker.onChange((snapshot) => seen.push(snapshot));
    breaker.tryAcquire()!.failure();
    const closed = breaker.waitUntilClosed();
    const first = breaker.acquire();
    const second = breaker.acquire();
    const controller = new AbortController();
    const abandoned = breaker.acquire(controller.signal);
    controller.abort();
    await assert.rejects(abandoned, (error: unknown) => error instanceof FlaError && error.code === "FLA_ABORTED");
    clock.advance(1000);
    const probe = await first;
    assert.equal(probe.probe, true);
    probe.success();
    const after = await second;
    assert.equal(after.probe, false);
    await closed;
    assert.deepEqual(
      seen.map((s) => s.state),
      ["open", "half-open", "closed"],
    );
    breaker.tryAcquire()!.failure();
    const waiting = breaker.waitUntilClosed();
    breaker.dispose();
    await assert.rejects(waiting, /FLA platform to be available/);
    assert.equal(clock.pendingTimers, 0, "dispose stops the probe timer");
  });
});
