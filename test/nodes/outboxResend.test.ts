/**
 * The outbox resends what the direct path resends. A POST /trainings whose answer is lost
 * after the platform recorded it (a 200 that is not JSON, a 500, a reset) must end as the direct path ends it: with an
 * externalReference, resent and answered ALREADY_DECLARED; without one, FLA_UNCERTAIN. Each fault comes from the
 * simulator's fault plans; the outbox side goes through a real fla-declare node (test helper runtime), the direct side
 * through core/declare with the config node's own (retrying) client, against the same simulator.
 */
import assert from "node:assert/strict";
import type { Node } from "node-red";
import { declare } from "../../src/core/declare";
import type { Outcome } from "../../src/core/result";
import type { FlaConfigNode } from "../../src/nodes/shared/types";
import type { FaultSpec } from "../../src/simulator/types";
import { loadTraining } from "../load/support";
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
} from "./fixture";

const ROUTE = "POST /trainings";

/** What a flow can tell of an end: the output, the status, the error code. */
interface End {
  output: string;
  status?: string;
  code?: string;
}

function endOfMsg(out: Outputs): End {
  if (out.success.length) return endOf("success", out.success[0]);
  if (out.anomaly.length) return endOf("anomaly", out.anomaly[0]);
  return endOf("error", out.errors[0]);
}

function endOf(output: string, msg: AnyMsg): End {
  return { output, status: msg.fla?.status, ...(msg.error?.code ? { code: msg.error.code } : {}) };
}

function endOfOutcome(outcome: Outcome): End {
  return {
    output: outcome.output,
    status: outcome.fla.status,
    ...(outcome.output === "error" ? { code: outcome.error.code } : {}),
  };
}

interface Case {
  name: string;
  fault: FaultSpec;
  withReference: boolean;
  expected: End;
}

const CASES: Case[] = [
  {
    name: "a malformed 200 after recording, with an externalReference",
    fault: { route: ROUTE, kind: "malformed", phase: "after", times: 1 },
    withReference: true,
    expected: { output: "success", status: "ALREADY_DECLARED" },
  },
  {
    name: "a malformed 200 after recording, without an externalReference",
    fault: { route: ROUTE, kind: "malformed", phase: "after", times: 1 },
    withReference: false,
    expected: { output: "error", status: "ERROR", code: "FLA_UNCERTAIN" },
  },
  {
    name: "a 500 after recording, with an externalReference",
    fault: { route: ROUTE, kind: "status", status: 500, phase: "after", times: 1 },
    withReference: true,
    expected: { output: "success", status: "ALREADY_DECLARED" },
  },
  {
    name: "a 500 after recording, without an externalReference",
    fault: { route: ROUTE, kind: "status", status: 500, phase: "after", times: 1 },
    withReference: false,
    expected: { output: "error", status: "ERROR", code: "FLA_UNCERTAIN" },
  },
  {
    name: "a reset after recording, with an externalReference",
    fault: { route: ROUTE, kind: "reset", phase: "after", times: 1 },
    withReference: true,
    expected: { output: "success", status: "ALREADY_DECLARED" },
  },
  {
    name: "a reset after recording, without an externalReference",
    fault: { route: ROUTE, kind: "reset", phase: "after", times: 1 },
    withReference: false,
    expected: { output: "error", status: "ERROR", code: "FLA_UNCERTAIN" },
  },
  {
    name: "a 503 before recording, without an externalReference (not handled: safe to resend)",
    fault: { route: ROUTE, kind: "status", status: 503, retryAfter: 1, times: 1 },
    withReference: false,
    expected: { output: "success", status: "ACCEPTED" },
  },
];

describe("fla-declare through the outbox: the answers the direct path resends are resent", function () {
  this.timeout(30_000);
  let ctx: NodeTestContext;
  let serial = 0;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => {
    await ctx.sim.stop();
  });
  afterEach(async () => {
    await helper.unload();
    ctx.sim.faults.clear();
  });

  async function loadDeclare(): Promise<{ node: Node; out: Outputs; config: FlaConfigNode }> {
    // Short backoffs: the outbox's first wait is 1 s; the breaker must not open on one failure.
    const flow = wiredFlow(configFlowNode(ctx.sim, { maxAttempts: 3, maxBackoff: 1, circuitThreshold: 5 }), {
      id: "declare",
      type: "fla-declare",
      operation: "createTraining",
      waitForResult: true,
      pollTimeout: 5,
    });
    await load([configNode, declareNode, catchNode], flow, { cfg: pfxCredentials(ctx.certs) });
    return {
      node: helper.getNode("declare"),
      out: new Outputs("declare"),
      config: helper.getNode("cfg") as unknown as FlaConfigNode,
    };
  }

  const payloadFor = (c: Case, side: string): Record<string, unknown> => {
    serial++;
    const payload = loadTraining(serial, c.withReference ? `RESEND-${process.pid}-${side}-${serial}` : undefined);
    return { ...payload, title: `Resend ${side} ${serial}` };
  };
  const recordedWithTitle = (title: unknown): number =>
    [...ctx.sim.data.trainings.values()].filter((t) => t.title === title).length;

  for (const c of CASES) {
    it(`${c.name}: the outbox ends it as the direct path does (${c.expected.code ?? c.expected.status}), recorded once`, async () => {
      const { node, out, config } = await loadDeclare();
      const connection = config.connection;

      // The direct path, with the config node's retrying client.
      ctx.sim.faults.clear();
      ctx.sim.faults.add(c.fault);
      const directPayload = payloadFor(c, "direct");
      const direct = await declare(
        { operation: "createTraining", payload: directPayload },
        {
          client: connection.client!,
          validation: {
            role: connection.settings!.role,
            defaultEnterpriseNumber: connection.settings!.enterpriseNumber,
          },
          waitForResult: true,
          pollTimeoutMs: 5_000,
        },
      );
      assert.deepEqual(
        endOfOutcome(direct),
        c.expected,
        `direct path: ${JSON.stringify(direct.output === "error" ? direct.error : direct.fla)}`,
      );
      assert.equal(recordedWithTitle(directPayload.title), 1, "the direct path recorded it once");

      // The same fault through the outbox of a real fla-declare node.
      ctx.sim.faults.clear();
      ctx.sim.faults.add(c.fault);
      const outboxPayload = payloadFor(c, "outbox");
      node.receive({ payload: outboxPayload });
      await out.waitFor(1);
      assert.deepEqual(
        endOfMsg(out),
        c.expected,
        `outbox: ${JSON.stringify(out.errors[0]?.error ?? out.success[0]?.fla)}`,
      );
      assert.equal(recordedWithTitle(outboxPayload.title), 1, "the outbox recorded it once");
      assert.equal(ctx.sim.data.duplicateExternalReferences().length, 0);
    });
  }

  it("a renewed token the API also refuses as expired (a passing 401, nothing recorded): the outbox sends it again later, ACCEPTED, recorded once", async () => {
    const { node, out } = await loadDeclare();
    // The first request's token expires, then the renewed one too: the client's one renewal is used up.
    ctx.sim.faults.add({ route: ROUTE, kind: "expireToken", times: 2 });
    const payload = { ...loadTraining(++serial), title: `Expired token ${serial}` };
    node.receive({ payload });
    await out.waitFor(1);
    assert.deepEqual(endOfMsg(out), { output: "success", status: "ACCEPTED" }, JSON.stringify(out.errors[0]?.error));
    assert.equal(recordedWithTitle(payload.title), 1);
  });
});
