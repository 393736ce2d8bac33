/**
 * 2,000 declarations with an externalReference through fla-declare (real Node-RED runtime of the test helper) while the
 * simulator injects every kind of fault at random, bounded in count. Every message must leave exactly once, as a
 * success (ACCEPTED or ALREADY_DECLARED) unless the platform looked down on each of its attempts (bounded by the faults
 * injected); the simulator must hold no duplicate, and token requests must stay within one per token lifetime plus one
 * per 401 cause.
 */
import assert from "node:assert/strict";
import type { FlaConfigNode } from "../../src/nodes/shared/types";
import {
  catchNode,
  configFlowNode,
  configNode,
  declareNode,
  helper,
  load,
  Outputs,
  pfxCredentials,
  startContext,
  wiredFlow,
  type AnyMsg,
  type NodeTestContext,
} from "../nodes/fixture";
import { loadTraining, waitUntil } from "./support";

const MESSAGES = 2_000;
const TOKEN_LIFETIME_SECONDS = 600;
/** The outbox's attempts per declaration (the config node's default, not overridden below). */
const MAX_ATTEMPTS = 5;
/**
 * The only errors a declaration with an externalReference may end with here: the platform looked down (a 5xx, 429,
 * 503, reset: FLA_HTTP, FLA_NETWORK) on each of its MAX_ATTEMPTS attempts. An unreadable 200 is resent into a 409
 * (ALREADY_DECLARED), an expired or revoked token is renewed, a 300 ms delay is within the 5 s timeout: none of them
 * may end a message on the Catch node, and nothing may end FLA_UNCERTAIN (every message is safe to resend).
 */
const EXHAUSTED_CODES = new Set(["FLA_HTTP", "FLA_NETWORK"]);

