/**
 * The outbox settings of the config node, in the runtime of the test helper against the simulator: the
 * attempts per declaration, the give-up time (FLA_UNAVAILABLE), the circuit threshold, and "keep on disk".
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node } from "node-red";
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
  type NodeTestContext,
} from "./fixture";

describe("fla-config: outbox settings", function () {
  this.timeout(30_000);
  let ctx: NodeTestContext;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => {
    await ctx.sim.stop();
  });
  afterEach(async () => {
    await helper.unload();
    helper.settings({ userDir: undefined });
    ctx.sim.faults.clear();
  });

  async function loadDeclare(config: Record<string, unknown>): Promise<{ node: Node; out: Outputs }> {
    const flow = wiredFlow(configFlowNode(ctx.sim, config), {
      id: "declare",
      type: "fla-declare",
      operation: "createTraining",
      waitForResult: true,
      pollTimeout: 5,
    });
    await load([configNode, declareNode, catchNode], flow, { cfg: pfxCredentials(ctx.certs) });
    return { node: helper.getNode("declare"), out: new Outputs("declare") };
  }
  const posts = (): number => ctx.sim.stats.byRoute["POST /trainings"] ?? 0;

  it("attempts: a declaration the platform keeps failing is tried that many times, then its last error goes to the Catch node", async () => {
    const { node, out } = await loadDeclare({ maxAttempts: 2, maxBackoff: 1, circuitThreshold: 10 });
    ctx.sim.faults.add({ route: "POST /trainings", kind: "status", status: 500 });
    const before = posts();
    node.receive({ payload: loadTraining(1, `ATTEMPTS-${process.pid}`), ref: "a" });
    await out.waitFor(1);
    assert.equal(out.errors.length, 1);
    assert.equal((out.errors[0].error as { code?: string }).code, "FLA_HTTP");
    assert.equal((out.errors[0] as { ref?: string }).ref, "a", "the outcome carries the input's own properties");
    assert.equal(posts() - before, 2, "two attempts, one request each (no second retry layer in the client)");
  });

  it("give-up time: a declaration the platform never takes ends with FLA_UNAVAILABLE; the circuit pauses sending meanwhile", async () => {
    // 0.0005 h = 1.8 s; the circuit opens at the first failure.
    const { node, out } = await loadDeclare({ giveUpHours: 0.0005, circuitThreshold: 1, maxBackoff: 1 });
    ctx.sim.faults.add({ route: "POST /trainings", kind: "status", status: 503 });
    const before = posts();
    for (let i = 0; i < 5; i++) node.receive({ payload: loadTraining(i, `GIVEUP-${process.pid}-${i}`) });
    await out.waitFor(5);
    assert.deepEqual(
      out.errors.map((m) => (m.error as { code?: string }).code),
      ["FLA_UNAVAILABLE", "FLA_UNAVAILABLE", "FLA_UNAVAILABLE", "FLA_UNAVAILABLE", "FLA_UNAVAILABLE"],
    );
    assert.ok(
      posts() - before < 5 + 3,
      `a probe at a time while paused, not a request per declaration and retry: ${posts() - before}`,
    );
  });

  it("in memory (no user directory), a redeploy hands the declarations still waiting to the new config node: none lost", async () => {
    const first = await loadDeclare({ maxConcurrent: 1 });
    ctx.sim.faults.add({ route: "POST /trainings", kind: "slow", delayMs: 300, times: 1 });
    const prefix = `MEMORY-${process.pid}-`;
    for (let i = 0; i < 5; i++) first.node.receive({ payload: loadTraining(i, `${prefix}${i}`), ref: i });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await helper.unload();
    const second = await loadDeclare({ maxConcurrent: 1 });
    await second.out.waitFor(5);
    assert.deepEqual(
      second.out.errors.map((m) => m.error),
      [],
    );
    assert.deepEqual(second.out.success.map((m) => Number((m as { ref?: number }).ref)).sort(), [0, 1, 2, 3, 4]);
    const held = [...ctx.sim.data.trainings.values()].filter((t) => t.externalReference?.startsWith(prefix));
    assert.equal(held.length, 5);
  });

  it("queue limit: the elements of one large array wait for room instead of being refused", async () => {
    const { node, out } = await loadDeclare({ maxQueue: 10, maxConcurrent: 4 });
    const prefix = `ROOM-${process.pid}-`;
    node.receive({ payload: Array.from({ length: 60 }, (_, i) => loadTraining(i, `${prefix}${i}`)) });
    await out.waitFor(60);
    assert.deepEqual(
      out.errors.map((m) => m.error),
      [],
      "none refused with FLA_QUEUE_FULL",
    );
    assert.deepEqual(
      out.success.map((m) => m.parts!.index).sort((a, b) => a - b),
      [...Array(60).keys()],
    );
  });

  it("keep on disk: on, the journal is in <userDir>/fla-outbox; off, nothing is written there", async () => {
    const userDir = mkdtempSync(join(tmpdir(), "fla-outbox-setting-"));
    try {
      helper.settings({ userDir });
      const on = await loadDeclare({});
      on.node.receive({ payload: loadTraining(1, `DISK-ON-${process.pid}`) });
      await on.out.waitFor(1);
      assert.deepEqual(readdirSync(join(userDir, "fla-outbox")), ["cfg.journal"]);
      await helper.unload();
      rmSync(join(userDir, "fla-outbox"), { recursive: true, force: true });

      const off = await loadDeclare({ persistOutbox: false });
      off.node.receive({ payload: loadTraining(2, `DISK-OFF-${process.pid}`) });
      await off.out.waitFor(1);
      assert.equal(off.out.success.length, 1);
      assert.equal(existsSync(join(userDir, "fla-outbox")), false);
    } finally {
      rmSync(userDir, { recursive: true, force: true });
    }
  });
});
