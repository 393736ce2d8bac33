/**
 * A node's close handler waits for work (the outbox detach, the messages in flight) before it calls done. If that wait
 * fails, the failure must be logged on the node and done still called: an unhandled rejection would stop Node-RED,
 * and a close that never calls done holds a redeploy for Node-RED's close timeout.
 */
import assert from "node:assert/strict";
import type { Node } from "node-red";
import type { Dispatcher } from "../../src/core/outbox/dispatcher";
import {
  catchNode,
  configFlowNode,
  configNode,
  declareNode,
  helper,
  load,
  pfxCredentials,
  startContext,
  wiredFlow,
  type NodeTestContext,
} from "./fixture";

describe("node close: a failing wait is logged, never lost", function () {
  this.timeout(30_000);
  let ctx: NodeTestContext;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => {
    await ctx.sim.stop();
  });

  it("fla-declare: the outbox detach rejects on close: node.error says why, done is called, no unhandled rejection", async () => {
    const flow = wiredFlow(configFlowNode(ctx.sim), {
      id: "declare",
      type: "fla-declare",
      operation: "createTraining",
      waitForResult: true,
    });
    await load([configNode, declareNode, catchNode], flow, { cfg: pfxCredentials(ctx.certs) });
    const config = helper.getNode("cfg") as Node & { outbox: { ready: Promise<Dispatcher<unknown>> } };
    const dispatcher = await config.outbox.ready;
    // A real object with one fault put in: the journal failing as the node lets go of it.
    dispatcher.detach = () => Promise.reject(new Error("journal failed while detaching"));
    const node = helper.getNode("declare");
    const logged: string[] = [];
    const error = node.error.bind(node);
    node.error = (message: unknown, msg?: unknown) => {
      logged.push(String(message));
      error(message, msg as never);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    const mochaListeners = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", onUnhandled);
    try {
      await helper.unload();
      // Unhandled rejections are reported after the microtask queue drains: give them one macrotask.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", onUnhandled);
      for (const listener of mochaListeners) process.on("unhandledRejection", listener);
    }
    assert.deepEqual(unhandled, []);
    assert.equal(logged.length, 1, `logged: ${JSON.stringify(logged)}`);
    assert.match(logged[0], /journal failed while detaching/);
  });
});
