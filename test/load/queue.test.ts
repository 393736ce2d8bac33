/**
 * The config node's queue under pressure (real runtime of the test helper, simulator over HTTP): the bound refuses with
 * FLA_QUEUE_FULL, the status shows in-flight and queued counts, a close keeps every declaration in the outbox for the
 * node that takes over, and a query in split mode resumes the page that failed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node } from "node-red";
import { SEED } from "../../src/simulator";
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
  queryNode,
  startContext,
  wiredFlow,
  type AnyMsg,
  type FlowNode,
  type NodeTestContext,
} from "../nodes/fixture";
import { loadTraining, waitUntil, withEnglishCatalog } from "./support";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const statusNode = require("@node-red/nodes/core/common/25-status.js");

type Status = { fill?: string; shape?: string; text?: string };

/** The flow of the fixture plus a Status node on the node under test, wired to a helper that collects what it shows. */
function flowWithStatus(config: FlowNode, node: FlowNode): FlowNode[] {
  return [
    ...wiredFlow(config, node),
    { id: "status", type: "status", z: "tab", x: 100, y: 300, scope: [node.id], wires: [["statuses"]] },
    { id: "statuses", type: "helper", z: "tab", x: 300, y: 300 },
  ];
}

function connectionOf(): FlaConfigNode["connection"] {
  return (helper.getNode("cfg") as unknown as FlaConfigNode).connection;
}

/** What the node sends and reports from now on, read on the node itself: during a close the helper nodes stop listening. */
function spyOn(node: Node): { sent: AnyMsg[]; errors: Array<{ error: { code?: string }; msg: AnyMsg }> } {
  const record = { sent: [] as AnyMsg[], errors: [] as Array<{ error: { code?: string }; msg: AnyMsg }> };
  const send = node.send.bind(node);
  const error = node.error.bind(node);
  node.send = (msg: unknown) => {
    for (const m of Array.isArray(msg) ? msg : [msg]) if (m) record.sent.push(m as AnyMsg);
    send(msg as never);
  };
  node.error = ((err: unknown, msg?: unknown) => {
    record.errors.push({ error: err as { code?: string }, msg: msg as AnyMsg });
    error(err, msg as never);
  }) as Node["error"];
  return record;
}

