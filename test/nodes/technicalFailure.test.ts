/**
 * A technical failure (here the network: the simulator resets every connection) reaches the Catch node with its own
 * msg.fla.status ERROR on each node; REJECTED stays for what the platform refused for what the platform refused.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { SEED } from "../../src/simulator";
import { loadTraining } from "../load/support";
import { loadExport, resetUserDir, useFreshUserDir } from "./exportFixture";
import {
  catchNode,
  configFlowNode,
  configNode,
  declareNode,
  helper,
  load,
  Outputs,
  pfxCredentials,
  queryNode,
  startContext,
  wiredFlow,
  type AnyMsg,
  type NodeTestContext,
} from "./fixture";

/** The caught message of a network failure: FLA_NETWORK, status ERROR, the requests it cost counted. */
function assertNetworkError(out: Outputs): AnyMsg {
  assert.equal(
    out.success.length + out.anomaly.length,
    0,
    JSON.stringify(out.success.concat(out.anomaly).map((m) => m.fla)),
  );
  assert.equal(out.errors.length, 1);
  const caught = out.errors[0];
  assert.equal(caught.error!.code, "FLA_NETWORK", JSON.stringify(caught.error));
  assert.equal(caught.fla!.status, "ERROR");
  return caught;
}

describe("a technical failure is status ERROR on every node (real runtime, simulator over HTTP)", function () {
  this.timeout(60_000);
  let ctx: NodeTestContext;
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

  it("fla-query: a read whose connections are all reset ends at the Catch node with FLA_NETWORK and status ERROR", async () => {
    const flow = wiredFlow(configFlowNode(ctx.sim), {
      id: "query",
      type: "fla-query",
      query: "trainingCredit",
      paging: "all",
    });
    await load([configNode, queryNode, catchNode], flow, { cfg: pfxCredentials(ctx.certs) });
    const out = new Outputs("query");
    ctx.sim.faults.add({ route: "GET /trainingCredits/{enterpriseNumber}/{ssin}/{year}", kind: "reset" });
    helper.getNode("query").receive({ payload: { ssin: SEED.demoWorker, year: 2024 } });
    await out.waitFor(1);
    const caught = assertNetworkError(out);
    assert.ok(Number(caught.fla!.attempts) >= 1, "the requests sent are counted");
  });

  it("fla-declare: a declaration whose connection is reset ends at the Catch node with FLA_NETWORK and status ERROR", async () => {
    const flow = wiredFlow(configFlowNode(ctx.sim, { maxAttempts: 1, circuitThreshold: 100 }), {
      id: "declare",
      type: "fla-declare",
      operation: "createTraining",
      waitForResult: true,
      pollTimeout: 5,
    });
    await load([configNode, declareNode, catchNode], flow, { cfg: pfxCredentials(ctx.certs) });
    const out = new Outputs("declare");
    // Reset before the request reaches the platform; the externalReference makes a resend safe, so not FLA_UNCERTAIN.
    ctx.sim.faults.add({ route: "POST /trainings", kind: "reset" });
    helper.getNode("declare").receive({ payload: loadTraining(1, `NETWORK-${process.pid}`) });
    await out.waitFor(1);
    const caught = assertNetworkError(out);
    assert.equal(caught.fla!.attempts, 1);
  });

  describe("fla-export", function () {
    let userDir: string;
    beforeEach(() => {
      userDir = useFreshUserDir();
    });
    afterEach(() => {
      rmSync(userDir, { recursive: true, force: true });
      resetUserDir();
    });

    it("an export whose reads are all reset ends at the Catch node with FLA_NETWORK and status ERROR", async () => {
      const { node, out } = await loadExport(ctx, { fromYear: "2025", toYear: "2025" });
      ctx.sim.faults.add({ route: "GET /trainings", kind: "reset" });
      node.receive({ payload: "" });
      await out.waitFor(1, 50_000);
      const caught = assertNetworkError(out);
      assert.equal(caught.fla!.operation, "export");
      assert.ok(Number(caught.fla!.attempts) >= 1, "the requests sent are counted");
    });

    it("an export whose reads are all answered 500 ends with FLA_HTTP, status ERROR and the HTTP status in msg.fla, as on the other nodes", async () => {
      const { node, out } = await loadExport(ctx, { fromYear: "2025", toYear: "2025" });
      ctx.sim.faults.add({ route: "GET /trainings", kind: "status", status: 500 });
      node.receive({ payload: "" });
      await out.waitFor(1, 50_000);
      assert.equal(out.errors.length, 1);
      const caught = out.errors[0];
      assert.equal(caught.error!.code, "FLA_HTTP", JSON.stringify(caught.error));
      assert.deepEqual([caught.fla!.status, caught.fla!.httpStatus], ["ERROR", 500]);
    });
  });
});
