/**
 * One resend rule for the direct path and the outbox (outbox/resendDecision.ts).
 *
 * The first table is the rule itself. The second sends real requests to the simulator with real faults: a client with
 * two attempts (the direct path) and a client with one (the outbox's, whose dispatcher owns the retries). For each
 * fault, with and without an externalReference, the outbox must retry exactly when the direct client sent the request
 * a second time, and the breaker must hear what happened.
 */
import assert from "node:assert/strict";
import { buildRequest } from "../../src/core/api/catalogue";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { isFlaError } from "../../src/core/errors";
import {
  outboxFailureDecision,
  resendDecision,
  type OutboxFailureDecision,
  type ResendDecision,
} from "../../src/core/outbox/resendDecision";
import type { FaultSpec } from "../../src/simulator/types";
import { getTestCertificates } from "../support/certificates";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { loadTraining } from "../load/support";
import { connect } from "./apiSimulatorSetup";

describe("core/outbox resendDecision: the rule", () => {
  const table: Array<[retryable: boolean, mayHaveReached: boolean, duplicateSafe: boolean, expected: ResendDecision]> =
    [
      [false, false, false, "final"],
      [false, false, true, "final"],
      [false, true, false, "final"],
      [false, true, true, "final"],
      [true, false, false, "resend"],
      [true, false, true, "resend"],
      [true, true, false, "uncertain"],
      [true, true, true, "resend"],
    ];
  for (const [retryable, mayHaveReached, duplicateSafe, expected] of table) {
    it(`retryable ${retryable}, may have reached ${mayHaveReached}, duplicate-safe ${duplicateSafe} → ${expected}`, () => {
      assert.equal(resendDecision({ retryable, mayHaveReached }, duplicateSafe), expected);
    });
  }
});

interface Row {
  name: string;
  fault: FaultSpec;
  /** Requests of the faulted route that the fault costs one more of, when resent. */
  route: "POST /trainings" | "token";
  /** Client timeout (a "slow" fault longer than it is a timeout). */
  timeoutMs?: number;
  /** The outbox's decision, with and without an externalReference. */
  withReference: OutboxFailureDecision;
  withoutReference: OutboxFailureDecision;
  /**
   * Whether the direct client sends it a second time, when that differs from the outbox: after a failed token request
   * the token cache holds every caller back for longer than the client's own backoff, so the direct path ends at once,
   * while the outbox tries again after its own backoff (the API was never called: nothing can be recorded twice).
   */
  directResends?: boolean;
}

const POST = "POST /trainings";
const RESEND_DOWN: OutboxFailureDecision = { type: "retry", breaker: "failure" };
const UNCERTAIN_DOWN: OutboxFailureDecision = { type: "final", breaker: "failure" };

const ROWS: Row[] = [
  {
    name: "500 after recording",
    fault: { route: POST, kind: "status", status: 500, phase: "after", times: 1 },
    route: POST,
    withReference: RESEND_DOWN,
    withoutReference: UNCERTAIN_DOWN,
  },
  {
    name: "502 before",
    fault: { route: POST, kind: "status", status: 502, times: 1 },
    route: POST,
    withReference: RESEND_DOWN,
    withoutReference: UNCERTAIN_DOWN,
  },
  {
    name: "504 before",
    fault: { route: POST, kind: "status", status: 504, times: 1 },
    route: POST,
    withReference: RESEND_DOWN,
    withoutReference: UNCERTAIN_DOWN,
  },
  {
    name: "503 with Retry-After (not handled)",
    fault: { route: POST, kind: "status", status: 503, retryAfter: 0, times: 1 },
    route: POST,
    withReference: RESEND_DOWN,
    withoutReference: RESEND_DOWN,
  },
  {
    name: "429 (not handled)",
    fault: { route: POST, kind: "status", status: 429, times: 1 },
    route: POST,
    withReference: RESEND_DOWN,
    withoutReference: RESEND_DOWN,
  },
  {
    name: "reset before recording",
    fault: { route: POST, kind: "reset", times: 1 },
    route: POST,
    withReference: RESEND_DOWN,
    withoutReference: UNCERTAIN_DOWN,
  },
  {
    name: "reset after recording",
    fault: { route: POST, kind: "reset", phase: "after", times: 1 },
    route: POST,
    withReference: RESEND_DOWN,
    withoutReference: UNCERTAIN_DOWN,
  },
  {
    name: "timeout (answer slower than the client waits)",
    fault: { route: POST, kind: "slow", delayMs: 700, times: 1 },
    route: POST,
    timeoutMs: 300,
    withReference: RESEND_DOWN,
    withoutReference: UNCERTAIN_DOWN,
  },
  {
    name: "malformed 200 after recording",
    fault: { route: POST, kind: "malformed", phase: "after", times: 1 },
    route: POST,
    withReference: { type: "retry", breaker: "success" },
    withoutReference: { type: "final", breaker: "success" },
  },
  {
    name: "malformed 201 before",
    fault: { route: POST, kind: "malformed", status: 201, times: 1 },
    route: POST,
    withReference: { type: "retry", breaker: "success" },
    withoutReference: { type: "final", breaker: "success" },
  },
  {
    name: "token endpoint 503 (the API not called: safe to resend)",
    fault: { route: "token", kind: "status", status: 503, times: 1 },
    route: "token",
    withReference: RESEND_DOWN,
    withoutReference: RESEND_DOWN,
    directResends: false,
  },
  {
    name: "400 (a refusal is an answer, never resent)",
    fault: { route: POST, kind: "status", status: 400, times: 1 },
    route: POST,
    withReference: { type: "final", breaker: "success" },
    withoutReference: { type: "final", breaker: "success" },
  },
];

