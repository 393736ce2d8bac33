/**
 * The breaker honours the platform's Retry-After (outbox/breaker.ts), end to end: a real 503 with `Retry-After: N`
 * from the simulator, read by the outbox's one-attempt client, handed by sendDeclaration to the dispatcher, which
 * reports it to the breaker. The breaker must stay open N seconds (no request meanwhile) and let one probe go after.
 * Time is the test clock's (outboxTestClock.ts): nothing sleeps; only the HTTP exchanges run in real time.
 */
import assert from "node:assert/strict";
import { FlaApiClient } from "../../src/core/api/httpClient";
import {
  DECLARATION_KIND,
  sendDeclaration,
  type DeclarationData,
  type StoredOutcome,
} from "../../src/core/declare/outboxDeclaration";
import { CircuitBreaker } from "../../src/core/outbox/breaker";
import { Delivery, Dispatcher } from "../../src/core/outbox/dispatcher";
import { Journal } from "../../src/core/outbox/journal";
import { SEED } from "../../src/simulator";
import { getTestCertificates } from "../support/certificates";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { loadTraining } from "../load/support";
import { connect } from "./apiSimulatorSetup";
import { ManualClock } from "./outboxTestClock";

const POST = "POST /trainings";
const OWNER = "declare-node";

/** Lets the event loop run the work the clock released (no time passes on the test clock). */
const turns = async (count = 20): Promise<void> => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Waits for a real exchange with the simulator to end, polling; fails naming what it waited for. */
async function until(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("core/outbox breaker: a 503 with Retry-After keeps it open that long, then one probe goes", function () {
  this.timeout(30_000);
  let sim: TestSimulator;
  let client: FlaApiClient;
  let clock: ManualClock;
  let breaker: CircuitBreaker;
  let dispatcher: Dispatcher<StoredOutcome>;
  let delivered: Delivery<StoredOutcome>[];
  let serial = 0;

  before(async () => {
    const certs = await getTestCertificates();
    sim = await startTestSimulator(certs.client.certificatePem);
    const { tokens } = connect(sim, sim.client, certs.client);
    // As the config node makes it for its outbox: one attempt per call, the dispatcher owns the retries.
    client = new FlaApiClient({ apiUrl: sim.apiUrl, tokens, timeoutMs: 5000, retry: { attempts: 1 } });
  });
  after(async () => {
    client.destroy();
    await sim.stop();
  });
  afterEach(async () => {
    sim.faults.clear();
    await dispatcher.close(1000);
    breaker.dispose();
  });

  async function start(threshold: number): Promise<void> {
    clock = new ManualClock(Date.now());
    breaker = new CircuitBreaker({ threshold, firstProbeMs: 1000, maxProbeMs: 5 * 60_000, clock });
    dispatcher = new Dispatcher<StoredOutcome>({
      journal: await Journal.open(undefined),
      breaker,
      clock,
      maxBackoffMs: 60_000,
    });
    delivered = [];
    const deps = {
      client,
      validation: { role: "employer" as const, defaultEnterpriseNumber: SEED.demoEmployer },
      waitForResult: false,
      pollTimeoutMs: 0,
    };
    dispatcher.attach(OWNER, {
      handle: (entry) => sendDeclaration(entry, deps),
      deliver: (delivery) => {
        delivered.push(delivery);
        dispatcher.markDelivered(delivery.id);
      },
    });
  }

  const posts = (): number => sim.stats.byRoute[POST] ?? 0;
  const declaration = (): { kind: string; data: DeclarationData; idempotent: boolean } => {
    serial++;
    return {
      kind: DECLARATION_KIND,
      data: {
        operation: "createTraining",
        msg: { payload: loadTraining(serial, `RETRY-AFTER-${process.pid}-${serial}`) },
      },
      idempotent: true,
    };
  };

  for (const seconds of [30, 120]) {
    it(`Retry-After: ${seconds} → open ${seconds} s with no request, then one probe, which succeeds and closes it`, async () => {
      await start(1);
      sim.faults.add({ route: POST, kind: "status", status: 503, retryAfter: seconds, times: 1 });
      const before = posts();
      const failedAt = clock.now();
      await dispatcher.accept(OWNER, declaration());
      await until(() => breaker.state === "open", "the 503 to open the breaker");
      assert.equal(posts() - before, 1);
      assert.equal(
        breaker.snapshot().nextProbeAt,
        failedAt + seconds * 1000,
        "the probe is due when the platform said, not at the 1 s first probe",
      );

      // A second declaration meanwhile waits too: nothing goes while the platform asked for time.
      await dispatcher.accept(OWNER, declaration());
      for (const step of [1000, (seconds * 1000) / 2 - 1000, (seconds * 1000) / 2 - 1]) {
        clock.advance(step);
        await turns();
        assert.equal(breaker.state, "open", `still open ${clock.now() - failedAt} ms after the 503`);
        assert.equal(posts() - before, 1, "no request while open");
      }
      assert.equal(delivered.length, 0, "nothing ended while open");

      clock.advance(1);
      await until(() => delivered.length === 2, "the probe and the declaration behind it");
      assert.equal(posts() - before, 3, "the first declaration once more (the probe), then the second");
      assert.equal(breaker.state, "closed");
      for (const delivery of delivered) {
        assert.equal(delivery.outcome?.output, "success", JSON.stringify(delivery.outcome));
        assert.match(String(delivery.outcome?.fla.status), /^ACCEPTED/);
      }
    });
  }

  it("a probe answered 503 with a new Retry-After opens it again for that long", async () => {
    await start(1);
    sim.faults.add({ route: POST, kind: "status", status: 503, retryAfter: 10, times: 1 });
    sim.faults.add({ route: POST, kind: "status", status: 503, retryAfter: 90, times: 1 });
    const before = posts();
    await dispatcher.accept(OWNER, declaration());
    await until(() => breaker.state === "open", "the first 503");
    clock.advance(10_000);
    await until(() => posts() - before === 2 && breaker.state === "open", "the probe's 503");
    const probedAt = clock.now();
    assert.equal(breaker.snapshot().nextProbeAt, probedAt + 90_000);
    clock.advance(89_999);
    await turns();
    assert.equal(posts() - before, 2, "no request before the second Retry-After ends");
    clock.advance(1);
    await until(() => delivered.length === 1, "the second probe");
    assert.equal(delivered[0].outcome?.output, "success");
    assert.equal(posts() - before, 3);
  });
});
