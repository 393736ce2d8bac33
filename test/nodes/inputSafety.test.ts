/**
 * Payloads Node-RED itself cannot copy (deep nesting, throwing getters) or JSON cannot carry (Buffers, functions,
 * cycles), through the real runtime. The flow forces every copy Node-RED makes: the anomaly output has two wires
 * (the second receives a clone), a Catch and a Complete node watch the node. Each input ends in exactly one outcome,
 * nothing throws, no request is made. Array payloads: each part carries its own element, not the whole array.
 */
import assert from "node:assert/strict";
import type { Node } from "node-red";
import { SEED } from "../../src/simulator";
import {
  catchNode,
  configFlowNode,
  configNode,
  declareNode,
  helper,
  load,
  pfxCredentials,
  queryNode,
  startContext,
  type AnyMsg,
  type FlowNode,
  type NodeTestContext,
} from "./fixture";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const completeNode = require("@node-red/nodes/core/common/24-complete.js");

const NODES = [configNode, declareNode, queryNode, catchNode, completeNode];

function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let here = root;
  for (let i = 1; i < levels; i++) {
    const next: Record<string, unknown> = {};
    here.a = next;
    here = next;
  }
  return root;
}

const training = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  employer: { enterpriseNumber: SEED.demoEmployer },
  worker: { ssin: SEED.demoWorker },
  title: "Forklift safety",
  period: { startDate: "2024-03-04", endDate: "2024-03-05" },
  nature: "FORMAL",
  duration: { value: 14, unit: "HOURS" },
  ...overrides,
});

interface Collected {
  success: AnyMsg[];
  anomaly: AnyMsg[];
  anomalyCopy: AnyMsg[];
  errors: AnyMsg[];
  complete: AnyMsg[];
}