describe("load: 2,000 declarations under random faults", function () {
  this.timeout(90_000);
  let ctx: NodeTestContext;

  before(async () => {
    ctx = await startContext({}, { seed: false, tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS, faultSeed: 20260101 });
  });
  after(async () => {
    await helper.unload();
    await ctx.sim.stop();
  });

  it("every message leaves exactly once, the simulator holds no duplicate, tokens stay bounded", async () => {
    const { sim } = ctx;
    const flow = wiredFlow(configFlowNode(sim, { maxConcurrent: 16, timeout: 5 }), {
      id: "declare",
      type: "fla-declare",
      operation: "createTraining",
      waitForResult: true,
      pollTimeout: 5,
    });
    await load([configNode, declareNode, catchNode], flow, { cfg: pfxCredentials(ctx.certs) });
    const node = helper.getNode("declare");
    const connection = (helper.getNode("cfg") as unknown as FlaConfigNode).connection;
    const out = new Outputs("declare");

    const route = "POST /trainings";
    const bounded = { probability: 0.02, times: 40 };
    sim.faults.add({ route, kind: "status", status: 500, ...bounded });
    // Recorded, then the answer is lost: the retry must meet the 409 of the externalReference, not a second record.
    sim.faults.add({ route, kind: "status", status: 500, phase: "after", ...bounded });
    sim.faults.add({ route, kind: "status", status: 503, retryAfter: 1, ...bounded });
    sim.faults.add({ route, kind: "status", status: 429, retryAfter: 1, ...bounded });
    sim.faults.add({ route, kind: "reset", ...bounded });
    sim.faults.add({ route, kind: "reset", phase: "after", ...bounded });
    sim.faults.add({ route, kind: "slow", delayMs: 300, ...bounded });
    sim.faults.add({ route, kind: "malformed", phase: "after", probability: 0.01, times: 20 });
    sim.faults.add({ route, kind: "expireToken", probability: 0.002, times: 3 });

    const started = Date.now();
    const prefix = `LOAD-${process.pid}-`;
    let revocations = 0;
    const revokeHalfWay = waitUntil(() => out.total >= MESSAGES / 2, 60_000).then(() => {
      sim.revokeTokens();
      revocations++;
    });
    for (let i = 0; i < MESSAGES; i++) {
      const ref = `${prefix}${i}`;
      node.receive({ payload: loadTraining(i, ref), ref });
    }
    await out.waitFor(MESSAGES, 60_000);
    await revokeHalfWay;
    await waitUntil(() => connection.limiter.stats.inFlight === 0 && connection.limiter.stats.queued === 0, 10_000);
    const elapsedSeconds = (Date.now() - started) / 1000;

    // Every message left exactly once.
    assert.equal(out.success.length + out.anomaly.length + out.errors.length, MESSAGES);
    const seen = new Map<string, number>();
    for (const msg of [...out.success, ...out.anomaly, ...out.errors]) {
      const ref = String((msg as AnyMsg & { ref?: string }).ref);
      seen.set(ref, (seen.get(ref) ?? 0) + 1);
    }
    const missingOrTwice = [...Array(MESSAGES).keys()].map((i) => `${prefix}${i}`).filter((ref) => seen.get(ref) !== 1);
    assert.deepEqual(missingOrTwice, [], "each externalReference leaves exactly once");
    assert.deepEqual(
      out.anomaly.map((m) => m.fla),
      [],
      "every declaration is valid: no anomaly output",
    );
    const errorCodes = out.errors.map((msg) => String(msg.error?.code));
    const unexpected = out.errors.filter((msg) => !EXHAUSTED_CODES.has(String(msg.error?.code)));
    assert.deepEqual(
      unexpected.map((msg) => `${String(msg.error?.code)}: ${String(msg.error?.message)}`),
      [],
      `only a platform down on every attempt may end a message on the Catch node (errors by code: ${JSON.stringify(countBy(errorCodes))})`,
    );

    // The simulator holds no duplicate, and each success is recorded once under its trainingId.
    assert.deepEqual(sim.data.duplicateExternalReferences(), []);
    const stored = new Map<string, string[]>();
    for (const t of sim.data.trainings.values()) {
      if (t.externalReference?.startsWith(prefix))
        stored.set(t.externalReference, [...(stored.get(t.externalReference) ?? []), t.trainingId]);
    }
    for (const msg of out.success) {
      const ref = String((msg as AnyMsg & { ref?: string }).ref);
      assert.match(String(msg.fla?.status), /^(ACCEPTED|ACCEPTED_WITH_WARNINGS|ALREADY_DECLARED)$/);
      assert.deepEqual(
        stored.get(ref),
        [msg.fla?.trainingId],
        `${ref} is stored once, under the trainingId the message names`,
      );
    }

    // The run met the faults it was meant to meet.
    const kinds = sim.stats.faultsByKind;
    for (const kind of ["status", "reset", "slow", "malformed", "expireToken"])
      assert.ok((kinds[kind] ?? 0) > 0, `a ${kind} fault was injected`);
    assert.ok(
      out.success.some((m) => m.fla?.status === "ALREADY_DECLARED"),
      "a lost answer was retried into a 409",
    );
    // Each message that ended on the Catch node met a platform-down fault on each of its attempts (failures while the
    // circuit is open do not even count): at most one such message per MAX_ATTEMPTS faults of those kinds injected.
    const downFaults = (kinds.status ?? 0) + (kinds.reset ?? 0);
    assert.ok(
      out.errors.length * MAX_ATTEMPTS <= downFaults,
      `${out.errors.length} messages failed, more than ${downFaults} platform-down faults allow`,
    );
    assert.equal(revocations, 1);

    // Token requests: one per lifetime, plus one per expired token and per revocation, never one per 401.
    const injected401Causes = (kinds.expireToken ?? 0) + revocations;
    const allowed = Math.ceil(elapsedSeconds / TOKEN_LIFETIME_SECONDS) + injected401Causes;
    assert.ok(sim.stats.unauthorized > 0, "the API answered 401s");
    assert.ok(sim.stats.tokenRequests > 1, "the token was renewed after the 401s");
    assert.ok(
      sim.stats.tokenRequests <= allowed,
      `token requests ${sim.stats.tokenRequests} > ${allowed} (401 answers ${sim.stats.unauthorized}, expireToken ${kinds.expireToken ?? 0}, revocations ${revocations})`,
    );
    assert.equal(connection.tokenStats?.tokenRequests, sim.stats.tokenRequests);
    // A figure for whoever reads the test output, not an assertion.
    console.warn(
      `      ${MESSAGES} messages in ${elapsedSeconds.toFixed(1)} s: success ${out.success.length}, caught ${out.errors.length}; faults ${sim.stats.faultsInjected} ${JSON.stringify(kinds)}; token requests ${sim.stats.tokenRequests}`,
    );
  });
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
