/**
 * Reads through the config node's circuit breaker, against the simulator over HTTP: during an outage the
 * reads wait instead of each burning its attempts, one probe goes at a time, and when the platform answers again the
 * waiting reads go. A 404 (a failure of one request) never opens the circuit.
 */
import assert from "node:assert/strict";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { CircuitBreaker } from "../../src/core/outbox";
import { SEED } from "../../src/simulator";
import { startEmployerAndProvider, type EmployerAndProvider } from "./apiSimulatorSetup";
import { waitUntil } from "../load/support";
import { buildRequest } from "../../src/core/api/catalogue";

describe("core: reads through the circuit breaker (simulator over HTTP)", function () {
  this.timeout(30_000);
  let setup: EmployerAndProvider;
  let breaker: CircuitBreaker;
  let client: FlaApiClient;

  beforeEach(async () => {
    setup = await startEmployerAndProvider();
    breaker = new CircuitBreaker({ threshold: 3, firstProbeMs: 200, maxProbeMs: 400 });
    client = new FlaApiClient({
      apiUrl: setup.sim.apiUrl,
      tokens: setup.employer.tokens,
      timeoutMs: 5_000,
      retry: { attempts: 1 },
      breaker,
    });
  });
  afterEach(async () => {
    breaker.dispose();
    client.destroy();
    await setup.stop();
  });

  const reads = (): number => setup.sim.stats.byRoute["GET /trainings"] ?? 0;
  const list = () => client.send(buildRequest("trainings", { enterpriseNumber: SEED.demoEmployer, pageSize: 1 }));

  it("during an outage the reads wait (tens of requests, not one per read) and go through once the platform answers", async () => {
    setup.sim.faults.add({ route: "GET /trainings", kind: "status", status: 503 });
    const before = reads();
    // The first two fail as before; the third opens the circuit and, like every read after it, waits for it.
    const opening = [list(), list(), list()].map((read) =>
      read.then(
        () => "answered",
        (error: { code?: string }) => String(error.code),
      ),
    );
    await waitUntil(() => breaker.state === "open", 5_000, "the circuit to open");
    const waiting = Array.from({ length: 40 }, () => list());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const duringOutage = reads() - before;
    assert.ok(duringOutage < 15, `a probe at a time, not 40 reads: ${duringOutage} requests`);
    setup.sim.faults.clear();
    const answers = await Promise.all(waiting);
    assert.ok(
      answers.every((answer) => answer.httpStatus === 200),
      "every waiting read is answered after the outage",
    );
    assert.deepEqual((await Promise.all(opening)).sort(), ["FLA_HTTP", "FLA_HTTP", "answered"]);
    await waitUntil(() => breaker.state === "closed", 2_000, "the circuit to close");
  });

  it("answers of the platform, even 404, never open the circuit", async () => {
    for (let i = 0; i < 6; i++) {
      const answer = await client.send(buildRequest("training", { trainingId: `UNKNOWN-${i}` }));
      assert.equal(answer.httpStatus, 404);
    }
    assert.equal(breaker.state, "closed");
    assert.equal(breaker.snapshot().consecutiveFailures, 0);
  });
});