describe("core/outbox resendDecision: real faults, the outbox resends what the direct path resends", function () {
  this.timeout(30_000);
  let sim: TestSimulator;
  let keys: { certificatePem: string; privateKeyPem: string };
  let serial = 0;
  before(async () => {
    const certs = await getTestCertificates();
    keys = certs.client;
    sim = await startTestSimulator(certs.client.certificatePem);
  });
  after(async () => {
    await sim.stop();
  });
  afterEach(() => sim.faults.clear());

  /** Sends one creation through a client with `attempts`; what it ended with and the requests of `route` it cost. */
  async function sendOnce(
    row: Row,
    attempts: number,
    withReference: boolean,
  ): Promise<{ error?: unknown; requests: number }> {
    const { tokens } = connect(sim, sim.client, keys);
    const client = new FlaApiClient({
      apiUrl: sim.apiUrl,
      tokens,
      timeoutMs: row.timeoutMs ?? 5000,
      retry: { attempts, baseDelayMs: 20, maxDelayMs: 50 },
    });
    // A token first, so that only the faulted request is counted; not for a fault of the token endpoint itself.
    if (row.route !== "token") await tokens.getAccessToken();
    sim.faults.clear();
    sim.faults.add(row.fault);
    serial++;
    const body = loadTraining(serial, withReference ? `DECIDE-${process.pid}-${serial}` : undefined);
    const count = (): number => (row.route === "token" ? sim.stats.tokenRequests : (sim.stats.byRoute[POST] ?? 0));
    const before = count();
    try {
      await client.send(buildRequest("createTraining", {}, body));
      return { requests: count() - before };
    } catch (error) {
      return { error, requests: count() - before };
    } finally {
      client.destroy();
      // The slow fault's answer comes after the client gave up: let it land before the next row counts.
      if (row.fault.kind === "slow") await new Promise((resolve) => setTimeout(resolve, row.fault.delayMs));
    }
  }

  for (const row of ROWS) {
    for (const withReference of [true, false]) {
      const expected = withReference ? row.withReference : row.withoutReference;
      it(`${row.name}, ${withReference ? "with" : "without"} an externalReference → outbox ${expected.type}, breaker ${expected.breaker}`, async () => {
        const direct = await sendOnce(row, 2, withReference);
        const directResent = direct.requests === 2;
        const outbox = await sendOnce(row, 1, withReference);
        assert.equal(outbox.requests, 1, "the outbox's client sends once");
        if (expected.type === "final" && expected.breaker === "success" && !isFlaError(outbox.error)) {
          // A 4xx is an answer, not a thrown error: the outbox never sees it as a failure.
          assert.equal(outbox.error, undefined);
          assert.equal(directResent, false);
          return;
        }
        assert.ok(isFlaError(outbox.error), `the one attempt failed: ${String(outbox.error)}`);
        const decision = outboxFailureDecision(outbox.error);
        assert.deepEqual(decision, expected, `${outbox.error.code}: ${outbox.error.message}`);
        assert.equal(
          row.directResends ?? decision.type === "retry",
          directResent,
          `the direct client ${directResent ? "resent" : "did not resend"} it (${direct.requests} requests)`,
        );
        if (decision.type === "final" && withReference === false && expected.breaker !== "success")
          assert.equal(outbox.error.code, "FLA_UNCERTAIN");
      });
    }
  }
});