describe("load: queue bound, status, close and paging under faults", function () {
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
    ctx.sim.faults.clear();
  });

  it("refuses declarations beyond the outbox bound with FLA_QUEUE_FULL (none dropped) and shows in-flight and queued counts", async () => {
    const { sim } = ctx;
    const config = configFlowNode(sim, { maxConcurrent: 1, maxQueue: 3 });
    await load(
      [configNode, withEnglishCatalog(declareNode), catchNode, statusNode],
      flowWithStatus(config, {
        id: "declare",
        type: "fla-declare",
        operation: "createTraining",
        waitForResult: true,
        pollTimeout: 5,
      }),
      {
        cfg: pfxCredentials(ctx.certs),
      },
    );
    const node = helper.getNode("declare");
    const out = new Outputs("declare");
    const statuses: Status[] = [];
    (
      helper.getNode("statuses") as unknown as {
        on(event: "input", listener: (msg: { status?: Status }) => void): void;
      }
    ).on("input", (msg) => {
      statuses.push(msg.status ?? {});
    });
    sim.faults.add({ route: "POST /trainings", kind: "slow", delayMs: 600, times: 4 });

    const prefix = `QUEUE-${process.pid}-`;
    for (let i = 0; i < 10; i++) node.receive({ payload: loadTraining(i, `${prefix}${i}`), ref: i });
    await out.waitFor(10);

    // Issue 11: the bound is the outbox's, and it counts every declaration in it (the one in flight included).
    const full = out.errors.filter((m) => m.error?.code === "FLA_QUEUE_FULL");
    assert.equal(full.length, 7, JSON.stringify(out.errors.map((m) => m.error)));
    assert.deepEqual(
      full.map((m) => (m as AnyMsg & { ref?: number }).ref).sort((a, b) => Number(a) - Number(b)),
      [3, 4, 5, 6, 7, 8, 9],
      "the last seven, in arrival order",
    );
    assert.equal(out.success.length, 3, "the one in flight and the two waiting are declared");
    assert.match(String(full[0].error?.message), /outbox is full/);
    assert.ok(
      statuses.some((s) => s.fill === "blue" && s.text === "1 in flight, 2 queued"),
      `a status shows 1 in flight and 2 queued: ${JSON.stringify(statuses.map((s) => s.text))}`,
    );
    await waitUntil(
      () => statuses.length > 0 && statuses[statuses.length - 1].fill !== "blue",
      5_000,
      "the status to leave the blue ring",
    );
  });

  it("on close nothing is aborted: requests in flight finish, queued declarations stay in the outbox and the node that takes over sends them on", async () => {
    const { sim } = ctx;
    const userDir = mkdtempSync(join(tmpdir(), "fla-queue-close-"));
    helper.settings({ userDir });
    try {
      const config = configFlowNode(sim, { maxConcurrent: 2, maxQueue: 100, timeout: 5 });
      const flow = wiredFlow(config, {
        id: "declare",
        type: "fla-declare",
        operation: "createTraining",
        waitForResult: true,
        pollTimeout: 5,
      });
      await load([configNode, declareNode, catchNode], flow, { cfg: pfxCredentials(ctx.certs) });
      const node = helper.getNode("declare");
      await connectionOf().getAccessToken();
      const record = spyOn(node);
      sim.faults.add({ route: "POST /trainings", kind: "slow", delayMs: 800, times: 2 });
      const postsBefore = sim.stats.byRoute["POST /trainings"] ?? 0;

      const prefix = `CLOSE-${process.pid}-`;
      const count = 7;
      for (let i = 0; i < count; i++) node.receive({ payload: loadTraining(100 + i, `${prefix}${i}`), ref: i });
      await waitUntil(() => (sim.stats.byRoute["POST /trainings"] ?? 0) - postsBefore === 2, 5_000, "2 in flight");

      await helper.unload();
      const stored = (): string[] =>
        [...sim.data.trainings.values()]
          .filter((t) => t.externalReference?.startsWith(prefix))
          .map((t) => String(t.externalReference))
          .sort();
      await waitUntil(() => stored().length === 2, 5_000, "the simulator to record the two declarations in flight");
      // Issue 11 changed this contract: a close used to end the queued ones with FLA_ABORTED (to a Catch node already
      // closed); now nothing ends at the close, everything waits in the outbox.
      assert.deepEqual(
        record.errors.map((e) => e.error.code),
        [],
        "no error at the close",
      );
      assert.equal((sim.stats.byRoute["POST /trainings"] ?? 0) - postsBefore, 2, "the queued ones were not sent");

      await load([configNode, declareNode, catchNode], flow, { cfg: pfxCredentials(ctx.certs) });
      const out = new Outputs("declare");
      await out.waitFor(count, 10_000);
      assert.deepEqual(
        out.errors.map((m) => m.error),
        [],
      );
      const refs = out.success.map((m) => Number((m as AnyMsg & { ref?: number }).ref)).sort((a, b) => a - b);
      assert.deepEqual(refs, [0, 1, 2, 3, 4, 5, 6], "every declaration ends once, with the user's own properties");
      assert.ok(
        out.success.every((m) => (m.fla as { resumed?: boolean }).resumed === true),
        "msg.fla.resumed on each",
      );
      assert.equal(stored().length, count, "the simulator holds each declaration");
      assert.equal(new Set(stored()).size, count, "none twice");
    } finally {
      helper.settings({ userDir: undefined });
      rmSync(userDir, { recursive: true, force: true });
    }
  });

  it("query in split mode: a page failing once is retried and the parts cover the simulator's total", async () => {
    const { sim } = ctx;
    const config = configFlowNode(sim, { maxConcurrent: 2 });
    const query: FlowNode = {
      id: "query",
      type: "fla-query",
      query: "trainings",
      paging: "split",
      pageSize: 100,
      enterpriseNumber: SEED.demoEmployer,
      enterpriseNumberType: "str",
    };
    await load([configNode, queryNode, catchNode], wiredFlow(config, query), { cfg: pfxCredentials(ctx.certs) });
    const node = helper.getNode("query");
    const out = new Outputs("query");

    // The total as the simulator gives it, asked directly with the config node's token.
    const token = await connectionOf().getAccessToken();
    const direct = await fetch(`${sim.apiUrl}/trainings?enterpriseNumber=${SEED.demoEmployer}&pageSize=1`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const total = ((await direct.json()) as { total: number }).total;
    const pages = Math.ceil(total / 100);
    assert.ok(pages >= 3, `enough seeded trainings for several pages (total ${total})`);

    // Once the first page is out, the next request fails once with a 500 and the one after with a reset.
    let armed = false;
    helper.getNode("success").on("input", () => {
      if (armed) return;
      armed = true;
      sim.faults.add({ route: "GET /trainings", kind: "status", status: 500, times: 1 });
      sim.faults.add({ route: "GET /trainings", kind: "reset", times: 1 });
    });
    const getsBefore = sim.stats.byRoute["GET /trainings"] ?? 0;
    node.receive({ payload: {} });
    await out.waitFor(pages, 20_000);
    await waitUntil(() => connectionOf().limiter.stats.inFlight === 0, 5_000, "the query to end");

    assert.deepEqual(
      out.errors.map((m) => m.error),
      [],
      "no page failure reaches the Catch node",
    );
    assert.equal(out.anomaly.length, 0);
    assert.equal(out.success.length, pages);
    const indexes = out.success.map((m) => m.parts!.index).sort((a, b) => a - b);
    assert.deepEqual(indexes, [...Array(pages).keys()], "every part index once");
    assert.ok(
      out.success.every((m) => m.parts!.count === pages),
      "every part names the count",
    );
    const ids = out.success.flatMap((m) => (m.payload as Array<{ trainingId: string }>).map((t) => t.trainingId));
    assert.equal(ids.length, total);
    assert.equal(new Set(ids).size, total, "no training twice");
    assert.equal(sim.stats.faultsInjected >= 2, true);
    assert.equal(
      (sim.stats.byRoute["GET /trainings"] ?? 0) - getsBefore,
      pages + 2,
      "only the failed page was asked again, twice",
    );
  });
});