async function loadNode(
  ctx: NodeTestContext,
  node: FlowNode,
): Promise<{ node: Node; got: Collected; settled: (count: number) => Promise<void> }> {
  const flow: FlowNode[] = [
    { id: "tab", type: "tab", label: "safety" },
    configFlowNode(ctx.sim),
    { ...node, id: "under", z: "tab", x: 100, y: 100, config: "cfg", wires: [["success"], ["anomaly", "anomalyCopy"]] },
    { id: "success", type: "helper", z: "tab", x: 300, y: 60 },
    { id: "anomaly", type: "helper", z: "tab", x: 300, y: 100 },
    { id: "anomalyCopy", type: "helper", z: "tab", x: 300, y: 140 },
    { id: "catch", type: "catch", z: "tab", x: 100, y: 200, scope: ["under"], uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", z: "tab", x: 300, y: 200 },
    {
      id: "complete",
      type: "complete",
      z: "tab",
      x: 100,
      y: 300,
      scope: ["under"],
      uncaught: false,
      wires: [["completed"]],
    },
    { id: "completed", type: "helper", z: "tab", x: 300, y: 300 },
  ];
  await load(NODES, flow, { cfg: pfxCredentials(ctx.certs) });
  const got: Collected = { success: [], anomaly: [], anomalyCopy: [], errors: [], complete: [] };
  const listen = (id: string, list: AnyMsg[]) => helper.getNode(id).on("input", (msg: AnyMsg) => list.push(msg));
  listen("success", got.success);
  listen("anomaly", got.anomaly);
  listen("anomalyCopy", got.anomalyCopy);
  listen("caught", got.errors);
  listen("completed", got.complete);
  const settled = async (count: number): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (
      got.success.length + got.anomaly.length + got.errors.length < count ||
      got.complete.length + got.errors.length < 1
    ) {
      if (Date.now() > deadline)
        throw new Error(
          `not settled: ${JSON.stringify({ s: got.success.length, a: got.anomaly.length, e: got.errors.map((e) => e.error), c: got.complete.length })}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
    // Anything that would arrive late (a second outcome) has had its chance.
    await new Promise((r) => setTimeout(r, 100));
  };
  return { node: helper.getNode("under"), got, settled };
}

describe("fla-declare / fla-query: input Node-RED cannot copy", function () {
  this.timeout(30_000);
  let ctx: NodeTestContext;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  before(async () => {
    ctx = await startContext();
    process.on("unhandledRejection", onUnhandled);
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    await ctx.sim.stop();
  });
  afterEach(async () => {
    await helper.unload();
    const seen = unhandled.splice(0).map(String);
    assert.deepEqual(seen, [], "no unhandled rejection");
  });

  const declareNodeDef: FlowNode = {
    id: "under",
    type: "fla-declare",
    operation: "createTraining",
    waitForResult: false,
    pollTimeout: 5,
  };

  const hostile = (): Array<[string, unknown, string, boolean]> => {
    const getter = training();
    Object.defineProperty(getter, "title", {
      enumerable: true,
      get: () => {
        throw new Error("getter boom");
      },
    });
    const circular = training();
    circular.self = circular;
    return [
      ["5,000 levels", training({ extra: nested(5_000) }), "LOCAL-PAYLOAD-TOO-DEEP", false],
      ["throwing getter", getter, "LOCAL-PAYLOAD-UNREADABLE", false],
      ["circular", circular, "LOCAL-PAYLOAD-CIRCULAR", true],
      ["Buffer", training({ title: Buffer.from("Forklift") }), "LOCAL-PAYLOAD-UNSUPPORTED", true],
      ["function", training({ title: () => "Forklift" }), "LOCAL-PAYLOAD-UNSUPPORTED", true],
    ];
  };

  for (const [name, , code] of hostile()) {
    it(`fla-declare, ${name}: one anomaly ${code}, both wires served, Complete fired, no request`, async () => {
      const [, payload, , givenBack] = hostile().find(([n]) => n === name)!;
      const before = ctx.sim.stats.requests;
      const { node, got, settled } = await loadNode(ctx, declareNodeDef);
      node.receive({ payload, topic: "t" });
      await settled(1);
      assert.equal(got.errors.length, 0, JSON.stringify(got.errors.map((e) => e.error)));
      assert.equal(got.success.length, 0);
      assert.equal(got.anomaly.length, 1);
      assert.equal(got.anomalyCopy.length, 1, "the second wire got its copy");
      assert.equal(got.complete.length, 1, "the Complete node got the message");
      const msg = got.anomaly[0];
      assert.equal(msg.fla!.status, "INVALID");
      assert.equal(msg.fla!.anomalies![0].code, code);
      assert.equal(msg.topic, "t");
      if (givenBack) assert.equal(msg.payload, payload, "the payload comes back untouched");
      else
        assert.ok(
          msg.fla!.anomalies!.some((a) => a.code === "LOCAL-PAYLOAD-REPLACED"),
          "the replacement is said",
        );
      assert.equal(ctx.sim.stats.requests, before, "no request");
    });
  }

  it("fla-declare: an unknown msg.operation with a 10,000-level payload: one anomaly, the payload summarised", async () => {
    const { node, got, settled } = await loadNode(ctx, { ...declareNodeDef, operation: "msg" });
    node.receive({ payload: nested(10_000), operation: "x" });
    await settled(1);
    assert.equal(got.errors.length, 0, JSON.stringify(got.errors.map((e) => e.error)));
    assert.equal(got.anomaly.length, 1);
    assert.equal(got.anomalyCopy.length, 1);
    assert.equal(got.anomaly[0].fla!.anomalies![0].code, "LOCAL-OPERATION-UNKNOWN");
  });

  it("another property Node-RED cannot copy (msg.extra 10,000 levels deep): send, node.error and done do not throw", async () => {
    const { node, got } = await loadNode(ctx, declareNodeDef);
    const logged: string[] = [];
    const under = node as unknown as { error: (text: unknown, msg?: unknown) => void };
    const error = under.error.bind(node);
    under.error = (text: unknown, msg?: unknown) => {
      if (msg === undefined) logged.push(String(text));
      error(text, msg);
    };
    node.receive({ payload: training({ worker: { ssin: "85.07.30-033.29" } }), extra: nested(10_000) });
    const deadline = Date.now() + 5_000;
    while (logged.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // The first wire got the anomaly; the copy for the second wire, and for the Complete node, could not be made: logged.
    assert.equal(got.anomaly.length, 1);
    assert.equal(got.anomaly[0].fla!.anomalies![0].code, "LOCAL-SSIN-CHECKSUM");
    assert.ok(
      logged.some((line) => /could not be sent/.test(line)),
      logged.join("\n"),
    );
    assert.ok(
      logged.some((line) => /could not be ended/.test(line)),
      logged.join("\n"),
    );
  });

  it("fla-query: a throwing getter or a 10,000-level payload ends as one local anomaly, no request", async () => {
    const before = ctx.sim.stats.requests;
    const getter: Record<string, unknown> = {};
    Object.defineProperty(getter, "ssin", {
      enumerable: true,
      get: () => {
        throw new Error("getter boom");
      },
    });
    for (const [payload, code] of [
      [getter, "LOCAL-PAYLOAD-UNREADABLE"],
      [{ ssin: SEED.demoWorker, extra: nested(10_000) }, "LOCAL-PAYLOAD-TOO-DEEP"],
    ] as const) {
      const { node, got, settled } = await loadNode(ctx, {
        id: "under",
        type: "fla-query",
        query: "trainings",
        paging: "all",
      });
      node.receive({ payload });
      await settled(1);
      assert.equal(got.errors.length, 0, JSON.stringify(got.errors.map((e) => e.error)));
      assert.equal(got.anomaly.length, 1);
      assert.equal(got.anomalyCopy.length, 1);
      assert.equal(got.anomaly[0].fla!.anomalies![0].code, code);
      await helper.unload();
    }
    assert.equal(ctx.sim.stats.requests, before);
  });

  it("an array payload: each part message carries its own element (msg.payload), with msg.parts as before", async () => {
    const { node, got, settled } = await loadNode(ctx, declareNodeDef);
    const rows = [
      training({ worker: { ssin: "85.07.30-033.29" } }),
      training({ title: "\u200b" }),
      { nonsense: true },
      training({ extra: nested(5_000) }),
    ];
    node.receive({ payload: rows, topic: "batch" });
    await settled(4);
    assert.equal(got.anomaly.length, 4);
    const byIndex = [...got.anomaly].sort((a, b) => a.parts!.index - b.parts!.index);
    for (const [i, msg] of byIndex.entries()) {
      assert.equal(msg.parts!.count, 4);
      assert.equal(msg.topic, "batch");
      assert.ok(!Array.isArray(msg.payload), `part ${i} carries an element, not the array`);
      if (i < 3) assert.deepEqual(msg.payload, rows[i]);
    }
    assert.equal(byIndex[3].fla!.anomalies![0].code, "LOCAL-PAYLOAD-TOO-DEEP");
    assert.equal(got.complete.length, 1);
  });

  it("an array payload is handled in linear work: each element is read a few times, not once per part (no timing)", async () => {
    const { node, got, settled } = await loadNode(ctx, declareNodeDef);
    const rows = 300;
    let reads = 0;
    // Invalid rows (a wrong check digit): no request. Each row counts the reads of one of its fields; a copy of the whole
    // array for each part message read every row once per part: rows² reads.
    const payload = Array.from({ length: rows }, () => {
      const row = training({ worker: { ssin: "85.07.30-033.29" } });
      Object.defineProperty(row, "note", { enumerable: true, get: () => ++reads });
      return row;
    });
    node.receive({ payload });
    await settled(rows);
    assert.equal(got.anomaly.length, rows);
    assert.ok(reads <= rows * 10, `${reads} reads for ${rows} rows`);
  });
});
